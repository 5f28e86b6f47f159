"""Reading the talent bench, always starting from what the actor may see."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from counselbench.access.policy import Action, Actor, can, visible
from counselbench.talent.matching import vetted_since
from counselbench.talent.models import (
    JobPosting,
    ProfessionalProfile,
    ProfileTag,
    Provider,
    ProviderScorecard,
    TagKind,
)


def professionals(
    actor: Actor,
    *,
    role: str | None = None,
    practice_area: str | None = None,
    language: str | None = None,
    state: str | None = None,
    vetted: bool | None = None,
    q: str | None = None,
) -> QuerySet[ProfessionalProfile]:
    qs = visible(actor, ProfessionalProfile).select_related("user", "provider")
    if role:
        qs = qs.filter(role=role)
    if state:
        qs = qs.filter(state=state.upper())
    for kind, value in ((TagKind.PRACTICE_AREA, practice_area), (TagKind.LANGUAGE, language)):
        if value:
            qs = qs.filter(
                Exists(
                    ProfileTag.objects.filter(
                        profile=OuterRef("pk"), kind=kind, value=value.lower()
                    )
                )
            )
    if vetted is not None:
        since = vetted_since(timezone.localdate())
        qs = qs.filter(vetted_at__gte=since) if vetted else qs.exclude(vetted_at__gte=since)
    if q:
        qs = qs.filter(headline__icontains=q) | qs.filter(user__full_name__icontains=q)
    return qs.prefetch_related("tags").order_by("pk")


def postings(actor: Actor) -> QuerySet[JobPosting]:
    return (
        visible(actor, JobPosting)
        .select_related("organization", "category")
        .prefetch_related("tags")
    )


def is_firm_side(actor: Actor, posting: JobPosting) -> bool:
    """Members of the posting's firm see it whole; anyone else sees it anonymized."""
    return (
        actor.organization is not None
        and actor.organization.pk == posting.organization_id
        and can(actor, Action.VIEW, posting)
    )


def providers(actor: Actor) -> QuerySet:
    """The directory with each provider's network size and vetted count, and this firm's card."""
    since = vetted_since(timezone.localdate())
    return (
        visible(actor, Provider)
        .annotate(
            network_size=Count("professionals", distinct=True),
            vetted_professionals=Count(
                "professionals", filter=Q(professionals__vetted_at__gte=since), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=visible(actor, ProviderScorecard).select_related("evaluated_by"),
                to_attr="our_scorecards",
            )
        )
        .order_by("name")
    )
