"""The hit list: outsourceable time priced as misused time (PRODUCT §2.1).

For each category whose level is below the level of the person who did the work:
    annual hours  = minutes in the period ÷ 60 × 52 ÷ (period length in weeks)
    misused time  = annual hours × (person's hourly value − market rate of the category's level)
A person whose hourly value does not exceed the market rate contributes "no saving" (zero), never
a negative amount, so a row never shows a negative hit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from counselbench.core.money import format_usd, to_cents
from counselbench.selfaudit.models import LEVEL_RANK, FitAnswer

WEEKS_PER_YEAR = Decimal(52)


@dataclass(frozen=True)
class WorkDone:
    """Minutes one person spent on one category during the period (one aggregate row)."""

    category_id: int
    category_name: str
    category_level: str
    person_id: int
    person_name: str
    person_level: str
    hourly_value_cents: int
    minutes: int


@dataclass(frozen=True)
class PersonShare:
    person_id: int
    person_name: str
    minutes: int
    annual_hours: Decimal
    hourly_value_cents: int
    saving_cents: int

    @property
    def no_saving(self) -> bool:
        return self.saving_cents == 0


@dataclass
class HitListRow:
    category_id: int
    category_name: str
    level: str
    market_rate_cents: int
    people: list[PersonShare] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.people)

    @property
    def annual_hours(self) -> Decimal:
        return sum((p.annual_hours for p in self.people), Decimal(0))

    @property
    def saving_cents(self) -> int:
        return sum(p.saving_cents for p in self.people)

    @property
    def no_saving(self) -> bool:
        return self.saving_cents == 0

    def explanation(self, weeks: Decimal) -> list[str]:
        rate = format_usd(self.market_rate_cents)
        lines = []
        for p in self.people:
            hours = (
                f"{p.minutes / 60:.2f} h in {_fmt(weeks)} wk × 52 ÷ {_fmt(weeks)} = "
                f"{_fmt(p.annual_hours)} h/yr"
            )
            if p.no_saving:
                lines.append(
                    f"{p.person_name}: {hours}; {format_usd(p.hourly_value_cents)}/h "
                    f"is not above the {rate}/h market rate: no saving"
                )
            else:
                lines.append(
                    f"{p.person_name}: {hours} × ({format_usd(p.hourly_value_cents)} − "
                    f"{rate}) = {format_usd(p.saving_cents)}"
                )
        return lines


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def period_weeks(days: int) -> Decimal:
    return Decimal(days) / Decimal(7)


def outsourceable(work: WorkDone) -> bool:
    return LEVEL_RANK[work.person_level] > LEVEL_RANK[work.category_level]


def build_hit_list(
    work: list[WorkDone], market_rates_cents: dict[str, int], days: int
) -> list[HitListRow]:
    """Rank categories by annual misused time; only work done below the doer's level counts."""
    weeks = period_weeks(days)
    rows: dict[int, HitListRow] = {}
    for item in work:
        if not outsourceable(item) or item.minutes <= 0:
            continue
        rate = market_rates_cents[item.category_level]
        row = rows.setdefault(
            item.category_id,
            HitListRow(
                category_id=item.category_id,
                category_name=item.category_name,
                level=item.category_level,
                market_rate_cents=rate,
            ),
        )
        annual_minutes = Decimal(item.minutes) * WEEKS_PER_YEAR / weeks
        margin = item.hourly_value_cents - rate
        saving = to_cents(annual_minutes * margin / 60) if margin > 0 else 0
        row.people.append(
            PersonShare(
                person_id=item.person_id,
                person_name=item.person_name,
                minutes=item.minutes,
                annual_hours=annual_minutes / 60,
                hourly_value_cents=item.hourly_value_cents,
                saving_cents=saving,
            )
        )
    for row in rows.values():
        row.people.sort(key=lambda p: (-p.saving_cents, p.person_name))
    return sorted(rows.values(), key=lambda r: (-r.saving_cents, -r.minutes, r.category_name))


@dataclass(frozen=True)
class Recommendation:
    category_id: int
    category_name: str
    reason: str


def recommend(rows: list[HitListRow], answers: Mapping[int, FitAnswer]) -> Recommendation | None:
    """'Start with one': the highest-cost candidate that is not core practice and is low-risk.

    `answers` maps category id → FitAnswer. Rows are already ranked by annual misused time, so
    the first row that qualifies is also the most time-consuming one that does.
    """
    for row in rows:
        answer = answers.get(row.category_id)
        if row.no_saving or answer is None:
            continue
        if (
            answer.verdict == "candidate"
            and answer.core_practice is False
            and answer.sensitive is False
        ):
            reason = (
                f"{row.category_name} costs {format_usd(row.saving_cents)} a year in "
                f"misused time ({_fmt(row.annual_hours)} h), is not part of your core "
                "practice, and is low-risk: it neither touches revenue directly nor "
                "needs close supervision."
            )
            return Recommendation(row.category_id, row.category_name, reason)
    return None
