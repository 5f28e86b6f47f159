"""Scaling signals (PRODUCT §2.8): computed once a day from complete weeks (Monday to Sunday in
the firm's time zone), each with its evidence and a suggested next step.

- Full capacity: an engagement's utilization (approved hours ÷ contracted hours) was over 90% in
  each of the last two complete weeks.
- New bottleneck: a task category whose open backlog, or the share of that backlog past its due
  date, rose in each of the last two weeks (three week-ends in a row, each higher).
- Attorneys slipping back: the firm's attorneys' weekly minutes on outsourceable categories rose
  in each of the last two weeks and are back to at least half the audit baseline.

A rule is evaluated only on complete weeks, so it holds from the Monday after its second week and
never a day earlier. A signal stays active while its rule holds and is cleared when it stops.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.insights.models import ScalingSignal, SignalKind
from counselbench.insights.services.metrics import (
    FULL_CAPACITY,
    approved_contractor_time,
    attorney_outsourceable_minutes,
    audit_baseline,
    contracted_minutes,
)
from counselbench.insights.services.periods import Period, complete_weeks_before, firm_zone
from counselbench.matters.models import Task
from counselbench.organizations.models import Organization, OrganizationKind
from counselbench.selfaudit.models import TaskCategory

MIN_BACKLOG = 3  # a "bottleneck" of one or two open tasks is noise
MIN_LATE = 2
SLIPPING_SHARE = Decimal("0.5")  # back to half the audit's weekly figure


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    summary: str
    suggestion: str
    evidence: dict[str, Any]
    engagement: Engagement | None = None
    category: TaskCategory | None = None


def _week(monday: date, zone) -> Period:
    return Period(monday, monday + timedelta(days=6), zone)


def _rising(values: list) -> bool:
    return all(a < b for a, b in pairwise(values))


def full_capacity(firm: Organization, today: date) -> list[Finding]:
    zone = firm_zone(firm.time_zone)
    mondays = complete_weeks_before(today, 2)
    span = Period(mondays[0], mondays[-1] + timedelta(days=6), zone)
    engagements = list(
        Engagement.objects.filter(organization=firm, state__in=LIVE_STATES).select_related(
            "professional__user"
        )
    )
    time_by = approved_contractor_time([e.pk for e in engagements], span)
    found = []
    for e in engagements:
        weeks = []
        for monday in mondays:
            week = _week(monday, zone)
            contracted = contracted_minutes(e, week, today)
            minutes = sum(
                m for d, (m, _) in time_by.get(e.pk, {}).items() if monday <= d <= week.end
            )
            share = Decimal(minutes) / contracted if contracted else None
            weeks.append(
                {
                    "week": monday.isoformat(),
                    "approved_hours": str((Decimal(minutes) / 60).quantize(Decimal("0.1"))),
                    "contracted_hours": str((contracted / 60).quantize(Decimal("0.1"))),
                    "utilization": None if share is None else str(share.quantize(Decimal("0.001"))),
                }
            )
        if all(
            w["utilization"] is not None and Decimal(w["utilization"]) > FULL_CAPACITY
            for w in weeks
        ):
            name = e.professional.user.full_name or e.professional.user.email
            found.append(
                Finding(
                    SignalKind.FULL_CAPACITY,
                    f"engagement:{e.pk}",
                    f"{name} has worked over 90% of the contracted {e.hours_per_week} hours a "
                    "week for two weeks running.",
                    "Add hours to the engagement, or post for a second professional before work "
                    "backs up.",
                    {"engagement": e.pk, "hours_per_week": e.hours_per_week, "weeks": weeks},
                    engagement=e,
                )
            )
    return found


def _backlog_at(tasks: list[tuple], moment: datetime, day: date) -> tuple[int, int]:
    """Open tasks at `moment`, and how many of them were past due (due before `day`)."""
    open_ = late = 0
    for created, done, due in tasks:
        if created < moment and (done is None or done >= moment):
            open_ += 1
            late += due is not None and due < day
    return open_, late


def bottlenecks(firm: Organization, today: date) -> list[Finding]:
    zone = firm_zone(firm.time_zone)
    mondays = complete_weeks_before(today, 3)
    # The instants the three weeks ended (Monday 00:00 after each), and the day that began then.
    ends = [(m + timedelta(days=7)) for m in mondays]
    moments = [datetime.combine(d, time.min, tzinfo=zone) for d in ends]
    rows = Task.objects.filter(organization=firm, created_at__lt=moments[-1]).filter(
        Q(done_at__isnull=True) | Q(done_at__gte=moments[0])
    )
    by_category: dict[int, list[tuple]] = defaultdict(list)
    for category_id, created, done, due in rows.values_list(
        "category_id", "created_at", "done_at", "due_on"
    ):
        by_category[category_id].append((created, done, due))
    categories = TaskCategory.objects.in_bulk(list(by_category))
    found = []
    for category_id, tasks in sorted(by_category.items()):
        points = [_backlog_at(tasks, m, d) for m, d in zip(moments, ends, strict=True)]
        backlog = [p[0] for p in points]
        late = [p[1] for p in points]
        rate = [Decimal(lt) / b if b else Decimal(0) for b, lt in points]
        backlog_rising = _rising(backlog) and backlog[-1] >= MIN_BACKLOG
        late_rising = _rising(rate) and late[-1] >= MIN_LATE
        if not (backlog_rising or late_rising):
            continue
        category = categories[category_id]
        what = []
        if backlog_rising:
            what.append(f"open tasks {backlog[0]} → {backlog[1]} → {backlog[2]}")
        if late_rising:
            what.append("past due " + " → ".join(f"{round(r * 100)}%" for r in rate))
        found.append(
            Finding(
                SignalKind.BOTTLENECK,
                f"category:{category_id}",
                f"{category.name} is backing up: {'; '.join(what)} over the last two weeks.",
                f"Hire for {category.name}: post a role pre-filled for it.",
                {
                    "category": category_id,
                    "week_ends": [d.isoformat() for d in ends],
                    "backlog": backlog,
                    "late": late,
                    "late_rate": [str(r.quantize(Decimal("0.001"))) for r in rate],
                    "posting_url": f"{reverse('talent:posting_new')}?category={category_id}",
                },
                category=category,
            )
        )
    return found


def slipping_back(firm: Organization, today: date) -> list[Finding]:
    baseline = audit_baseline(firm, today)
    if baseline is None or not baseline.weekly_minutes:
        return []
    mondays = complete_weeks_before(today, 3)
    per_day = attorney_outsourceable_minutes(firm, mondays[0], mondays[-1] + timedelta(days=6))
    weekly = [
        sum(m for d, m in per_day.items() if monday <= d <= monday + timedelta(days=6))
        for monday in mondays
    ]
    floor = baseline.weekly_minutes * SLIPPING_SHARE
    if not (_rising(weekly) and weekly[-1] >= floor):
        return []
    hours = [str((Decimal(m) / 60).quantize(Decimal("0.1"))) for m in weekly]
    at_audit = (baseline.weekly_minutes / 60).quantize(Decimal("0.1"))
    return [
        Finding(
            SignalKind.SLIPPING_BACK,
            "attorneys",
            f"Attorneys' hours on outsourceable work rose three weeks running ({' → '.join(hours)} "
            f"h a week), back toward the {at_audit} h a week of the audit.",
            "Look at which categories came back in-house, and route them to your contractors.",
            {
                "weeks": [m.isoformat() for m in mondays],
                "attorney_hours": hours,
                "audit_hours_per_week": str(at_audit),
                "audit": baseline.audit.pk,
            },
        )
    ]


RULES = (full_capacity, bottlenecks, slipping_back)


def evaluate(firm: Organization, *, today: date) -> list[ScalingSignal]:
    """Apply every rule for `today`: raise new signals, refresh the evidence of those that still
    hold, clear those that stopped. Idempotent for a day. Returns the active signals."""
    findings = {(f.kind, f.subject): f for rule in RULES for f in rule(firm, today)}
    active = []
    with transaction.atomic():
        current = {
            (s.kind, s.subject): s
            for s in ScalingSignal.objects.select_for_update().filter(
                organization=firm, cleared_on__isnull=True
            )
        }
        for key, stale in current.items():
            if key not in findings:
                stale.cleared_on = today
                stale.last_evaluated_on = today
                stale.save(update_fields=["cleared_on", "last_evaluated_on"])
        for key, finding in findings.items():
            signal: ScalingSignal | None = current.get(key)
            if signal is None:
                try:
                    with transaction.atomic():
                        signal = ScalingSignal.objects.create(
                            organization=firm,
                            kind=finding.kind,
                            subject=finding.subject,
                            engagement=finding.engagement,
                            category=finding.category,
                            summary=finding.summary[:300],
                            suggestion=finding.suggestion[:300],
                            evidence=finding.evidence,
                            first_fired_on=today,
                            last_evaluated_on=today,
                        )
                except IntegrityError:  # another worker raised it meanwhile
                    continue
            else:
                signal.summary = finding.summary[:300]
                signal.suggestion = finding.suggestion[:300]
                signal.evidence = finding.evidence
                signal.last_evaluated_on = today
                signal.save(
                    update_fields=["summary", "suggestion", "evidence", "last_evaluated_on"]
                )
            active.append(signal)
    return active


def evaluate_all(now: datetime | None = None) -> int:
    """The daily job: every law firm and legal department, each on its own calendar day."""
    now = now or timezone.now()
    count = 0
    firms = Organization.objects.exclude(kind=OrganizationKind.PROVIDER)
    for firm in firms:
        count += len(evaluate(firm, today=now.astimezone(firm_zone(firm.time_zone)).date()))
    return count


def action_url(signal: ScalingSignal) -> str | None:
    """Where the suggested next step is done: a posting pre-filled for the category (a
    bottleneck, or the category of the at-capacity engagement's posting), or the audit."""
    if signal.kind == SignalKind.BOTTLENECK and signal.category_id:
        return f"{reverse('talent:posting_new')}?category={signal.category_id}"
    if signal.kind == SignalKind.FULL_CAPACITY and signal.engagement_id:
        posting = signal.engagement.posting if signal.engagement else None
        if posting is not None and posting.category_id:
            return f"{reverse('talent:posting_new')}?category={posting.category_id}"
        return reverse("engagements:detail", args=[signal.engagement_id])
    if signal.kind == SignalKind.SLIPPING_BACK and signal.evidence.get("audit"):
        return reverse("selfaudit:audit_detail", args=[signal.evidence["audit"]])
    return None
