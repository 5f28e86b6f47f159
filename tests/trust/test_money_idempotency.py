"""Every API call that moves money takes an Idempotency-Key: a retry returns the first stored
result (errors included), a reused key with other parameters is refused, and nothing moves twice
— also when two retries race (PostgreSQL, two threads, one key)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from counselbench.billing.models import Payment
from counselbench.trust.models import TrustLedger, TrustTransaction
from tests.billing.money_world import money_world
from tests.trust.conftest import TODAY


def post(client, url, data, key):
    return client.post(url, data, content_type="application/json", headers={"Idempotency-Key": key})


def deposit(world, amount=10_000):
    return {
        "kind": "deposit",
        "ledger_id": world["ledger"],
        "amount_cents": amount,
        "date": TODAY().isoformat(),
        "payee_payor": "Harbor Logistics LLC",
        "purpose": "Advance for costs",
        "method": "wire",
    }


@pytest.fixture
def world(cast):
    return money_world(cast)


def test_a_retried_deposit_is_posted_once(cast, world):
    client = cast.client("staff")
    before = TrustTransaction.objects.count()
    first = post(client, "/api/v1/trust/transactions", deposit(world), "dep-7f3a")
    again = post(client, "/api/v1/trust/transactions", deposit(world), "dep-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TrustTransaction.objects.count() == before + 1


def test_a_refused_overdraft_is_replayed_and_moves_nothing(cast, world):
    client = cast.client("owner")
    body = {**deposit(world, 900_000), "kind": "disbursement", "payee_payor": "Opposing counsel"}
    refused = post(client, "/api/v1/trust/transactions", body, "dis-1")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "trust_overdraft"
    assert refused.json()["error"]["fields"][0]["path"] == "amount_cents"
    # The client's money arrives meanwhile; the same key still answers what it answered.
    post(client, "/api/v1/trust/transactions", deposit(world, 900_000), "dep-2")
    again = post(client, "/api/v1/trust/transactions", body, "dis-1")
    assert again.status_code == 422 and again["Idempotent-Replayed"] == "true"
    assert not TrustTransaction.objects.filter(kind="disbursement").exists()


def test_the_same_key_with_another_amount_is_refused(cast, world):
    client = cast.client("staff")
    post(client, "/api/v1/trust/transactions", deposit(world, 10_000), "dep-x")
    response = post(client, "/api/v1/trust/transactions", deposit(world, 20_000), "dep-x")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert TrustLedger.objects.get(pk=world["ledger"]).balance_cents == 510_000


def test_a_retried_invoice_payment_is_recorded_once(cast, world):
    client = cast.client("staff")
    url = f"/api/v1/invoices/{world['sent']}/payments"
    body = {"amount_cents": 700, "received_on": TODAY().isoformat(), "method": "ach"}
    before = Payment.objects.count()
    assert post(client, url, body, "pay-1").status_code == 201
    assert post(client, url, body, "pay-1").status_code == 201
    assert Payment.objects.count() == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is PostgreSQL's")
def test_two_racing_retries_of_a_deposit_post_it_once(committed, cast):
    world = money_world(cast)
    barrier, results = threading.Barrier(2), []
    before = TrustTransaction.objects.count()

    def call():
        client = Client()
        client.force_login(cast.staff)
        barrier.wait()
        try:
            results.append(post(client, "/api/v1/trust/transactions", deposit(world), "race-9"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in results) == [201, 201]
    assert results[0].json() == results[1].json()
    assert TrustTransaction.objects.count() == before + 1
    assert TrustLedger.objects.get(pk=world["ledger"]).balance_cents == 510_000
