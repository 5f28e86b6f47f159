"""The intake API: intake forms and leads, reception (log, messages, call events, shifts), and
booking (availability, appointments). One router per part, mounted under /api/v1/."""

from ninja import Router

from counselbench.intake.api.booking import router as booking_router
from counselbench.intake.api.forms import router as forms_router
from counselbench.intake.api.leads import router as leads_router
from counselbench.intake.api.reception import router as reception_router

router = Router()
router.add_router("", forms_router)
router.add_router("", leads_router)
router.add_router("", reception_router)
router.add_router("", booking_router)
