"""Reads for the leads pipeline: the filtered list, the board's columns, one lead with its history,
and the response-time figures (per lead, per person, for the firm). Always through the policy."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from counselbench.access.policy import Actor, fetch, visible
from counselbench.intake.models import IntakeProfile, Lead, LeadState
from counselbench.intake.services.leads import DEFAULT_TARGET_MINUTES

BOARD_COLUMN_LIMIT = 25


def targets(firm_ids: Any) -> dict[int, int]:
    """Each firm's response target in minutes (the default where it has no intake profile)."""
    found = dict(
        IntakeProfile.objects.filter(organization_id__in=list(firm_ids)).values_list(
            "organization_id", "response_target_minutes"
        )
    )
    return {pk: found.get(pk) or DEFAULT_TARGET_MINUTES for pk in firm_ids}


def _overdue_q(firm_targets: dict[int, int], now: datetime) -> Q:
    per_firm = Q(pk__in=[])
    for firm_id, minutes in firm_targets.items():
        per_firm |= Q(organization_id=firm_id, created_at__lte=now - timedelta(minutes=minutes))
    return Q(stage=LeadState.NEW, first_contact_at__isnull=True, suspected_spam=False) & per_firm


def leads(
    actor: Actor,
    *,
    organization_id: int | None = None,
    stage: str | None = None,
    practice_area: str | None = None,
    assigned_to: int | None = None,
    unassigned: bool = False,
    flagged: bool | None = None,
    spam: bool | None = None,
    overdue: bool | None = None,
    repeats: bool | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[Lead]:
    """The leads the actor's front desk sees, newest first. `flagged`: an uncleared conflict
    flag; `overdue`: still new past the firm's response target (and not suspected spam);
    `repeats`: possible repeats and the leads they may repeat."""
    rows = visible(actor, Lead).select_related("assigned_to", "duplicate_of")
    if organization_id:
        rows = rows.filter(organization_id=organization_id)
    if stage:
        rows = rows.filter(stage=stage)
    if practice_area:
        rows = rows.filter(practice_area=practice_area)
    if assigned_to:
        rows = rows.filter(assigned_to_id=assigned_to)
    elif unassigned:
        rows = rows.filter(assigned_to__isnull=True)
    open_flag = Q(conflict_flagged=True, conflict_cleared_at__isnull=True)
    if flagged is True:
        rows = rows.filter(open_flag)
    elif flagged is False:
        rows = rows.exclude(open_flag)
    if spam is not None:
        rows = rows.filter(suspected_spam=spam)
    if overdue is not None:
        late = _overdue_q(targets(actor.reception_firm_ids()), now or timezone.now())
        rows = rows.filter(late) if overdue else rows.exclude(late)
    if repeats is not None:
        repeated = Q(duplicate_of__isnull=False) | Q(duplicate_count__gt=0)
        rows = rows.filter(repeated) if repeats else rows.exclude(repeated)
    if q:
        q = q.strip()[:200]
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(email__icontains=q)
            | Q(phone__icontains=q)
            | Q(summary__icontains=q)
        )
    return rows.order_by("-created_at", "-pk")


def mark_overdue(actor: Actor, rows: list[Lead], now: datetime | None = None) -> list[Lead]:
    """Set `overdue` and `waiting_minutes` on each lead (no query per lead)."""
    now = now or timezone.now()
    firm_targets = targets(actor.reception_firm_ids() | {r.organization_id for r in rows})
    for lead in rows:
        lead.target_minutes = firm_targets[lead.organization_id]  # type: ignore[attr-defined]
        lead.waiting_minutes = int((now - lead.created_at).total_seconds() // 60)  # type: ignore[attr-defined]
        lead.overdue = (  # type: ignore[attr-defined]
            lead.stage == LeadState.NEW
            and lead.first_contact_at is None
            and not lead.suspected_spam  # waits for review, not for a call back
            and lead.waiting_minutes > lead.target_minutes  # type: ignore[attr-defined]
        )
    return rows


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Lead]
    count: int


def board(actor: Actor, rows: QuerySet[Lead], *, now: datetime | None = None) -> list[Column]:
    """The five columns, each capped at BOARD_COLUMN_LIMIT cards with its full count: six queries
    whatever the number of leads."""
    counts = dict(rows.order_by().values_list("stage").annotate(n=Count("pk")))
    columns = []
    for value, label in LeadState.choices:
        cards = mark_overdue(actor, list(rows.filter(stage=value)[:BOARD_COLUMN_LIMIT]), now)
        columns.append(Column(value, str(label), cards, counts.get(value, 0)))
    return columns


def lead(actor: Actor, lead_id: int) -> Lead:
    """One lead for its page or the API: history, reception entries and appointments attached."""
    found = fetch(actor, Lead, pk=lead_id)
    found = (
        Lead.objects.filter(pk=found.pk)
        .select_related(
            "assigned_to",
            "first_contact_by",
            "conflict_cleared_by",
            "matter",
            "client",
            "form",
            "duplicate_of",
        )
        .get()
    )
    # Possible repeats of this lead (each a lead of its own, see services/intake.py).
    found.shown_repeats = list(  # type: ignore[attr-defined]
        visible(actor, Lead).filter(duplicate_of=found).order_by("created_at", "pk")
    )
    found.shown_events = list(found.events.select_related("by"))  # type: ignore[attr-defined]
    found.shown_entries = list(  # type: ignore[attr-defined]
        found.reception_entries.select_related("logged_by").order_by("-started_at")[:20]
    )
    found.shown_appointments = list(  # type: ignore[attr-defined]
        found.appointments.select_related("attorney", "consultation_type").order_by("starts_at")
    )
    mark_overdue(actor, [found])
    return found


# --- Response time -------------------------------------------------------------------------------


def response_minutes(lead: Lead) -> float | None:
    """Minutes from the lead's creation to its first contact (None: not contacted yet)."""
    if lead.first_contact_at is None:
        return None
    return max(0.0, (lead.first_contact_at - lead.created_at).total_seconds() / 60)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figures:
    contacted: int = 0
    within_target: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None


FiguresT = TypeVar("FiguresT", bound=Figures)


@dataclass
class PersonFigures(Figures):
    user_id: int = 0
    name: str = ""


@dataclass
class ResponseTimes:
    organization_id: int
    start: date
    end: date
    target_minutes: int
    leads: int = 0
    waiting: int = 0  # still new, not contacted
    overdue: int = 0  # of those, past the target (suspected spam aside: it waits for review)
    firm: Figures = field(default_factory=Figures)
    within_target_share: float | None = None
    people: list[PersonFigures] = field(default_factory=list)


def _figures(minutes: list[float], target: int, into: FiguresT) -> FiguresT:
    into.contacted = len(minutes)
    into.within_target = sum(1 for m in minutes if m <= target)
    into.median_minutes = round(statistics.median(minutes), 1) if minutes else None
    p90 = percentile(minutes, 90)
    into.p90_minutes = round(p90, 1) if p90 is not None else None
    return into


def response_times(
    actor: Actor,
    *,
    organization_id: int,
    start: date,
    end: date,
    now: datetime | None = None,
) -> ResponseTimes:
    """The response time of the leads created from `start` to `end` (days in the firm's time
    zone, both included): median and 90th percentile for the firm and per person who made the
    first contact, and the share within target = leads contacted within the target ÷ leads that
    were contacted or still wait past it (a lead closed without contact counts in neither)."""
    from counselbench.organizations.models import Organization

    now = now or timezone.now()
    firm = Organization.objects.only("pk", "time_zone").get(pk=organization_id)
    zone = ZoneInfo(firm.time_zone or "UTC")
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    target = targets([organization_id])[organization_id]
    rows = (
        visible(actor, Lead)
        .filter(organization_id=organization_id, created_at__gte=since, created_at__lt=until)
        .values_list(
            "created_at",
            "first_contact_at",
            "first_contact_by_id",
            "first_contact_by__full_name",
            "first_contact_by__email",
            "stage",
            "suspected_spam",
        )
    )
    result = ResponseTimes(organization_id, start, end, target)
    firm_minutes: list[float] = []
    by_person: dict[int, tuple[str, list[float]]] = {}
    for created, contacted, by_id, full_name, email, stage, spam in rows:
        result.leads += 1
        if contacted is None:
            if stage == LeadState.NEW:
                result.waiting += 1
                if not spam and (now - created).total_seconds() / 60 > target:
                    result.overdue += 1
            continue
        minutes = max(0.0, (contacted - created).total_seconds() / 60)
        firm_minutes.append(minutes)
        if by_id is not None:
            by_person.setdefault(by_id, (full_name or email, []))[1].append(minutes)
    _figures(firm_minutes, target, result.firm)
    due = result.firm.contacted + result.overdue
    result.within_target_share = round(result.firm.within_target / due, 3) if due else None
    result.people = sorted(
        (
            _figures(m, target, PersonFigures(user_id=pk, name=name))
            for pk, (name, m) in by_person.items()
        ),
        key=lambda p: (-p.contacted, p.name),
    )
    return result
