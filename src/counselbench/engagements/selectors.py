"""Reading engagements, always from what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet

from counselbench.access.policy import Actor, visible
from counselbench.engagements.models import Engagement


def engagements(actor: Actor, *, state: str = "") -> QuerySet[Engagement]:
    qs = visible(actor, Engagement).select_related(
        "organization", "professional__user", "supervising_attorney", "agency", "posting"
    )
    return qs.filter(state=state) if state else qs


def is_firm_side(actor: Actor, engagement: Engagement) -> bool:
    return actor.organization is not None and actor.organization.pk == engagement.organization_id
