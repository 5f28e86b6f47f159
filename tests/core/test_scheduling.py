"""Periodic jobs are enqueued once per slot, however many workers tick."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from counselbench.core.models import PeriodicRun
from counselbench.core.scheduling import PERIODIC_JOBS, enqueue_due_jobs

pytestmark = pytest.mark.django_db


def test_each_job_runs_once_per_slot_and_again_in_the_next():
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    first = enqueue_due_jobs(now)
    assert set(first) == set(PERIODIC_JOBS)
    assert enqueue_due_jobs(now + timedelta(minutes=1)) == []  # a second worker, same slots
    # Three hours on, the daily jobs are not due again; the ten-minute anomaly scan is.
    later = now + timedelta(hours=3)
    due = {name for name, job in PERIODIC_JOBS.items() if job.slot(later) != job.slot(now)}
    assert "counselbench.matters.tasks.detect_access_anomalies" in due
    assert "counselbench.engagements.tasks.remind_trials_ending" not in due
    assert set(enqueue_due_jobs(later)) == due
    assert set(enqueue_due_jobs(now + timedelta(days=1))) == set(PERIODIC_JOBS)
    assert PeriodicRun.objects.count() == 2 * len(PERIODIC_JOBS) + len(due)


def test_the_daily_session_cleanup_removes_only_expired_sessions(db):
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    enqueue_due_jobs()  # the immediate backend runs the jobs in-process in tests
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
