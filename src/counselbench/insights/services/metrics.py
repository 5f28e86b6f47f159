"""The metrics of the insights dashboard (PRODUCT §2.8), computed from what the other capabilities
record: approved time entries, tasks and their timestamps, the self-audit baseline and its ROI
model, leads, matters and satisfaction surveys. Nothing is stored twice.

Who sees what is the access policy's `metrics_engagements` (which engagements) and
`can(actor, VIEW_METRICS, firm)` / `can(actor, VIEW_PAY, engagement)`; every query below starts
from those. Each metric carries its definition and formula, and says "no data" (value None)
rather than dividing by zero.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Q, Sum
from django.utils import timezone

from counselbench.access.policy import (
    Action,
    Actor,
    can,
    metrics_engagements,
    require,
    visible,
)
from counselbench.billing.models import LOCKED_STATES, TimeEntry
from counselbench.core.errors import DomainError, NotFound
from counselbench.engagements.models import BillingModel, Engagement, EngagementState
from counselbench.insights.models import SatisfactionSurvey
from counselbench.insights.services.periods import (
    MAX_DAYS,
    Period,
    firm_zone,
    period,
    week_start,
    weeks_in,
)
from counselbench.intake.models import Lead
from counselbench.matters.models import Matter, Task
from counselbench.organizations.models import Membership, Organization, Role
from counselbench.selfaudit.models import AuditPeriod, LicenseLevel, LoggedMinutes

# Work below an attorney's level: what the audit counted as outsourceable attorney time.
OUTSOURCEABLE_LEVELS = (LicenseLevel.PARALEGAL, LicenseLevel.ADMINISTRATIVE)
# Engagement states in which the professional has been working.
WORKED_STATES = (
    EngagementState.TRIAL,
    EngagementState.ACTIVE,
    EngagementState.ENDING,
    EngagementState.ENDED,
    EngagementState.REPLACED,
)
FULL_CAPACITY = Decimal("0.90")


def _q(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    return _q(Decimal(numerator) / Decimal(denominator), "0.001") if denominator else None


def hours(minutes: int | Decimal) -> Decimal:
    return _q(Decimal(minutes) / 60)


def _median(values: list[Decimal]) -> Decimal | None:
    return _q(Decimal(statistics.median(values))) if values else None


# --- What a metric is ------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str  # hours, ratio (0–1), cents, minutes, days, score
    definition: str
    formula: str
    pay: bool = False  # derived from what contractors are paid
    firm: bool = False  # a firm-wide figure (not about engagements)


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "billable_hours_recovered",
            "Billable hours recovered",
            "hours",
            "Attorney hours a week on outsourceable work (paralegal- and administrative-level "
            "categories) in the self-audit, minus the same measure now from approved time "
            "entries, over the weeks of the range. Negative: attorneys do more of it than at the "
            "audit. No data without a finished audit, or when attorneys logged no approved time "
            "in the range.",
            "(audit attorney minutes on outsourceable categories ÷ audit weeks − attorney "
            "minutes on outsourceable categories in the range ÷ weeks in the range) × weeks in "
            "the range ÷ 60",
            firm=True,
        ),
        Definition(
            "on_time_rate",
            "On-time completion",
            "ratio",
            "Of the contractor tasks done in the range that had a due date, the share done on or "
            "before it (in the firm's time zone).",
            "tasks done on or before their due date ÷ tasks done with a due date",
        ),
        Definition(
            "rework_rate",
            "Error / rework rate",
            "ratio",
            "Of the contractor tasks done in the range, the share sent back for rework at least "
            "once.",
            "tasks done with rework count ≥ 1 ÷ tasks done",
        ),
        Definition(
            "cost_per_hour",
            "Cost per hour",
            "cents",
            "What the contractor work in the range cost (approved hourly time at the pay rate it "
            "was logged at, monthly fees pro rata by day, flat fees spread over the engagement) "
            "per approved hour.",
            "contractor cost ÷ approved contractor hours",
            pay=True,
        ),
        Definition(
            "in_house_cost_per_hour",
            "In-house equivalent per hour",
            "cents",
            "The ROI model's in-house hire for the audit's chosen process (salary + benefits + "
            "overhead + recruiting, a year) for the days of the range, per approved contractor "
            "hour: what the same hours would have cost with a hire.",
            "in-house cost a year × days in the range ÷ 365 ÷ approved contractor hours",
            pay=True,
        ),
        Definition(
            "cost_per_task",
            "Cost per task",
            "cents",
            "The contractor cost in the range per contractor task done in the range.",
            "contractor cost ÷ contractor tasks done",
            pay=True,
        ),
        Definition(
            "in_house_cost_per_task",
            "In-house equivalent per task",
            "cents",
            "The ROI model's in-house cost for the days of the range per contractor task done.",
            "in-house cost a year × days in the range ÷ 365 ÷ contractor tasks done",
            pay=True,
        ),
        Definition(
            "intake_response_minutes",
            "Intake response time",
            "minutes",
            "Median minutes from a lead's arrival to its first contact, for the leads that "
            "arrived in the range and were contacted.",
            "median(first contact − lead created)",
            firm=True,
        ),
        Definition(
            "median_turnaround_hours",
            "Turnaround",
            "hours",
            "Median hours from a contractor task's creation to done, for the tasks done in the "
            "range (per category in the chart).",
            "median(done − created)",
        ),
        Definition(
            "lead_to_matter_days",
            "Case velocity: lead to matter",
            "days",
            "Median days from a lead's arrival to its conversion into a client and matter, for "
            "the leads converted in the range.",
            "median(converted − lead created)",
            firm=True,
        ),
        Definition(
            "matter_open_to_close_days",
            "Case velocity: matter opened to closed",
            "days",
            "Median days a matter was open, for the matters closed in the range.",
            "median(closed on − opened on)",
            firm=True,
        ),
        Definition(
            "client_satisfaction",
            "Client satisfaction",
            "score",
            "The average answer (1–5) to the survey sent when a matter closes, for the surveys "
            "answered in the range.",
            "sum of scores ÷ surveys answered",
            firm=True,
        ),
        Definition(
            "utilization",
            "Contractor utilization",
            "ratio",
            "Approved contractor hours dated in the range ÷ the hours a week each engagement "
            "contracts, for the days it was live in the range (up to today).",
            "approved hours ÷ (hours a week × days live in the range ÷ 7)",
        ),
    )
}


@dataclass
class Metric:
    definition: Definition
    value: Decimal | None  # None: no data for the range
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    count: int = 0  # how many things the figure is about (tasks, leads, surveys…)

    @property
    def key(self) -> str:
        return self.definition.key

    def as_dict(self) -> dict[str, Any]:
        d = self.definition
        return {
            "key": d.key,
            "label": d.label,
            "unit": d.unit,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "count": self.count,
            "no_data": self.value is None,
            "definition": d.definition,
            "formula": d.formula,
        }


@dataclass
class Chart:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict[str, Any]] = field(default_factory=list)


# --- Scope ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    organization: Organization
    engagements: tuple[Engagement, ...]
    firm_wide: bool  # the firm's own figures (intake, velocity, satisfaction, recovered hours)
    pay_ids: frozenset[int]  # engagements whose cost the actor may see

    @property
    def engagement_ids(self) -> list[int]:
        return [e.pk for e in self.engagements]

    @property
    def sees_pay(self) -> bool:
        return bool(self.engagements) and all(e.pk in self.pay_ids for e in self.engagements)


def scope_for(actor: Actor, *, engagement_id: int | None = None) -> Scope:
    """The firm dashboard (every engagement the actor may see metrics of), or one engagement's
    scorecard. 404 for an engagement outside the actor's metrics."""
    rows = metrics_engagements(actor).select_related("professional__user", "organization")
    if engagement_id is not None:
        rows = rows.filter(pk=engagement_id)
        engagements = tuple(rows)
        if not engagements:
            raise NotFound("Engagement not found.")
        organization = engagements[0].organization
        firm_wide = False
    else:
        organization = actor.current_organization
        require(actor, Action.VIEW_METRICS, organization, "Insights are for the firm's people.")
        engagements = tuple(rows.filter(state__in=WORKED_STATES).order_by("pk"))
        firm_wide = True
    pay_ids = frozenset(e.pk for e in engagements if can(actor, Action.VIEW_PAY, e))
    return Scope(organization, engagements, firm_wide, pay_ids)


# --- The figures --------------------------------------------------------------------------------


def _live_days(engagement: Engagement, p: Period, today: date) -> int:
    """Days the engagement was working inside the period, up to today."""
    if engagement.state not in WORKED_STATES:
        return 0
    end = engagement.ended_on
    if end is None and engagement.state in (EngagementState.ENDED, EngagementState.REPLACED):
        end = engagement.state_changed_at.date()  # finished without an end date on record
    last = min(end or today, today)
    return p.overlap_days(engagement.start_date, last)


def contracted_minutes(engagement: Engagement, p: Period, today: date) -> Decimal:
    return Decimal(engagement.hours_per_week * 60 * _live_days(engagement, p, today)) / 7


def approved_contractor_time(ids: Iterable[int], p: Period) -> dict[int, dict[date, tuple]]:
    """Approved (or billed) minutes and minutes × rate per engagement and day in the period."""
    rows = (
        TimeEntry.objects.filter(
            engagement_id__in=list(ids), state__in=LOCKED_STATES, date__range=(p.start, p.end)
        )
        .values("engagement_id", "date")
        .annotate(logged=Sum("minutes"), rated=Sum(F("minutes") * F("rate_cents")))
        .order_by()
    )
    found: dict[int, dict[date, tuple]] = defaultdict(dict)
    for row in rows:
        found[row["engagement_id"]][row["date"]] = (row["logged"] or 0, row["rated"] or 0)
    return found


def fee_cents(engagement: Engagement, p: Period, today: date) -> Decimal:
    """A monthly or flat fee's share of the period (hourly work is costed from time entries)."""
    days = _live_days(engagement, p, today)
    if not days or engagement.billing_model == BillingModel.HOURLY:
        return Decimal(0)
    if engagement.billing_model == BillingModel.MONTHLY:
        return Decimal(engagement.rate_cents) * 12 / 365 * days
    first = engagement.start_date
    last = engagement.ended_on or max(today, first)
    return Decimal(engagement.rate_cents) * days / ((last - first).days + 1)


def done_tasks(actor: Actor, ids: Iterable[int], p: Period) -> list[dict[str, Any]]:
    """The contractor tasks done in the period (a screened matter's tasks stay out), each with
    the day it was done in the firm's zone (`done_on`) and its turnaround in hours (`hours`),
    worked out once here for every figure that uses them."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in visible(actor, Task)
        .filter(engagement_id__in=list(ids), done_at__gte=p.since, done_at__lt=p.until)
        .values(
            "pk",
            "engagement_id",
            "category_id",
            "category__name",
            "created_at",
            "done_at",
            "due_on",
            "rework_count",
        )
    ]
    for row in rows:
        row["done_on"] = row["done_at"].astimezone(p.zone).date()
        row["hours"] = Decimal((row["done_at"] - row["created_at"]).total_seconds()) / 3600
    return rows


def attorney_ids(organization: Organization) -> list[int]:
    return list(
        Membership.objects.filter(
            organization=organization, role__in=(Role.OWNER, Role.ATTORNEY)
        ).values_list("user_id", flat=True)
    )


def attorney_outsourceable_minutes(
    organization: Organization, start: date, end: date, *, attorneys: list[int] | None = None
):
    """Approved minutes per day that the firm's owners and attorneys logged on tasks of
    paralegal- or administrative-level categories."""
    return dict(
        TimeEntry.objects.filter(
            organization=organization,
            engagement__isnull=True,
            author_id__in=attorney_ids(organization) if attorneys is None else attorneys,
            state__in=LOCKED_STATES,
            date__range=(start, end),
            task__category__level__in=OUTSOURCEABLE_LEVELS,
        )
        .values("date")
        .annotate(logged=Sum("minutes"))
        .order_by()
        .values_list("date", "logged")
    )


@dataclass(frozen=True)
class Baseline:
    audit: AuditPeriod
    weekly_minutes: Decimal  # attorney minutes a week on outsourceable categories


def latest_audit(organization: Organization, today: date) -> AuditPeriod | None:
    """The firm's most recent finished self-audit: the baseline outsourcing is measured by."""
    return (
        AuditPeriod.objects.filter(organization=organization, ends_on__lt=today)
        .order_by("-ends_on", "-pk")
        .first()
    )


def audit_baseline(organization: Organization, today: date) -> Baseline | None:
    """The latest audit as attorney minutes a week on work below an attorney's level."""
    audit = latest_audit(organization, today)
    if audit is None:
        return None
    minutes = (
        LoggedMinutes.objects.filter(
            audit=audit,
            participant__level=LicenseLevel.ATTORNEY,
            category__level__in=OUTSOURCEABLE_LEVELS,
        ).aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    return Baseline(audit, Decimal(minutes) * 7 / audit.days)


def in_house_annual_cents(actor: Actor, organization: Organization, today: date) -> int | None:
    """The ROI model's in-house cost a year for the latest audit's chosen process."""
    from counselbench.selfaudit.services.planning import roi

    audit = latest_audit(organization, today)
    if audit is None:
        return None
    try:
        return int(roi(actor, audit_id=audit.pk).figures.in_house_cents)
    except DomainError:
        return None


# --- The dashboard ------------------------------------------------------------------------------


@dataclass
class EngagementFigures:
    engagement: Engagement
    name: str
    approved_minutes: int
    contracted_minutes: Decimal
    utilization: Decimal | None
    tasks_done: int
    on_time_rate: Decimal | None
    rework_rate: Decimal | None
    median_turnaround_hours: Decimal | None
    cost_cents: Decimal | None  # None: the actor does not see this engagement's pay
    weekly: list[dict[str, Any]]


@dataclass
class Dashboard:
    period: Period
    scope: Scope
    metrics: dict[str, Metric]
    charts: dict[str, Chart]
    engagements: list[EngagementFigures]
    baseline: Baseline | None = None


def _task_figures(tasks: list[dict[str, Any]]) -> tuple[int, int, int, int, list[Decimal]]:
    with_due = on_time = reworked = 0
    for t in tasks:
        if t["due_on"] is not None:
            with_due += 1
            on_time += t["done_on"] <= t["due_on"]
        reworked += t["rework_count"] > 0
    return with_due, on_time, reworked, len(tasks), [t["hours"] for t in tasks]


def _metric(key: str, value, numerator=None, denominator=None, count: int = 0) -> Metric:
    def dec(v):
        return None if v is None else Decimal(v)

    return Metric(DEFINITIONS[key], dec(value), dec(numerator), dec(denominator), count)


def dashboard(
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    engagement_id: int | None = None,
    today: date | None = None,
) -> Dashboard:
    """Every metric for the range (default: last month), for the firm or one engagement."""
    scope = scope_for(actor, engagement_id=engagement_id)
    zone = firm_zone(scope.organization.time_zone)
    today = today or timezone.now().astimezone(zone).date()
    p = period(zone, start=start, end=end, today=today)
    ids = scope.engagement_ids
    metrics: dict[str, Metric] = {}
    charts: dict[str, Chart] = {}

    # Contractor time, cost and utilization, per engagement and week.
    time_by = approved_contractor_time(ids, p)
    tasks = done_tasks(actor, ids, p)
    tasks_by: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in tasks:
        tasks_by[t["engagement_id"]].append(t)
    figures: list[EngagementFigures] = []
    total_minutes = 0
    total_contracted = Decimal(0)
    total_cost = Decimal(0)
    mondays = weeks_in(p)
    for e in scope.engagements:
        days = time_by.get(e.pk, {})
        minutes = sum(m for m, _ in days.values())
        contracted = contracted_minutes(e, p, today)
        cost = Decimal(sum(r for _, r in days.values())) / 60 + fee_cents(e, p, today)
        with_due, on_time, reworked, done, hours = _task_figures(tasks_by.get(e.pk, []))
        weekly = []
        for monday in mondays:
            week = Period(max(monday, p.start), min(monday + timedelta(days=6), p.end), zone)
            week_minutes = sum(m for d, (m, _) in days.items() if week.start <= d <= week.end)
            week_contracted = contracted_minutes(e, week, today)
            weekly.append(
                {
                    "week": monday,
                    "days": week.days,
                    "approved_hours": _q(Decimal(week_minutes) / 60),
                    "contracted_hours": _q(week_contracted / 60),
                    "utilization": _ratio(week_minutes, week_contracted),
                }
            )
        figures.append(
            EngagementFigures(
                engagement=e,
                name=e.professional.user.full_name or e.professional.user.email,
                approved_minutes=minutes,
                contracted_minutes=contracted,
                utilization=_ratio(minutes, contracted),
                tasks_done=done,
                on_time_rate=_ratio(on_time, with_due),
                rework_rate=_ratio(reworked, done),
                median_turnaround_hours=_median(hours),
                cost_cents=_q(cost, "1") if e.pk in scope.pay_ids else None,
                weekly=weekly,
            )
        )
        total_minutes += minutes
        total_contracted += contracted
        total_cost += cost

    metrics["utilization"] = _metric(
        "utilization",
        _ratio(total_minutes, total_contracted),
        _q(Decimal(total_minutes) / 60),
        _q(total_contracted / 60),
        len([f for f in figures if f.contracted_minutes]),
    )
    charts["utilization"] = Chart(
        "utilization",
        "Contractor utilization",
        [
            ("engagement", "Engagement"),
            ("professional", "Professional"),
            ("approved_hours", "Approved hours"),
            ("contracted_hours", "Contracted hours"),
            ("utilization", "Utilization"),
        ],
        [
            {
                "engagement": f"E-{f.engagement.pk}",
                "professional": f.name,
                "approved_hours": _q(Decimal(f.approved_minutes) / 60),
                "contracted_hours": _q(f.contracted_minutes / 60),
                "utilization": f.utilization,
            }
            for f in figures
            if f.contracted_minutes
        ],
    )

    # Quality: on time, rework, turnaround.
    with_due, on_time, reworked, done, hours = _task_figures(tasks)
    metrics["on_time_rate"] = _metric(
        "on_time_rate", _ratio(on_time, with_due), on_time, with_due, with_due
    )
    metrics["rework_rate"] = _metric("rework_rate", _ratio(reworked, done), reworked, done, done)
    metrics["median_turnaround_hours"] = _metric(
        "median_turnaround_hours", _median(hours), count=done
    )
    by_category: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for t in tasks:
        by_category[(t["category_id"], t["category__name"])].append(t["hours"])
    charts["turnaround"] = Chart(
        "turnaround",
        "Turnaround by category",
        [("category", "Category"), ("tasks_done", "Tasks done"), ("median_hours", "Median hours")],
        [
            {"category": name, "tasks_done": len(values), "median_hours": _median(values)}
            for (_, name), values in sorted(by_category.items(), key=lambda kv: kv[0][1])
        ],
    )
    # Each task into its week once (not every task once per week: 13 × 3,700 on 90 days).
    done_by_week: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for t in tasks:
        done_by_week[week_start(t["done_on"])].append(t)
    quality_rows = []
    for monday in mondays:
        w_due, w_on_time, w_reworked, w_done, _ = _task_figures(done_by_week[monday])
        quality_rows.append(
            {
                "week": monday,
                "tasks_done": w_done,
                "on_time_rate": _ratio(w_on_time, w_due),
                "rework_rate": _ratio(w_reworked, w_done),
            }
        )
    charts["quality"] = Chart(
        "quality",
        "On-time and rework rate by week",
        [
            ("week", "Week of"),
            ("tasks_done", "Tasks done"),
            ("on_time_rate", "On-time rate"),
            ("rework_rate", "Rework rate"),
        ],
        quality_rows,
    )

    # Cost against the in-house equivalent: only for those who see every engagement's pay.
    hours_total = Decimal(total_minutes) / 60
    if scope.sees_pay:
        cost = _q(total_cost, "1")
        metrics["cost_per_hour"] = _metric(
            "cost_per_hour",
            _q(total_cost / hours_total, "1") if hours_total else None,
            cost,
            _q(hours_total),
        )
        metrics["cost_per_task"] = _metric(
            "cost_per_task", _q(total_cost / done, "1") if done else None, cost, done, done
        )
    in_firm = actor.organization is not None and actor.organization.pk == scope.organization.pk
    if scope.sees_pay and in_firm:  # the ROI model is the firm's own
        annual = in_house_annual_cents(actor, scope.organization, today)
        in_house = Decimal(annual) * p.days / 365 if annual is not None else None
        metrics["in_house_cost_per_hour"] = _metric(
            "in_house_cost_per_hour",
            _q(in_house / hours_total, "1") if in_house is not None and hours_total else None,
            _q(in_house, "1") if in_house is not None else None,
            _q(hours_total),
        )
        metrics["in_house_cost_per_task"] = _metric(
            "in_house_cost_per_task",
            _q(in_house / done, "1") if in_house is not None and done else None,
            _q(in_house, "1") if in_house is not None else None,
            done,
            done,
        )
        charts["cost"] = Chart(
            "cost",
            "Cost per hour and per task: contractors and the in-house equivalent",
            [
                ("measure", "Measure"),
                ("contractor_cents", "Contractors"),
                ("in_house_cents", "In-house"),
            ],
            [
                {
                    "measure": "Per hour",
                    "contractor_cents": metrics["cost_per_hour"].value,
                    "in_house_cents": metrics["in_house_cost_per_hour"].value,
                },
                {
                    "measure": "Per task",
                    "contractor_cents": metrics["cost_per_task"].value,
                    "in_house_cents": metrics["in_house_cost_per_task"].value,
                },
            ],
        )

    if not scope.firm_wide and figures:
        charts["trend"] = Chart(
            "trend",
            "Utilization by week",
            [
                ("week", "Week of"),
                ("days", "Days in range"),
                ("approved_hours", "Approved hours"),
                ("contracted_hours", "Contracted hours"),
                ("utilization", "Utilization"),
            ],
            figures[0].weekly,
        )

    baseline = None
    if scope.firm_wide:
        baseline = _firm_metrics(actor, scope, p, today, metrics, charts)
    return Dashboard(p, scope, metrics, charts, figures, baseline)


def _firm_metrics(
    actor: Actor,
    scope: Scope,
    p: Period,
    today: date,
    metrics: dict[str, Metric],
    charts: dict[str, Chart],
) -> Baseline | None:
    """The firm-wide figures: recovered attorney hours, intake, case velocity, satisfaction."""
    from counselbench.intake.selectors import response_times

    firm = scope.organization
    zone = p.zone

    # Billable hours recovered, against the audit baseline.
    baseline = audit_baseline(firm, today)
    attorneys = attorney_ids(firm)
    per_day = attorney_outsourceable_minutes(firm, p.start, p.end, attorneys=attorneys)
    now_minutes = sum(per_day.values())
    # Without any approved attorney time in the range there is nothing to measure "now" by.
    attorneys_logged = TimeEntry.objects.filter(
        organization=firm,
        engagement__isnull=True,
        author_id__in=attorneys,
        state__in=LOCKED_STATES,
        date__range=(p.start, p.end),
    ).exists()
    if baseline is not None and attorneys_logged:
        recovered = (baseline.weekly_minutes - Decimal(now_minutes) / p.weeks) * p.weeks / 60
        metrics["billable_hours_recovered"] = _metric(
            "billable_hours_recovered",
            _q(recovered),
            _q(baseline.weekly_minutes * p.weeks / 60),
            _q(Decimal(now_minutes) / 60),
        )
    else:
        metrics["billable_hours_recovered"] = _metric("billable_hours_recovered", None)
    rows = []
    for monday in weeks_in(p):
        week = Period(max(monday, p.start), min(monday + timedelta(days=6), p.end), zone)
        minutes = sum(m for d, m in per_day.items() if week.start <= d <= week.end)
        rows.append(
            {
                "week": monday,
                "days": week.days,
                "attorney_hours": _q(Decimal(minutes) / 60),
                "baseline_hours": (
                    _q(baseline.weekly_minutes * week.days / 7 / 60) if baseline else None
                ),
            }
        )
    charts["recovered"] = Chart(
        "recovered",
        "Attorney hours on outsourceable work, against the audit",
        [
            ("week", "Week of"),
            ("days", "Days in range"),
            ("attorney_hours", "Attorney hours now"),
            ("baseline_hours", "At the audit"),
        ],
        rows,
    )

    # Intake response time.
    times = response_times(actor, organization_id=firm.pk, start=p.start, end=p.end)
    median = times.firm.median_minutes
    metrics["intake_response_minutes"] = _metric(
        "intake_response_minutes",
        None if median is None else _q(Decimal(str(median))),
        count=times.firm.contacted,
    )

    # Case velocity.
    leads_seen = visible(actor, Lead).filter(organization=firm)
    matters_seen = visible(actor, Matter).filter(organization=firm)
    converted = leads_seen.filter(converted_at__gte=p.since, converted_at__lt=p.until).values_list(
        "created_at", "converted_at"
    )
    lead_days = [Decimal((c - a).total_seconds()) / 86400 for a, c in converted if c]
    # The matters opened or closed in the range, in one read.
    matter_rows = list(
        matters_seen.filter(
            Q(opened_on__range=(p.start, p.end)) | Q(closed_on__range=(p.start, p.end))
        ).values_list("opened_on", "closed_on")
    )
    matter_days = [Decimal((c - o).days) for o, c in matter_rows if c and p.start <= c <= p.end]
    opened = sum(1 for o, _ in matter_rows if p.start <= o <= p.end)
    leads = times.leads  # every lead that arrived in the range, as response_times read them
    metrics["lead_to_matter_days"] = _metric(
        "lead_to_matter_days", _median(lead_days), count=len(lead_days)
    )
    metrics["matter_open_to_close_days"] = _metric(
        "matter_open_to_close_days", _median(matter_days), count=len(matter_days)
    )
    charts["velocity"] = Chart(
        "velocity",
        "Case velocity",
        [("stage", "Stage"), ("count", "How many"), ("median_days", "Median days")],
        [
            {"stage": "Leads arrived", "count": leads, "median_days": None},
            {
                "stage": "Leads converted to matters",
                "count": len(lead_days),
                "median_days": metrics["lead_to_matter_days"].value,
            },
            {"stage": "Matters opened", "count": opened, "median_days": None},
            {
                "stage": "Matters closed",
                "count": len(matter_days),
                "median_days": metrics["matter_open_to_close_days"].value,
            },
        ],
    )

    # Client satisfaction.
    scores = [
        score
        for score in visible(actor, SatisfactionSurvey)
        .filter(organization=firm, answered_at__gte=p.since, answered_at__lt=p.until)
        .values_list("score", flat=True)
        if score is not None
    ]
    metrics["client_satisfaction"] = _metric(
        "client_satisfaction",
        _q(Decimal(sum(scores)) / len(scores), "0.01") if scores else None,
        sum(scores),
        len(scores),
        len(scores),
    )
    charts["satisfaction"] = Chart(
        "satisfaction",
        "Client satisfaction answers",
        [("score", "Score"), ("answers", "Answers")],
        # No answers, no bars: an empty chart says "no data" rather than five zeros.
        [{"score": s, "answers": scores.count(s)} for s in range(1, 6)] if scores else [],
    )
    return baseline


# --- What the measured work says about the end-of-engagement rating ---------------------------


def _stars(rate: Decimal) -> int:
    for floor, score in (("0.95", 5), ("0.85", 4), ("0.70", 3), ("0.50", 2)):
        if rate >= Decimal(floor):
            return score
    return 1


def suggested_scores(figures: EngagementFigures) -> dict[str, dict[str, Any]]:
    """Two of the rating's factors as the scorecard measures them: quality from first-pass work
    (tasks not sent back), timeliness from on-time completion. The firm's rating, which starts
    from these, feeds matching's past-ratings factor."""
    found: dict[str, dict[str, Any]] = {}
    if figures.rework_rate is not None:
        first_pass = 1 - figures.rework_rate
        found["quality"] = {
            "score": _stars(first_pass),
            "because": f"{round(first_pass * 100)}% of {figures.tasks_done} tasks accepted "
            "without rework",
        }
    if figures.on_time_rate is not None:
        found["timeliness"] = {
            "score": _stars(figures.on_time_rate),
            "because": f"{round(figures.on_time_rate * 100)}% of tasks with a due date done on "
            "time",
        }
    return found


def rating_suggestion(actor: Actor, engagement: Engagement) -> dict[str, dict[str, Any]]:
    """The suggestion over the engagement's whole run (its last two years at most)."""
    zone = firm_zone(engagement.organization.time_zone)
    today = timezone.now().astimezone(zone).date()
    end = min(engagement.ended_on or today, today)
    start = max(engagement.start_date, end - timedelta(days=MAX_DAYS - 1))
    if start > end:
        return {}
    board = dashboard(actor, start=start, end=end, engagement_id=engagement.pk, today=today)
    return suggested_scores(board.engagements[0])
