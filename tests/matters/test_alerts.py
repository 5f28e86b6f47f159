"""Access alerts: the anomaly job's three rules at and just past their thresholds, its
idempotence, the owner's email, and who may list and acknowledge alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError

from counselbench.access import log
from counselbench.access.models import AccessLogEntry
from counselbench.matters.models import AccessAlert, AlertRule
from counselbench.matters.services.alerts import acknowledge_alert, alerts_for, detect_anomalies
from counselbench.matters.tasks import detect_access_anomalies
from tests.factories import MatterFactory

DAY = datetime(2026, 3, 4, tzinfo=UTC)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


def access(user, action: str, when: datetime, *, firm, document_id: int = 1, matter=None):
    """One "documents.*" log entry as the documents code writes it, at a chosen time."""
    detail = {"document_id": document_id}
    if matter is not None and action != "denied":
        detail["matter_id"] = matter.pk
    with mock.patch("django.utils.timezone.now", return_value=when):
        log.record(
            f"documents.{action}",
            actor=user,
            organization=firm,
            object_type="matters.document",
            object_id=document_id,
            detail=detail,
        )


def downloads(user, count: int, *, firm, start: datetime, matter=None, first_document=100):
    """`count` downloads two minutes apart, each of another document."""
    for i in range(count):
        when = start + i * timedelta(minutes=2)
        access(user, "download", when, firm=firm, document_id=first_document + i, matter=matter)


@pytest.fixture
def matter(cast):
    return MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)


@pytest.fixture
def night_owl(cast):
    """The contractor, declaring 22:00–06:00 UTC (a window across midnight)."""
    profile = cast.contractor.professional_profile
    cast.contractor.full_name = "Dana Reyes"
    cast.contractor.save(update_fields=["full_name"])
    profile.work_start_utc, profile.work_end_utc = 22 * 60, 6 * 60
    profile.save(update_fields=["work_start_utc", "work_end_utc"])
    return cast.contractor


# --- download_volume ---------------------------------------------------------------------------


def test_download_volume_does_not_fire_at_the_limit(cast, matter, settings):
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 20
    downloads(cast.attorney, 20, firm=cast.firm, start=at(14), matter=matter)
    assert detect_anomalies(now=at(15, 5)) == []


def test_download_volume_fires_one_past_the_limit_on_the_main_matter(cast, matter, settings):
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 20
    cast.attorney.full_name = "Dana Reyes"
    cast.attorney.save(update_fields=["full_name"])
    other = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    downloads(cast.attorney, 15, firm=cast.firm, start=at(14), matter=matter)
    downloads(cast.attorney, 6, firm=cast.firm, start=at(14, 31), matter=other, first_document=200)

    (alert,) = detect_anomalies(now=at(15, 5))

    assert alert.rule == AlertRule.DOWNLOAD_VOLUME
    assert alert.organization == cast.firm and alert.subject == cast.attorney
    assert alert.window_start == at(14) and alert.matter == matter
    assert alert.summary == (
        "Dana Reyes downloaded 21 documents between 14:00 and 15:00 UTC on Mar 4, 2026 (limit 20)"
    )
    assert alert.evidence["downloads"] == 21 and alert.evidence["limit"] == 20
    assert len(alert.evidence["documents"]) == 21


def test_download_volume_counts_each_clock_hour_apart(cast, matter, settings):
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 20
    downloads(cast.attorney, 15, firm=cast.firm, start=at(14, 30), matter=matter)  # to 15:00
    downloads(cast.attorney, 15, firm=cast.firm, start=at(15, 1), matter=matter)
    assert detect_anomalies(now=at(15, 59)) == []


def test_download_volume_counts_each_firm_apart(cast, matter, settings):
    """A professional working for two firms is judged per firm: each owner hears of their own."""
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 3
    downloads(cast.contractor, 3, firm=cast.firm, start=at(14), matter=matter)
    downloads(cast.contractor, 3, firm=cast.other_firm, start=at(14, 1))
    assert detect_anomalies(now=at(14, 30)) == []
    downloads(cast.contractor, 1, firm=cast.other_firm, start=at(14, 20))
    (alert,) = detect_anomalies(now=at(14, 30))
    assert alert.organization == cast.other_firm and alert.matter is None


# --- off_hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [(22 * 60, 6 * 60), (22 * 60, 30 * 60)],
    ids=["end-below-start", "end-past-midnight"],
)
def test_off_hours_respects_a_window_across_midnight(cast, night_owl, matter, start, end):
    profile = night_owl.professional_profile
    profile.work_start_utc, profile.work_end_utc = start, end
    profile.save(update_fields=["work_start_utc", "work_end_utc"])
    # Inside 22:00–06:00: the first minute, after midnight, the last minute before 06:00.
    access(night_owl, "view", at(22), firm=cast.firm, matter=matter)
    access(night_owl, "download", at(23, 30), firm=cast.firm, matter=matter)
    access(night_owl, "view", at(24 + 5, 59, 59), firm=cast.firm, matter=matter)
    assert detect_anomalies(now=at(24 + 6)) == []
    assert detect_anomalies(now=at(23, 59)) == []


def test_off_hours_fires_just_outside_the_window(cast, night_owl, matter):
    access(night_owl, "view", at(21, 59), firm=cast.firm, document_id=7, matter=matter)
    (alert,) = detect_anomalies(now=at(22, 30))
    assert alert.rule == AlertRule.OFF_HOURS and alert.subject == night_owl
    assert alert.window_start == at(21) and alert.matter == matter
    assert alert.summary == (
        "Dana Reyes opened 1 document at 21:59 UTC on Mar 4, 2026, outside their declared "
        "working hours (22:00–06:00 UTC)"
    )
    assert alert.evidence["entries"] == [
        {
            "at": at(21, 59).isoformat(),
            "action": "view",
            "document_id": 7,
            "matter_id": matter.pk,
        }
    ]


def test_off_hours_groups_an_hours_accesses_and_starts_at_the_first(cast, night_owl, matter):
    access(night_owl, "view", at(6), firm=cast.firm, document_id=1, matter=matter)  # closed
    access(night_owl, "download", at(6, 40), firm=cast.firm, document_id=2, matter=matter)
    access(night_owl, "view", at(5, 50), firm=cast.firm, document_id=3, matter=matter)  # open

    (alert,) = detect_anomalies(now=at(7))

    assert alert.window_start == at(6)
    assert [e["document_id"] for e in alert.evidence["entries"]] == [1, 2]
    assert "opened 2 documents between 06:00 and 06:40 UTC" in alert.summary


def test_off_hours_does_not_check_the_firms_own_members(cast, matter):
    for name in ("owner", "attorney", "staff"):
        access(getattr(cast, name), "download", at(3), firm=cast.firm, matter=matter)
    assert detect_anomalies(now=at(3, 30)) == []


def test_off_hours_ignores_denied_requests(cast, night_owl, matter):
    access(night_owl, "denied", at(12), firm=cast.firm)
    assert detect_anomalies(now=at(12, 30)) == []


# --- denied_burst ------------------------------------------------------------------------------


def test_denied_burst_does_not_fire_below_the_threshold(cast, night_owl, settings):
    settings.ACCESS_ALERT_DENIED_PER_10_MINUTES = 5
    for i in range(4):
        access(night_owl, "denied", at(23, i), firm=cast.firm, document_id=i)
    assert detect_anomalies(now=at(23, 30)) == []


def test_denied_burst_fires_at_the_threshold_within_ten_minutes(cast, night_owl, settings):
    settings.ACCESS_ALERT_DENIED_PER_10_MINUTES = 5
    # Across a clock hour: the burst belongs to the hour it started in.
    for i, minute in enumerate((56, 58, 60, 62, 66)):
        access(night_owl, "denied", at(22, minute), firm=cast.firm, document_id=i)

    (alert,) = detect_anomalies(now=at(23, 10))

    assert alert.rule == AlertRule.DENIED_BURST and alert.window_start == at(22)
    assert alert.matter is None and alert.evidence["denied"] == 5
    assert alert.summary == (
        "Dana Reyes was refused 5 document requests within 10 minutes from 22:56 UTC on "
        "Mar 4, 2026 (alert at 5)"
    )


def test_denied_requests_spread_past_ten_minutes_are_no_burst(cast, night_owl, settings):
    settings.ACCESS_ALERT_DENIED_PER_10_MINUTES = 5
    for i in range(5):
        access(night_owl, "denied", at(23) + i * timedelta(minutes=2, seconds=31), firm=cast.firm)
    assert detect_anomalies(now=at(23, 30)) == []


# --- The job -----------------------------------------------------------------------------------


def test_rerunning_the_job_raises_nothing_twice(
    cast, night_owl, matter, settings, django_capture_on_commit_callbacks
):
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 2
    downloads(night_owl, 3, firm=cast.firm, start=at(12), matter=matter)  # also off hours
    with django_capture_on_commit_callbacks(execute=True):
        first = detect_anomalies(now=at(12, 10))
    assert {a.rule for a in first} == {AlertRule.DOWNLOAD_VOLUME, AlertRule.OFF_HOURS}
    sent = len(mail.outbox)

    downloads(night_owl, 2, firm=cast.firm, start=at(12, 30), matter=matter)
    with django_capture_on_commit_callbacks(execute=True):
        assert detect_anomalies(now=at(12, 40)) == []
        assert detect_anomalies(now=at(13, 50)) == []

    assert AccessAlert.objects.count() == 2 and len(mail.outbox) == sent
    assert AccessLogEntry.objects.filter(action="alerts.raised").count() == 2


def test_an_alert_raised_already_is_left_alone(cast, night_owl, matter):
    """Two workers: the second finds the row the first inserted (the unique constraint)."""
    access(night_owl, "view", at(12), firm=cast.firm, matter=matter)
    (alert,) = detect_anomalies(now=at(12, 10))
    race = IntegrityError("alert_once_per_window")
    with mock.patch.object(AccessAlert.objects, "get_or_create", side_effect=race):
        assert detect_anomalies(now=at(12, 20)) == []
    assert list(AccessAlert.objects.all()) == [alert]


def test_the_owners_are_emailed_once_the_alert_is_committed(
    cast, night_owl, matter, django_capture_on_commit_callbacks
):
    access(night_owl, "download", at(12), firm=cast.firm, matter=matter)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (alert,) = detect_anomalies(now=at(12, 10))
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()

    (message,) = mail.outbox
    assert message.to == [cast.owner.email]
    assert "Access alert" in message.subject and cast.firm.name in message.subject
    assert alert.summary in message.body and matter.number in message.body


def test_the_periodic_job_runs_the_detection(cast, night_owl, matter):
    from counselbench.core.scheduling import PERIODIC_JOBS

    assert PERIODIC_JOBS[detect_access_anomalies.module_path].every == timedelta(minutes=10)
    access(night_owl, "view", at(12), firm=cast.firm, matter=matter)
    with mock.patch("django.utils.timezone.now", return_value=at(12, 10)):
        assert detect_access_anomalies.call() == 1


def test_the_log_records_the_raised_alert(cast, night_owl, matter):
    access(night_owl, "view", at(12), firm=cast.firm, matter=matter)
    (alert,) = detect_anomalies(now=at(12, 10))
    entry = AccessLogEntry.objects.get(action="alerts.raised")
    assert entry.organization_id == cast.firm.pk and entry.object_id == str(alert.pk)
    assert entry.actor_id is None and entry.detail["rule"] == "off_hours"


# --- Owners list and acknowledge ---------------------------------------------------------------


@pytest.fixture
def alert(cast, night_owl, matter):
    access(night_owl, "view", at(12), firm=cast.firm, matter=matter)
    (raised,) = detect_anomalies(now=at(12, 10))
    return raised


def test_the_owner_lists_alerts_with_matter_and_subject(cast, alert, matter):
    body = cast.client("owner").get("/api/v1/access-alerts").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == alert.pk and item["rule"] == "off_hours"
    assert item["rule_label"] == "Access outside declared working hours"
    assert item["matter_id"] == matter.pk and item["matter_number"] == matter.number
    assert item["subject_name"] == "Dana Reyes"
    assert item["subject_email"] == cast.contractor.email
    assert item["acknowledged_at"] is None and item["acknowledged_by"] is None
    assert item["evidence"]["accesses"] == 1


def test_the_owner_filters_by_matter_and_by_open(cast, alert, matter):
    owner = cast.client("owner")
    other = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
    assert owner.get(f"/api/v1/access-alerts?matter={matter.pk}").json()["count"] == 1
    assert owner.get(f"/api/v1/access-alerts?matter={other.pk}").json()["count"] == 0
    assert owner.get(f"/api/v1/access-alerts?matter={2**70}").status_code == 422  # no such id
    assert owner.get("/api/v1/access-alerts?open=true").json()["count"] == 1
    assert owner.get("/api/v1/access-alerts?open=false").json()["count"] == 0
    acknowledge_alert(cast.actor("owner"), alert_id=alert.pk)
    assert owner.get("/api/v1/access-alerts?open=true").json()["count"] == 0
    assert owner.get("/api/v1/access-alerts?open=false").json()["count"] == 1
    assert owner.get("/api/v1/access-alerts").json()["count"] == 1


def test_the_owner_acknowledges_once_and_a_repeat_changes_nothing(cast, alert):
    owner = cast.client("owner")
    first = owner.post(f"/api/v1/access-alerts/{alert.pk}/acknowledge")
    assert first.status_code == 200
    assert first.json()["acknowledged_by"] == cast.owner.display_name
    again = owner.post(f"/api/v1/access-alerts/{alert.pk}/acknowledge")
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    entry = AccessLogEntry.objects.get(action="alerts.acknowledged")
    assert entry.actor_id == cast.owner.pk and entry.organization_id == cast.firm.pk


@pytest.mark.parametrize("role", ["attorney", "staff", "contractor", "outsider"])
def test_nobody_but_the_firms_owner_sees_or_acknowledges_alerts(cast, alert, role):
    client = cast.client(role)
    body = client.get("/api/v1/access-alerts").json()
    assert body["count"] == 0 and body["items"] == []
    response = client.post(f"/api/v1/access-alerts/{alert.pk}/acknowledge")
    assert response.status_code == 404
    assert not alerts_for(cast.actor(role)).exists()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_anonymous_gets_401(cast, alert):
    client = cast.client("anonymous")
    assert client.get("/api/v1/access-alerts").status_code == 401
    assert client.post(f"/api/v1/access-alerts/{alert.pk}/acknowledge").status_code == 401


def test_another_firms_alerts_stay_there(cast, settings):
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 1
    downloads(cast.contractor, 2, firm=cast.other_firm, start=at(14))
    (theirs,) = detect_anomalies(now=at(14, 30))
    assert cast.client("owner").get("/api/v1/access-alerts").json()["count"] == 0
    assert cast.client("outsider").get("/api/v1/access-alerts").json()["count"] == 1
    response = cast.client("owner").post(f"/api/v1/access-alerts/{theirs.pk}/acknowledge")
    assert response.status_code == 404


def test_the_alert_list_costs_the_same_queries_for_more_alerts(
    cast, alert, night_owl, django_assert_max_num_queries
):
    owner = cast.client("owner")
    with django_assert_max_num_queries(30) as one:
        assert owner.get("/api/v1/access-alerts").status_code == 200
    for hour in range(13, 20):  # more off-hours alerts, each on its own matter
        other = MatterFactory(organization=cast.firm, responsible_attorney=cast.attorney)
        access(night_owl, "view", at(hour), firm=cast.firm, matter=other)
        detect_anomalies(now=at(hour, 10))
    assert AccessAlert.objects.count() == 8
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert owner.get("/api/v1/access-alerts").json()["count"] == 8


def test_the_job_reads_only_its_lookback(cast, matter, settings):
    """Hours before the lookback were judged by earlier runs and are not read again."""
    settings.ACCESS_ALERT_DOWNLOADS_PER_HOUR = 2
    downloads(cast.attorney, 3, firm=cast.firm, start=at(9), matter=matter)
    assert detect_anomalies(now=at(12, 5)) == []  # the lookback starts at 10:00
    (alert,) = detect_anomalies(now=at(11, 5))  # it starts at 9:00
    assert alert.window_start == at(9)
