"""Intake URLs: public pages at /intake/<firm>/, /book/<firm>/ and /calendar/<token>.ics; the
firm's pages at /leads/, /reception/, /messages/ and /booking/ (see views/)."""

from counselbench.intake.views import booking, leads, public, reception

app_name = "intake"

urlpatterns = [
    *public.urlpatterns,
    *leads.urlpatterns,
    *reception.urlpatterns,
    *booking.urlpatterns,
]
