"""Engagements for the tests: a proposal to the cast's contractor, and classification answers
that point one way or the other."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from counselbench.engagements import classification, services
from counselbench.engagements.models import Engagement

# Every answer the independent-contractor way: no common-law factor points to employment and
# all three ABC prongs hold.
CONTRACTOR_ANSWERS = {q.key: not q.employee_if for q in classification.QUESTIONS}
# Every answer the employee way.
EMPLOYEE_ANSWERS = {q.key: q.employee_if for q in classification.QUESTIONS}

TERMS = {
    "title": "Discovery support for Whitfield & Moreno",
    "scope": "Draft discovery responses for Whitfield & Moreno's litigation team.",
    "jurisdiction": "TX",
    "start_date": date(2026, 12, 7),
    "rate_cents": 3500,
    "hours_per_week": 20,
}


@pytest.fixture
def propose(cast):
    """A proposal from the owner to the contractor (through their provider, the agency)."""

    def make(actor: str = "owner", **terms) -> Engagement:
        profile = cast.contractor.professional_profile
        profile.state = terms.pop("work_state", profile.state or "TX")
        profile.vetted_at = timezone.localdate()  # firms see vetted professionals
        profile.save(update_fields=["state", "vetted_at"])
        return services.create_engagement(
            cast.actor(actor), professional_id=profile.pk, data={**TERMS, **terms}
        )

    return make


@pytest.fixture
def sent(cast, propose):
    """A proposal, classified low-risk and sent: waiting for the professional's NDA."""
    engagement = propose()
    services.assess(cast.actor("owner"), engagement_id=engagement.pk, answers=CONTRACTOR_ANSWERS)
    return services.transition(cast.actor("owner"), engagement_id=engagement.pk, to="nda_pending")


def agree(cast, engagement: Engagement) -> None:
    """The owner issues the agreement; the owner and the professional accept it."""
    agreement = services.issue_agreement(
        cast.actor("owner"),
        engagement_id=engagement.pk,
        deliverables="Discovery responses.",
        milestones=[
            {
                "title": "First set served",
                "due_on": date(2026, 12, 18),
                "acceptance": "Served and filed",
            }
        ],
    )
    shown = {"version": agreement.version, "shown_sha256": agreement.text_sha256}
    for who in ("owner", "contractor"):
        services.accept_agreement(cast.actor(who), engagement_id=engagement.pk, **shown)


def sign(cast, engagement: Engagement) -> None:
    text = services.nda_text(engagement)
    from counselbench.engagements.services.nda import text_sha256

    services.sign_nda(
        cast.actor("contractor"), engagement_id=engagement.pk, shown_sha256=text_sha256(text)
    )
