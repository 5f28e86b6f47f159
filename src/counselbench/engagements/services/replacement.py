"""“Replace” after a trial: the candidate is marked replaced, the posting's match runs again
without everyone already tried, and the best remaining match gets a new proposal on the same
terms (the firm can still withdraw it and pick someone else)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Actor
from counselbench.engagements.models import Engagement, EngagementEvent, EngagementState
from counselbench.talent import matching
from counselbench.talent import services as talent
from counselbench.talent.models import Candidate, CandidateState

COPIED = (
    "title",
    "scope",
    "jurisdiction",
    "engagement_model",
    "billing_model",
    "rate_cents",
    "markup_percent",
    "hours_per_week",
    "pay_period",
    "payment_terms_days",
    "supervising_attorney_id",
    "trial_days",
)


def replace(actor: Actor, engagement: Engagement, *, request: HttpRequest | None = None) -> None:
    """Runs inside the transition's transaction."""
    candidate = engagement.candidate
    if candidate is not None and candidate.state == CandidateState.SELECTED:
        talent.move(
            actor,
            candidate_id=candidate.pk,
            state=CandidateState.REPLACED,
            request=request,
        )
    posting = engagement.posting
    if posting is None:
        return
    tried = tuple(
        Engagement.objects.filter(posting=posting).values_list("professional_id", flat=True)
    )
    found = matching.top(posting, today=timezone.localdate(), limit=1, exclude=tried)
    if not found:
        return
    match = found[0]
    successor_candidate = Candidate.objects.create(
        posting=posting,
        professional=match.profile,
        score=match.score,
        explanation=[
            {"factor": c.factor, "points": str(c.points), "why": c.why} for c in match.contributions
        ],
        state=CandidateState.SELECTED,
        decided_at=timezone.now(),
        agreed_rate_cents=engagement.rate_cents,
    )
    successor = Engagement.objects.create(
        organization=engagement.organization,
        professional=match.profile,
        agency_id=match.profile.provider_id or engagement.agency_id,
        posting=posting,
        candidate=successor_candidate,
        replaces=engagement,
        start_date=max(timezone.localdate(), engagement.start_date),
        created_by=actor.user,
        **{name: getattr(engagement, name) for name in COPIED},
    )
    EngagementEvent.objects.create(
        engagement=successor,
        to_state=EngagementState.PROPOSED,
        actor=actor.user,
        reason=f"Replaces E-{engagement.pk}",
    )
    log.record(
        "engagements.proposed",
        actor=actor,
        obj=successor,
        request=request,
        detail={"replaces": engagement.pk},
    )
