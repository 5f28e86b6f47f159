"""Scaling signals, by time travel: each fires on the first day its rule holds (the Monday after
its second week) and not one day earlier; it is raised once, keeps its evidence fresh, and is
cleared when the rule stops holding."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from counselbench.insights.models import ScalingSignal
from counselbench.insights.services import signals
from counselbench.selfaudit.services import EntryInput, ParticipantInput, add_entries, create_audit
from tests.factories import EngagementFactory, MatterFactory, category
from tests.insights.conftest import at, d, task, time_entry

SUNDAY, MONDAY = date(2026, 11, 15), date(2026, 11, 16)


def kinds(firm, today):
    return sorted(s.kind for s in signals.evaluate(firm, today=today))


@pytest.fixture
def firm(cast):
    cast.firm.time_zone = "America/New_York"
    cast.firm.save(update_fields=["time_zone"])
    return cast.firm


@pytest.fixture
def matter(cast, firm):
    return MatterFactory(organization=firm, responsible_attorney=cast.attorney, opened_on=d(9, 1))


@pytest.fixture
def engagement(cast, firm):
    return EngagementFactory(
        organization=firm,
        professional=cast.contractor.professional_profile,
        supervising_attorney=cast.attorney,
        hours_per_week=10,  # 600 minutes a week
        start_date=d(10, 1),
    )


def log(cast, matter, engagement, minutes_by_day):
    for day, minutes in minutes_by_day.items():
        time_entry(
            cast,
            engagement.professional.user,
            matter,
            day=day,
            minutes=minutes,
            engagement=engagement,
            rate=4000,
        )


def test_full_capacity_fires_the_monday_after_two_weeks_over_90_percent(cast, matter, engagement):
    # Week of Nov 2: 560 of 600 minutes (93%); week of Nov 9: 600 of 600 (100%).
    log(cast, matter, engagement, {d(11, 3): 300, d(11, 5): 260, d(11, 10): 600})
    assert kinds(cast.firm, SUNDAY) == []  # the second week is not over
    assert kinds(cast.firm, MONDAY) == ["full_capacity"]
    signal = ScalingSignal.objects.get(kind="full_capacity")
    assert signal.engagement == engagement and signal.first_fired_on == MONDAY
    assert [w["utilization"] for w in signal.evidence["weeks"]] == ["0.933", "1.000"]
    assert signals.action_url(signal).startswith("/engagements/")  # no posting behind it
    # Evaluated again the same day: still one signal; the next week is empty, so it clears.
    assert kinds(cast.firm, MONDAY) == ["full_capacity"]
    assert ScalingSignal.objects.count() == 1
    assert kinds(cast.firm, MONDAY + timedelta(days=7)) == []
    signal.refresh_from_db()
    assert signal.cleared_on == MONDAY + timedelta(days=7)


def test_exactly_90_percent_is_not_over_capacity(cast, matter, engagement):
    log(cast, matter, engagement, {d(11, 3): 600, d(11, 10): 540})  # 100%, then exactly 90%
    assert kinds(cast.firm, MONDAY) == []


def test_a_growing_backlog_fires_on_the_monday_it_grew_a_second_time(cast, matter):
    review = category(cast.firm, "document-review")
    for created in (d(10, 20), d(11, 4), d(11, 11)):  # open at each week-end: 1, 2, 3
        task(cast, matter, category=review, created=at(created))
    # On Sunday the last three week-ends are Oct 26, Nov 2, Nov 9: 1, 1, 2 open.
    assert kinds(cast.firm, SUNDAY) == []
    assert kinds(cast.firm, MONDAY) == ["bottleneck"]
    signal = ScalingSignal.objects.get(kind="bottleneck")
    assert signal.category == review and signal.evidence["backlog"] == [1, 2, 3]
    assert signals.action_url(signal) == f"/talent/postings/new/?category={review.pk}"


def test_a_backlog_that_rises_but_stays_small_is_noise(cast, matter):
    review = category(cast.firm, "document-review")
    for created in (d(11, 4), d(11, 11)):  # 0 → 1 → 2 open: rising, but never 3
        task(cast, matter, category=review, created=at(created))
    assert kinds(cast.firm, MONDAY) == []


def test_a_rising_late_share_fires_on_the_monday_it_rose_a_second_time(cast, matter):
    research = category(cast.firm, "legal-research")
    # Four open tasks all along; past due at the week-ends Oct 26, Nov 2, Nov 9, Nov 16:
    # 1, 1, 2, 3 (25%, 25%, 50%, 75%).
    for due in (d(10, 20), d(11, 6), d(11, 13), d(12, 31)):
        task(cast, matter, category=research, created=at(d(10, 1)), due=due)
    assert kinds(cast.firm, SUNDAY) == []  # 25% → 25% → 50%: not two rises
    assert kinds(cast.firm, MONDAY) == ["bottleneck"]
    evidence = ScalingSignal.objects.get(kind="bottleneck").evidence
    assert evidence["late"] == [1, 2, 3] and evidence["backlog"] == [4, 4, 4]


def test_attorneys_slipping_back_fires_once_back_to_half_the_audit(cast, matter):
    owner = cast.actor("owner")
    paralegal = category(cast.firm, "deposition-summaries")
    audit = create_audit(
        owner,
        name="Audit",
        starts_on=d(9, 7),
        ends_on=d(9, 13),
        participants=[ParticipantInput(cast.attorney.pk, "attorney", 30000)],
    )
    add_entries(
        owner,
        audit_id=audit.pk,
        entries=[EntryInput(cast.attorney.pk, d(9, 8), 600, "Summaries", paralegal.pk)],
    )
    mine = task(cast, matter, category=paralegal, created=at(d(10, 1)))
    # Weeks of Oct 26, Nov 2, Nov 9: 100, 200, 350 minutes (the audit: 600 a week).
    for day, minutes in ((d(10, 27), 100), (d(11, 3), 200), (d(11, 10), 350)):
        time_entry(cast, cast.attorney, matter, day=day, minutes=minutes, task=mine)
    assert kinds(cast.firm, SUNDAY) == []  # 0 → 100 → 200: rising, but under 300
    assert kinds(cast.firm, MONDAY) == ["slipping_back"]
    signal = ScalingSignal.objects.get(kind="slipping_back")
    assert signal.evidence["attorney_hours"] == ["1.7", "3.3", "5.8"]
    assert signals.action_url(signal) == f"/audits/{audit.pk}/"


def test_the_daily_job_evaluates_each_firm_on_its_own_day(cast, matter, engagement):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    log(cast, matter, engagement, {d(11, 3): 600, d(11, 10): 600})
    # 03:00 UTC on Monday is still Sunday evening in New York: not yet.
    assert signals.evaluate_all(datetime(2026, 11, 16, 3, tzinfo=ZoneInfo("UTC"))) == 0
    assert signals.evaluate_all(datetime(2026, 11, 16, 6, tzinfo=ZoneInfo("UTC"))) == 1
