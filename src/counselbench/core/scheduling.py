"""Periodic jobs: register a task with an interval; `counselbench worker` enqueues it once per slot.

    @periodic(every=timedelta(days=1))
    @task()
    def clear_expired_sessions(): ...

Slots are aligned to the Unix epoch (a daily job runs once per UTC day), and a slot is enqueued by
exactly one worker (see PeriodicRun), so running several workers is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta

    def slot(self, now: datetime) -> datetime:
        period = int(self.every.total_seconds())
        start = int(now.timestamp()) // period * period
        return datetime.fromtimestamp(start, tz=UTC)


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta):
    def register(task: Task) -> Task:
        name = f"{task.module_path}"
        PERIODIC_JOBS[name] = PeriodicJob(name=name, task=task, every=every)
        return task

    return register


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; returns their names."""
    from counselbench.core.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC_JOBS.values():
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(job=job.name, slot=job.slot(now))
                job.task.enqueue()
        except IntegrityError:
            continue  # another worker took this slot
        logger.info("periodic job enqueued: %s", job.name, extra={"job": job.name})
        enqueued.append(job.name)
    return enqueued
