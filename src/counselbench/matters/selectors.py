"""Reads for matters and delegation: every list starts from access.policy.visible."""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from counselbench.access.policy import Actor, live_grants, visible
from counselbench.engagements.models import LIVE_STATES
from counselbench.matters.models import (
    OPEN_TASK_STATES,
    Client,
    Consent,
    Grant,
    Matter,
    Task,
)


def clients(actor: Actor, *, q: str = "") -> QuerySet[Client]:
    rows = visible(actor, Client).prefetch_related("contacts")
    if q:
        rows = rows.filter(name__icontains=q)
    return rows


def with_consent(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    live = Consent.objects.filter(matter=OuterRef("pk"), withdrawn_at__isnull=True)
    return matters.annotate(has_consent=Exists(live))


def matters(
    actor: Actor,
    *,
    q: str = "",
    status: str | None = None,
    practice_area: str | None = None,
    jurisdiction: str | None = None,
    responsible_attorney_id: int | None = None,
    client_id: int | None = None,
) -> QuerySet[Matter]:
    """Search by number, title, client or party name; filter by the rest."""
    rows = visible(actor, Matter).select_related("client", "responsible_attorney")
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(client__name__icontains=q)
            | Q(pk__in=visible(actor, Matter).filter(parties__name__icontains=q).values("pk"))
        )
    if status:
        rows = rows.filter(status=status)
    if practice_area:
        rows = rows.filter(practice_area=practice_area)
    if jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction.upper())
    if responsible_attorney_id:
        rows = rows.filter(responsible_attorney_id=responsible_attorney_id)
    if client_id:
        rows = rows.filter(client_id=client_id)
    return with_consent(rows)


def tasks(
    actor: Actor,
    *,
    matter_id: int | None = None,
    status: str | None = None,
    assignee_id: int | None = None,
    mine: bool = False,
    open_only: bool = False,
    overdue: bool = False,
    q: str = "",
) -> QuerySet[Task]:
    rows = visible(actor, Task).select_related(
        "matter", "category", "assignee", "supervising_attorney"
    )
    if matter_id:
        rows = rows.filter(matter_id=matter_id)
    if status:
        rows = rows.filter(status=status)
    if assignee_id:
        rows = rows.filter(assignee_id=assignee_id)
    if mine:
        rows = rows.filter(assignee=actor.user)
    if open_only or overdue:
        rows = rows.filter(status__in=OPEN_TASK_STATES)
    if overdue:
        rows = rows.filter(due_on__lt=timezone.localdate())
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(matter__number__icontains=q))
    return rows.order_by("due_on", "pk")


def my_tasks(actor: Actor) -> QuerySet[Task]:
    """A contractor's (or member's) open work, soonest due first: the phone view."""
    return tasks(actor, mine=True, open_only=True)


def grants(
    actor: Actor, *, task_id: int | None = None, matter_id: int | None = None
) -> QuerySet[Grant]:
    rows = visible(actor, Grant).select_related("document", "grantee", "granted_by")
    if task_id:
        rows = rows.filter(task_id=task_id)
    if matter_id:
        rows = rows.filter(task__matter_id=matter_id)
    in_effect = Q(
        revoked_at__isnull=True,
        task__status__in=OPEN_TASK_STATES,
        engagement__state__in=LIVE_STATES,
    )
    return rows.annotate(in_effect=ExpressionWrapper(in_effect, output_field=BooleanField()))


def granted_document_ids(actor: Actor) -> set[int]:
    return set(live_grants(actor).values_list("document_id", flat=True))


def overdue(task: Task, today: date | None = None) -> bool:
    return (
        task.is_open and task.due_on is not None and task.due_on < (today or timezone.localdate())
    )
