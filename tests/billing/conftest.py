"""Billing tests reuse the matters cast: a consented, conflict-checked matter and the contractor's
active engagement (tests/matters/conftest.py), plus helpers that put approved time on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from counselbench.billing.models import TimeEntry
from counselbench.billing.services.time import EntryInput, approve, log_time, submit
from tests.matters.conftest import delegation, documents_storage, make_task  # noqa: F401


def approved_time(cast, task, *minutes: int, on: date | None = None) -> list[TimeEntry]:
    """The contractor's entries on `task`, submitted and approved by the supervising attorney."""
    contractor = cast.actor("contractor")
    day = on or timezone.localdate() - timedelta(days=1)
    entries = [
        log_time(
            contractor,
            data=EntryInput(minutes=m, date=day, description=f"Summary part {i}", task_id=task.pk),
        )
        for i, m in enumerate(minutes, start=1)
    ]
    ids = [e.pk for e in entries]
    submit(contractor, entry_ids=ids)
    approve(cast.actor("attorney"), entry_ids=ids)
    return list(TimeEntry.objects.filter(pk__in=ids).order_by("pk"))


@pytest.fixture
def contractor_task(cast, delegation):  # noqa: F811
    return make_task(cast, delegation, engagement_id=delegation.engagement.pk)


@pytest.fixture
def billing_staff(cast):
    cast.staff.memberships.update(billing=True)
    return cast.actor("staff")
