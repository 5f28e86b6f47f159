"""Self-audit reads, always through the access policy."""

from django.db.models import Count, QuerySet, Sum

from counselbench.access.policy import Action, Actor, can, visible
from counselbench.selfaudit.models import (
    AuditPeriod,
    MarketRate,
    Participant,
    TaskCategory,
    TaskEntry,
)


def audits(actor: Actor) -> QuerySet[AuditPeriod]:
    return (
        visible(actor, AuditPeriod)
        .annotate(
            entry_count=Count("entries", distinct=True),
            logged_minutes=Sum("entries__minutes"),
        )
        .order_by("-starts_on", "-id")
    )


def participants(actor: Actor, audit: AuditPeriod) -> QuerySet[Participant]:
    return visible(actor, Participant).filter(audit=audit).select_related("user")


def loggable_participants(actor: Actor, audit: AuditPeriod) -> list[Participant]:
    """The participants whose time this actor may log and review (staff: only themselves)."""
    return [p for p in participants(actor, audit) if can(actor, Action.LOG_TIME, p)]


def entries(
    actor: Actor,
    audit: AuditPeriod,
    *,
    user_id: int | None = None,
    category_id: int | None = None,
    uncategorized: bool = False,
) -> QuerySet[TaskEntry]:
    qs = (
        visible(actor, TaskEntry)
        .filter(audit=audit)
        .select_related("participant__user", "category")
    )
    if user_id is not None:
        qs = qs.filter(participant__user_id=user_id)
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    if uncategorized:
        qs = qs.filter(category__isnull=True)
    return qs.order_by("date", "id")


def task_categories(actor: Actor, *, include_retired: bool = False) -> QuerySet[TaskCategory]:
    qs = visible(actor, TaskCategory)
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def sees_hourly_values(actor: Actor, audit: AuditPeriod) -> bool:
    return can(actor, Action.VIEW_HOURLY_VALUES, audit)


def market_rates(actor: Actor) -> QuerySet[MarketRate]:
    return visible(actor, MarketRate).order_by("level")
