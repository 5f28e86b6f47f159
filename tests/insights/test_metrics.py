"""Each metric on the hand-built history (tests/insights/conftest.py), against figures worked out
by hand; an empty range reads "no data" everywhere (nothing divides by zero); who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from counselbench.core.errors import Invalid, NotFound, PermissionDenied
from counselbench.insights.services import metrics
from tests.insights.conftest import OCTOBER, TODAY


def october(actor, **kwargs):
    start, end = OCTOBER
    return metrics.dashboard(actor, start=start, end=end, today=TODAY, **kwargs)


def value(board, key):
    return board.metrics[key].value


def test_every_metric_on_a_hand_built_month(cast, history):
    board = october(cast.actor("owner"))
    # Utilization: (600 + 480 + 240) min ÷ (20 h × 31 days + 10 h × 17 days) ÷ 7.
    # = 1,320 ÷ (5,314.29 + 1,457.14) = 0.195
    assert value(board, "utilization") == Decimal("0.195")
    assert board.metrics["utilization"].numerator == Decimal("22.0")  # approved hours
    assert board.metrics["utilization"].denominator == Decimal("112.9")  # 88.57 + 24.29 h
    # Tasks done in October: T1 on time, T2 on time (its due day), T3 a day late, T4 no due date.
    assert value(board, "on_time_rate") == Decimal("0.667")
    assert board.metrics["on_time_rate"].count == 3
    # Reworked: T2 and T4 of four.
    assert value(board, "rework_rate") == Decimal("0.500")
    # Turnaround: median of 48, 108, 120, 24 hours = (48 + 108) ÷ 2.
    assert value(board, "median_turnaround_hours") == Decimal("78.0")
    # Cost: E1 18 h × $50 = $900; E2 $3,000 a month × 12 ÷ 365 × 17 days = $1,676.71.
    assert board.metrics["cost_per_hour"].numerator == Decimal("257671")
    assert value(board, "cost_per_hour") == Decimal("11712")  # ÷ 22 h
    assert value(board, "cost_per_task") == Decimal("64418")  # ÷ 4 tasks
    # In-house: ($60,000 × 1.40 + $4,000) × 31 ÷ 365 = $7,473.97; ÷ 22 h; ÷ 4 tasks.
    assert value(board, "in_house_cost_per_hour") == Decimal("33973")
    assert value(board, "in_house_cost_per_task") == Decimal("186849")
    # Recovered: 600 min a week at the audit × 31/7 weeks − 180 min now = 2,477.1 min.
    assert value(board, "billable_hours_recovered") == Decimal("41.3")
    assert board.metrics["billable_hours_recovered"].numerator == Decimal("44.3")
    assert board.metrics["billable_hours_recovered"].denominator == Decimal("3.0")
    # Intake: first contacts after 30, 90 and 10 minutes (one lead not contacted).
    assert value(board, "intake_response_minutes") == Decimal("30.0")
    # Velocity: converted in October after 10, 3 and 3 days (one lead arrived in September:
    # conversions count by the day they happened); matters closed after 40 and 20 days.
    assert value(board, "lead_to_matter_days") == Decimal("3.0")
    assert value(board, "matter_open_to_close_days") == Decimal("30.0")
    # Satisfaction: 5, 4 and 2 answered in October.
    assert value(board, "client_satisfaction") == Decimal("3.67")
    assert board.metrics["client_satisfaction"].count == 3


def test_the_charts_break_the_figures_down(cast, history):
    board = october(cast.actor("owner"))
    turnaround = {r["category"]: r for r in board.charts["turnaround"].rows}
    assert turnaround["Deposition summaries"]["median_hours"] == Decimal("78.0")  # 48, 108
    assert turnaround["Document review"]["median_hours"] == Decimal("72.0")  # 120, 24
    utilization = {r["professional"]: r for r in board.charts["utilization"].rows}
    assert utilization["Noor Haddad"]["utilization"] == Decimal("0.165")  # 240 ÷ 1,457.1
    assert utilization["Noor Haddad"]["contracted_hours"] == Decimal("24.3")
    velocity = {r["stage"]: r["count"] for r in board.charts["velocity"].rows}
    assert velocity == {
        "Leads arrived": 4,
        "Leads converted to matters": 3,
        "Matters opened": 2,  # October 1 and 2
        "Matters closed": 2,  # October 11 and 21 (the third closed November 1)
    }
    assert [r["answers"] for r in board.charts["satisfaction"].rows] == [0, 1, 0, 1, 1]
    weeks = {r["week"]: r for r in board.charts["recovered"].rows}
    assert weeks[date(2026, 10, 5)]["attorney_hours"] == Decimal("2.0")  # 120 min on the 6th
    assert weeks[date(2026, 10, 5)]["baseline_hours"] == Decimal("10.0")  # 600 min a week
    assert weeks[date(2026, 9, 28)]["baseline_hours"] == Decimal("5.7")  # 4 days in range


def test_a_range_without_data_says_no_data_rather_than_dividing_by_zero(cast, history):
    board = metrics.dashboard(
        cast.actor("owner"), start=date(2025, 1, 1), end=date(2025, 1, 31), today=TODAY
    )
    assert {k: m.value for k, m in board.metrics.items()} == dict.fromkeys(board.metrics)
    assert all(m.as_dict()["no_data"] for m in board.metrics.values())
    assert board.charts["turnaround"].rows == [] and board.charts["satisfaction"].rows == []


def test_a_new_firm_has_a_dashboard_of_no_data(cast):
    board = metrics.dashboard(cast.actor("outsider"), today=TODAY)
    assert board.engagements == []
    assert value(board, "billable_hours_recovered") is None  # no audit yet
    assert value(board, "utilization") is None


def test_the_default_range_is_last_month(cast, history):
    board = metrics.dashboard(cast.actor("owner"), today=TODAY)
    assert (board.period.start, board.period.end) == (date(2026, 10, 1), date(2026, 10, 31))


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 10, 31), date(2026, 10, 1)), (date(2024, 1, 1), date(2026, 10, 1))],
)
def test_a_bad_range_is_refused_on_the_field(cast, start, end):
    with pytest.raises(Invalid) as refused:
        metrics.dashboard(cast.actor("owner"), start=start, end=end, today=TODAY)
    assert refused.value.code == "bad_range" and refused.value.fields[0].path == "to"


def test_an_attorney_sees_the_engagements_they_supervise_with_their_cost(cast, history):
    board = october(cast.actor("attorney"))
    assert [f.engagement for f in board.engagements] == [history.e1]
    # E1 alone: 1,080 min ÷ 5,314.29; T1, T2, T4 done; cost $900 ÷ 18 h.
    assert value(board, "utilization") == Decimal("0.203")
    assert value(board, "rework_rate") == Decimal("0.667")
    assert value(board, "cost_per_hour") == Decimal("5000")
    assert value(board, "intake_response_minutes") == Decimal("30.0")  # firm-wide figures too


def test_staff_see_operational_metrics_without_individual_pay(cast, history):
    board = october(cast.actor("staff"))
    assert len(board.engagements) == 2
    assert value(board, "utilization") == Decimal("0.195")
    assert not {"cost_per_hour", "cost_per_task", "in_house_cost_per_hour"} & set(board.metrics)
    assert all(f.cost_cents is None for f in board.engagements)
    assert "cost" not in board.charts


def test_a_contractor_sees_only_their_own_scorecard(cast, history):
    contractor = cast.actor("contractor")
    board = october(contractor, engagement_id=history.e1.pk)
    assert [f.engagement for f in board.engagements] == [history.e1]
    assert value(board, "cost_per_hour") == Decimal("5000")  # their own pay
    assert "intake_response_minutes" not in board.metrics  # no firm-wide figures
    with pytest.raises(NotFound):
        october(contractor, engagement_id=history.e2.pk)
    with pytest.raises(NotFound):
        october(contractor)  # no firm dashboard


def test_other_firms_and_provider_staff_see_nothing_of_ours(cast, history):
    with pytest.raises(NotFound):
        october(cast.actor("outsider"), engagement_id=history.e1.pk)
    with pytest.raises(PermissionDenied):
        october(cast.actor("provider_admin"))
    assert october(cast.actor("outsider")).engagements == []


def test_the_scorecard_suggests_the_ratings_it_can_measure(cast, history):
    board = october(cast.actor("owner"), engagement_id=history.e1.pk)
    figures = board.engagements[0]
    # E1: T1 and T2 on time of two with due dates; T2 and T4 reworked of three.
    assert (figures.on_time_rate, figures.rework_rate) == (Decimal("1.000"), Decimal("0.667"))
    suggested = metrics.suggested_scores(figures)
    assert suggested["timeliness"]["score"] == 5
    assert suggested["quality"]["score"] == 1  # 33% first-pass
