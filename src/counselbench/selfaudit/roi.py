"""The ROI model for the process a firm chose to outsource first (PRODUCT §2.1).

Three ways to get the work done, per year: hire in-house (salary + benefits + overhead +
recruiting), a contractor by the hour, or a provider's monthly plan; the break-even hours per week
at which hiring beats the contractor; the cost of interruptions; and the billable hours the
outsourcing gives back, against the firm's billable-hour target. Every input is an assumption the
user sees and can change; the defaults say where they come from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal

from counselbench.core.money import to_cents

WEEKS_PER_YEAR = Decimal(52)
REFOCUS_MINUTES = Decimal("23.25")  # 23 min 15 s to regain focus (shared/seeds/000)


@dataclass(frozen=True)
class Assumptions:
    hours_per_week: Decimal  # of the chosen process
    contractor_rate_cents: int
    salary_cents: int
    benefits_percent: Decimal
    overhead_percent: Decimal
    recruiting_cents: int
    provider_monthly_cents: int
    calls_per_day: Decimal
    refocus_minutes: Decimal
    working_days: int
    interrupted_hourly_value_cents: int
    current_hourly_value_cents: int  # what the time costs now, done by the people doing it
    billable_target_hours: int

    def updated(self, **changes) -> Assumptions:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown assumption: {sorted(unknown)[0]}")
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}


SOURCES = {
    "hours_per_week": "From the audit: the chosen category's logged hours, annualized ÷ 52.",
    "contractor_rate_cents": "The firm's market rate for the category's level.",
    "salary_cents": "$60,000 a year for a US-based paralegal (shared/seeds/003); assumption for "
    "administrative roles too. Edit for your market.",
    "benefits_percent": "Assumption: 25% of salary for benefits and payroll taxes. Edit it.",
    "overhead_percent": "Assumption: 15% of salary for space, equipment and software. Edit it.",
    "recruiting_cents": "Assumption: $4,000 one-off recruiting cost, counted in year one.",
    "provider_monthly_cents": "Assumption: a $1,500 a month provider plan. Use your quote.",
    "calls_per_day": "Assumption: 5 interrupting calls a day (the source material's example).",
    "refocus_minutes": "23 min 15 s to regain focus after each interruption (shared/seeds/000).",
    "working_days": "Assumption: 250 working days a year.",
    "interrupted_hourly_value_cents": "The hourly value of the person interrupted (from the "
    "audit: the highest-value participant).",
    "current_hourly_value_cents": "From the audit: the hourly value of those doing the work now, "
    "weighted by their hours.",
    "billable_target_hours": "Assumption: 1,800 billable hours a year per attorney.",
}


@dataclass(frozen=True)
class RoiFigures:
    annual_hours: Decimal
    current_cents: int
    in_house_cents: int
    contractor_cents: int
    provider_cents: int
    break_even_hours_per_week: Decimal | None
    interruptions_cents: int
    interruption_hours: Decimal
    recovered_billable_hours: Decimal
    share_of_billable_target: Decimal
    cheapest: str

    def as_dict(self) -> dict:
        return {
            k: (float(round(v, 2)) if isinstance(v, Decimal) else v)
            for k, v in asdict(self).items()
        }


def compute(a: Assumptions) -> RoiFigures:
    annual_hours = a.hours_per_week * WEEKS_PER_YEAR
    loaded = Decimal(a.salary_cents) * (1 + (a.benefits_percent + a.overhead_percent) / 100)
    in_house = to_cents(loaded) + a.recruiting_cents
    contractor = to_cents(annual_hours * a.contractor_rate_cents)
    provider = a.provider_monthly_cents * 12
    # Hours a week at which a contractor costs as much as a hire (year one, recruiting included).
    yearly_rate = WEEKS_PER_YEAR * a.contractor_rate_cents
    break_even = (Decimal(in_house) / yearly_rate).quantize(Decimal("0.1")) if yearly_rate else None
    interruption_hours = a.calls_per_day * a.refocus_minutes / 60 * a.working_days
    options = {"in-house hire": in_house, "contractor": contractor, "provider plan": provider}
    return RoiFigures(
        annual_hours=annual_hours,
        current_cents=to_cents(annual_hours * a.current_hourly_value_cents),
        in_house_cents=in_house,
        contractor_cents=contractor,
        provider_cents=provider,
        break_even_hours_per_week=break_even,
        interruptions_cents=to_cents(interruption_hours * a.interrupted_hourly_value_cents),
        interruption_hours=interruption_hours,
        recovered_billable_hours=annual_hours,
        share_of_billable_target=(
            annual_hours / a.billable_target_hours * 100 if a.billable_target_hours else Decimal(0)
        ),
        cheapest=min(options, key=lambda k: options[k]),
    )
