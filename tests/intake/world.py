"""The intake world the authorization matrix and the intake tests share, built once per cast:
the cast's contractor works our front desk (a professional engaged by our firm as a virtual
receptionist, the engagement active), and our firm has an intake profile. Each part of intake adds
its own objects on top (tests/intake/matrix_*.py)."""

from __future__ import annotations


def intake_world(cast) -> dict:
    if getattr(cast, "intake_world", None):
        return cast.intake_world
    from counselbench.intake.models import IntakeProfile
    from counselbench.talent.models import ProfessionalRole
    from tests.factories import EngagementFactory

    profile = cast.contractor.professional_profile
    profile.role = ProfessionalRole.VIRTUAL_RECEPTIONIST
    profile.save(update_fields=["role"])
    engagement = EngagementFactory(
        organization=cast.firm,
        professional=profile,
        title="Front desk, bilingual",
        scope="Answer calls and chats, take messages, book consultations.",
        supervising_attorney=cast.attorney,
    )
    intake = IntakeProfile.objects.create(organization=cast.firm, jurisdictions=["TX", "NM"])
    cast.intake_world = {"engagement": engagement.pk, "profile": intake.pk}
    return cast.intake_world


def shown_form_token(slug: str, seconds_ago: float = 60) -> str:
    """The signed `ts` of a public form (intake step one, booking) shown `seconds_ago`: what a
    person's browser posts back, past the minimum fill time."""
    import time

    from django.core import signing

    return signing.dumps(
        {"s": slug, "t": time.time() - seconds_ago},
        salt="counselbench.intake.form",
        compress=False,
    )
