"""What to outsource first: the hit list, the fit test, the chosen process and its ROI."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import Invalid, RuleViolation
from counselbench.selfaudit.error_codes import SelfAuditErrorCode as Code
from counselbench.selfaudit.hitlist import (
    HitListRow,
    Recommendation,
    WorkDone,
    build_hit_list,
    period_weeks,
    recommend,
)
from counselbench.selfaudit.models import (
    AuditPeriod,
    FitAnswer,
    LoggedMinutes,
    MarketRate,
    TaskCategory,
)


@dataclass(frozen=True)
class HitList:
    audit: AuditPeriod
    weeks: Any
    rows: list[HitListRow]
    uncategorized_minutes: int
    answers: dict[int, FitAnswer]
    recommendation: Recommendation | None

    @property
    def total_saving_cents(self) -> int:
        return sum(r.saving_cents for r in self.rows)


def hit_list(actor: Actor, *, audit_id: int) -> HitList:
    """Outsourceable work ranked by annual misused time. Shows hourly values, so owners and
    attorneys only."""
    audit = fetch(actor, AuditPeriod, pk=audit_id)
    require(
        actor,
        Action.VIEW_HOURLY_VALUES,
        audit,
        "The hit list shows hourly values: owners and attorneys only.",
    )
    rates = dict(
        MarketRate.objects.filter(organization_id=audit.organization_id).values_list(
            "level", "hourly_rate_cents"
        )
    )
    # The running totals (one row per person and category; NULL category: uncategorized), not
    # a sum over the entries: a year of a 50-person firm is 250,000 entries but ~1,200 totals.
    minutes_by = LoggedMinutes.objects.filter(audit=audit).values_list(
        "category_id", "participant_id", "minutes"
    )
    categories = {
        c.pk: c for c in TaskCategory.objects.filter(organization_id=audit.organization_id)
    }
    people = {p.pk: p for p in audit.participants.select_related("user")}
    work, uncategorized = [], 0
    for category_id, participant_id, minutes in minutes_by:
        if category_id is None:
            uncategorized += minutes
            continue
        category, person = categories[category_id], people[participant_id]
        work.append(
            WorkDone(
                category_id=category_id,
                category_name=category.name,
                category_level=category.level,
                person_id=participant_id,
                person_name=person.user.display_name,
                person_level=person.level,
                hourly_value_cents=person.hourly_value_cents,
                minutes=minutes,
            )
        )
    rows = build_hit_list(work, rates, audit.days)
    answers = {a.category_id: a for a in FitAnswer.objects.filter(audit=audit)}
    return HitList(
        audit=audit,
        weeks=period_weeks(audit.days),
        rows=rows,
        uncategorized_minutes=uncategorized,
        answers=answers,
        recommendation=recommend(rows, answers),
    )


# --- Fit test and "start with one" ---------------------------------------------------------

FIT_FIELDS = (*FitAnswer.QUESTIONS, "core_practice", "sensitive")


def answer_fit_test(
    actor: Actor,
    *,
    audit_id: int,
    category_id: int,
    answers: dict[str, bool | None],
    request: HttpRequest | None = None,
) -> FitAnswer:
    """Record the owner's answers for one category; unanswered questions stay unanswered."""
    audit = fetch(actor, AuditPeriod, Action.CHANGE, pk=audit_id)
    category = TaskCategory.objects.filter(
        pk=category_id, organization_id=audit.organization_id
    ).first()
    if category is None:
        raise Invalid.field("category_id", "No such category in this firm.")
    unknown = set(answers) - set(FIT_FIELDS)
    if unknown:
        raise Invalid.field(sorted(unknown)[0], "Not a fit-test question.")
    answer, _ = FitAnswer.objects.get_or_create(audit=audit, category=category)
    for name, value in answers.items():
        setattr(answer, name, value)
    answer.answered_by = actor.authenticated_user
    answer.answered_at = timezone.now()
    answer.save()
    log.record(
        "audit.fit_test_answered",
        actor=actor,
        obj=audit,
        request=request,
        detail={"category": category.key, "verdict": answer.verdict},
    )
    return answer


def choose_process(
    actor: Actor, *, audit_id: int, category_id: int | None, request: HttpRequest | None = None
) -> AuditPeriod:
    """Pick the process to outsource first (the recommendation or another category)."""
    audit = fetch(actor, AuditPeriod, Action.CHANGE, pk=audit_id)
    if (
        category_id is not None
        and not TaskCategory.objects.filter(
            pk=category_id, organization_id=audit.organization_id
        ).exists()
    ):
        raise Invalid.field("category_id", "No such category in this firm.")
    audit.chosen_category_id = category_id
    audit.save(update_fields=["chosen_category"])
    log.record(
        "audit.process_chosen",
        actor=actor,
        obj=audit,
        request=request,
        detail={"category_id": category_id},
    )
    return audit


# --- ROI ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoiResult:
    category_id: int
    category_name: str
    assumptions: Any  # roi.Assumptions
    figures: Any  # roi.RoiFigures


def roi(
    actor: Actor,
    *,
    audit_id: int,
    category_id: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> RoiResult:
    """The ROI model for one process: the given category, else the chosen one, else the
    recommendation, else the top of the hit list. Defaults come from the audit's own figures."""
    from counselbench.selfaudit import roi as model

    result = hit_list(actor, audit_id=audit_id)
    wanted = (
        category_id
        or result.audit.chosen_category_id
        or (result.recommendation.category_id if result.recommendation else None)
    )
    rows = [r for r in result.rows if r.category_id == wanted] if wanted else result.rows[:1]
    if not rows:
        raise RuleViolation(
            Code.ROI_NOTHING_TO_MODEL,
            "There is no outsourceable work in this audit for that category.",
            unblock="Categorize entries, or choose a category from the hit list.",
        )
    row = rows[0]
    people = row.people
    hours = row.annual_hours
    weighted = (sum(p.annual_hours * p.hourly_value_cents for p in people) / hours) if hours else 0
    top_value = max(p.hourly_value_cents for p in result.audit.participants.all())
    defaults = model.Assumptions(
        hours_per_week=(hours / model.WEEKS_PER_YEAR).quantize(Decimal("0.01")),
        contractor_rate_cents=row.market_rate_cents,
        salary_cents=6_000_000,
        benefits_percent=Decimal(25),
        overhead_percent=Decimal(15),
        recruiting_cents=400_000,
        provider_monthly_cents=150_000,
        calls_per_day=Decimal(5),
        refocus_minutes=model.REFOCUS_MINUTES,
        working_days=250,
        interrupted_hourly_value_cents=top_value,
        current_hourly_value_cents=int(weighted),
        billable_target_hours=1800,
    )
    try:
        assumptions = defaults.updated(**(overrides or {}))
    except ValueError as error:
        raise Invalid.field("assumptions", str(error)) from None
    return RoiResult(row.category_id, row.category_name, assumptions, model.compute(assumptions))
