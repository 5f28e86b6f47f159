"""Idempotency-Key on API writes: a retry replays the first response (errors included) and runs
nothing; a key reused for another request is refused; racing retries move nothing twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from counselbench.billing.models import TimeEntry
from counselbench.core.models import IdempotencyKey
from counselbench.core.tasks import prune_idempotency_keys
from tests.matters.conftest import make_task


def entry(task, minutes=60):
    return {
        "task_id": task.pk,
        "date": timezone.localdate().isoformat(),
        "minutes": minutes,
        "description": "Deposition summary",
    }


def post(client, data, key):
    return client.post(
        "/api/v1/time-entries",
        data,
        content_type="application/json",
        headers={"Idempotency-Key": key} if key else {},
    )


@pytest.fixture
def task(cast, delegation):
    return make_task(cast, delegation, engagement_id=delegation.engagement.pk)


def test_a_retry_replays_the_first_response_and_runs_nothing(cast, task):
    client = cast.client("contractor")
    first = post(client, entry(task), "a1b2c3")
    again = post(client, entry(task), "a1b2c3")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TimeEntry.objects.count() == 1
    # Without a key (or with a new one) the call runs again.
    post(client, entry(task), "d4e5f6")
    post(client, entry(task), None)
    assert TimeEntry.objects.count() == 3


def test_an_error_is_replayed_too_and_changes_nothing(cast, task):
    client = cast.client("contractor")
    refused = post(client, entry(task, minutes=0), "k-err")
    assert refused.status_code == 422
    again = post(client, entry(task, minutes=0), "k-err")
    assert again.status_code == 422 and again["Idempotent-Replayed"] == "true"
    assert again.json() == refused.json()
    assert not TimeEntry.objects.exists()


def test_a_key_reused_for_another_request_is_refused(cast, task):
    client = cast.client("contractor")
    post(client, entry(task, minutes=60), "k-1")
    response = post(client, entry(task, minutes=90), "k-1")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["fields"][0]["path"] == "header.Idempotency-Key"
    assert TimeEntry.objects.count() == 1


def test_keys_belong_to_their_caller(cast, delegation, task):
    body = {
        "matter_id": delegation.matter.pk,
        "date": timezone.localdate().isoformat(),
        "minutes": 30,
        "description": "Call",
    }
    for name in ("owner", "attorney"):
        assert post(cast.client(name), body, "shared-key").status_code == 201
    assert TimeEntry.objects.count() == 2


def test_a_malformed_key_is_refused(cast, task):
    response = post(cast.client("contractor"), entry(task), "has spaces in it")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert not TimeEntry.objects.exists()


def test_keys_are_kept_at_least_a_day_and_then_pruned(cast, task, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 48
    post(cast.client("contractor"), entry(task), "old")
    post(cast.client("contractor"), entry(task), "new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=49))
    IdempotencyKey.objects.filter(key="new").update(created_at=timezone.now() - timedelta(hours=47))
    prune_idempotency_keys.call()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is PostgreSQL's")
def test_two_racing_retries_with_one_key_create_one_entry(committed, cast, task):
    """Two threads, two connections, one key: the second waits on the key until the first
    commits, then replays it."""
    barrier, results = threading.Barrier(2), []

    def call():
        client = Client()
        client.force_login(cast.contractor)
        barrier.wait()
        try:
            results.append(post(client, entry(task), "race-1"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in results) == [201, 201]
    assert results[0].json() == results[1].json()
    assert TimeEntry.objects.count() == 1
    assert sum(r.get("Idempotent-Replayed") == "true" for r in results) == 1
