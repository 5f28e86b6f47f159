"""ROI arithmetic on hand-computed examples (no database)."""

from decimal import Decimal

import pytest

from counselbench.selfaudit.roi import Assumptions, compute

BASE = Assumptions(
    hours_per_week=Decimal(10),
    contractor_rate_cents=2885,
    salary_cents=6_000_000,
    benefits_percent=Decimal(25),
    overhead_percent=Decimal(15),
    recruiting_cents=400_000,
    provider_monthly_cents=150_000,
    calls_per_day=Decimal(5),
    refocus_minutes=Decimal("23.25"),
    working_days=250,
    interrupted_hourly_value_cents=45_000,
    current_hourly_value_cents=37_500,
    billable_target_hours=1800,
)


def test_the_three_options_per_year():
    f = compute(BASE)
    assert f.annual_hours == 520
    assert f.in_house_cents == 6_000_000 * 140 // 100 + 400_000 == 8_800_000  # $88,000
    assert f.contractor_cents == 520 * 2885 == 1_500_200  # $15,002
    assert f.provider_cents == 1_800_000  # $18,000
    assert f.cheapest == "contractor"
    assert f.current_cents == 520 * 37_500  # $195,000 of attorney time today


def test_break_even_hours_per_week():
    # $88,000 ÷ (52 × $28.85) = 58.66… h a week before a hire is cheaper than a contractor
    assert compute(BASE).break_even_hours_per_week == Decimal("58.7")


def test_the_cost_of_interruptions():
    f = compute(BASE)
    # 5 calls × 23.25 min ÷ 60 × 250 days = 484.375 h × $450 = $217,968.75
    assert f.interruption_hours == Decimal("484.375")
    assert f.interruptions_cents == 21_796_875


def test_billable_hours_recovered_against_the_target():
    assert compute(BASE).share_of_billable_target.quantize(Decimal("0.01")) == Decimal("28.89")


def test_every_assumption_can_be_changed_and_unknown_ones_are_refused():
    f = compute(BASE.updated(hours_per_week=Decimal(70)))
    assert f.cheapest == "provider plan"
    with pytest.raises(ValueError, match="unknown assumption"):
        BASE.updated(coffee_budget=1)
