"""Demo data for intake (issue 8), one module per part: intake forms and 60 leads across the
pipeline, a week of reception log and shifts with one gap, availability and booked consultations."""

from counselbench.demo.intake import booking, forms, reception
from counselbench.organizations.models import Organization


def build(*, firm: Organization) -> None:
    """Forms and leads first (booking links appointments to leads), then reception, booking."""
    forms.build(firm=firm)
    forms.build_leads(firm=firm)
    reception.build(firm=firm)
    booking.build(firm=firm)
