"""The telephony webhook: signed per firm (HMAC-SHA256 over timestamp + "." + body), refusing bad
or missing signatures, stale timestamps and (harmlessly) replays; JSON and the form-encoded shape
of Twilio-like providers both write the call's one log entry, which is also the entry the
receptionist completes."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, connection

from counselbench.intake.models import CallEvent, IntakeProfile, ReceptionEntry
from counselbench.intake.services import reception, webhook

URL = "/api/v1/intake/call-events?firm=our-firm"


def secret(cast) -> str:
    return IntakeProfile.objects.get(organization=cast.firm).webhook_secret


def send(client, cast, body, *, form=False, timestamp=None, signature=None, url=URL, **headers):
    raw = (urlencode(body) if form else json.dumps(body)).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    sig = signature if signature is not None else webhook.sign(secret(cast), stamp, raw)
    extra = {"HTTP_X_COUNSELBENCH_TIMESTAMP": stamp}
    if sig:
        extra["HTTP_X_COUNSELBENCH_SIGNATURE"] = sig
    extra.update(headers)
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    return client.post(url, data=raw, content_type=content_type, **extra)


def event(kind="call.started", event_id="ev-1", call_id="CA100", **extra):
    return {
        "event_id": event_id,
        "call_id": call_id,
        "type": kind,
        "from": "+15125550147",
        "to": "+15125550100",
        "caller_name": "ROSA DELGADO",
        "occurred_at": "2026-03-02T15:04:05Z",
        **extra,
    }


@pytest.fixture
def phone(cast, front_desk):
    return cast.client("anonymous")


def test_a_signed_call_started_event_makes_an_entry_in_progress(cast, phone):
    response = send(phone, cast, event())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["replayed"] is False
    entry = ReceptionEntry.objects.get()
    assert body["entry_id"] == entry.pk
    assert entry.external_id == "CA100" and entry.outcome == "in_progress"
    assert entry.number == "+15125550147" and entry.caller_name == "ROSA DELGADO"
    assert entry.organization == cast.firm
    assert CallEvent.objects.get().entry == entry


def test_call_ended_completes_the_same_entry(cast, phone):
    send(phone, cast, event())
    ended = event("call.ended", "ev-2", occurred_at="2026-03-02T15:09:05Z", duration_seconds=300)
    response = send(phone, cast, ended)
    assert response.status_code == 201 and response.json()["created"] is False
    entry = ReceptionEntry.objects.get()
    assert entry.duration_seconds == 300
    assert entry.ended_at.isoformat().startswith("2026-03-02T15:09")
    assert entry.outcome == "in_progress"  # the receptionist says how it went
    assert CallEvent.objects.count() == 2


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "deadbeef", "sha256=wrong"],
    ids=["missing", "zeros", "no-prefix", "garbage"],
)
def test_a_bad_or_missing_signature_is_401_and_nothing_is_stored(cast, phone, signature):
    response = send(phone, cast, event(), signature=signature)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "call_event_bad_signature"
    assert not ReceptionEntry.objects.exists() and not CallEvent.objects.exists()


def test_a_signature_made_with_another_secret_or_over_another_body_is_refused(cast, phone):
    raw = json.dumps(event()).encode()
    stamp = str(int(time.time()))
    forged = webhook.sign("not-the-secret", stamp, raw)
    assert send(phone, cast, event(), timestamp=stamp, signature=forged).status_code == 401
    other_body = webhook.sign(secret(cast), stamp, raw + b" ")
    assert send(phone, cast, event(), timestamp=stamp, signature=other_body).status_code == 401
    # The timestamp is signed too: a new timestamp on an old signature fails.
    good = webhook.sign(secret(cast), stamp, raw)
    assert send(phone, cast, event(), timestamp=int(stamp) + 1, signature=good).status_code == 401
    assert not CallEvent.objects.exists()


def test_an_unknown_firm_looks_like_a_bad_signature(cast, phone):
    response = send(phone, cast, event(), url="/api/v1/intake/call-events?firm=no-such-firm")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "call_event_bad_signature"
    assert send(phone, cast, event(), url="/api/v1/intake/call-events").status_code == 401


def test_another_firms_secret_does_not_open_our_webhook(cast, phone):
    theirs = IntakeProfile.objects.create(organization=cast.other_firm)
    raw = json.dumps(event()).encode()
    stamp = str(int(time.time()))
    signature = webhook.sign(theirs.webhook_secret, stamp, raw)
    assert send(phone, cast, event(), timestamp=stamp, signature=signature).status_code == 401


def test_an_old_timestamp_is_refused_even_when_correctly_signed(cast, phone, settings):
    settings.CALL_EVENT_WINDOW_SECONDS = 300
    stale = int(time.time()) - 301
    response = send(phone, cast, event(), timestamp=stale)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "call_event_stale"
    future = int(time.time()) + 360  # a margin: a slow request must not age it into the window
    assert send(phone, cast, event(), timestamp=future).status_code == 401
    assert not CallEvent.objects.exists() and not ReceptionEntry.objects.exists()


def test_a_replayed_event_id_answers_the_first_result_and_changes_nothing(cast, phone):
    first = send(phone, cast, event())
    entry = ReceptionEntry.objects.get()
    reception.update_entry(
        cast.actor("contractor"), entry_id=entry.pk, data={"caller_name": "Rosa Delgado"}
    )
    again = send(phone, cast, event(caller_name="SOMEONE ELSE"))
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False, "replayed": True}
    assert CallEvent.objects.count() == 1 and ReceptionEntry.objects.count() == 1
    entry.refresh_from_db()
    assert entry.caller_name == "Rosa Delgado"


def test_a_concurrent_duplicate_rolls_back_and_answers_as_a_replay(cast, phone, monkeypatch):
    """Two deliveries of one event racing: the second's insert of the event id fails on the
    unique constraint; everything it did is rolled back and it answers like a replay."""
    send(phone, cast, event())
    real = webhook._replay
    calls = []

    def not_seen_yet(firm, ev):  # the racing request's first look, before the other committed
        calls.append(1)
        return None if len(calls) == 1 else real(firm, ev)

    monkeypatch.setattr(webhook, "_replay", not_seen_yet)
    response = send(phone, cast, event(kind="call.missed"))
    assert response.status_code == 200 and response.json()["replayed"] is True
    entry = ReceptionEntry.objects.get()
    assert entry.outcome == "in_progress"  # the duplicate's "missed" was rolled back
    assert CallEvent.objects.count() == 1


def test_the_event_id_is_unique_per_firm_in_the_database(cast, front_desk):
    from django.utils import timezone

    CallEvent.objects.create(
        organization=cast.firm,
        event_id="x",
        call_id="c",
        kind="call.started",
        occurred_at=timezone.now(),
    )
    with pytest.raises(IntegrityError):
        CallEvent.objects.create(
            organization=cast.firm,
            event_id="x",
            call_id="c",
            kind="call.ended",
            occurred_at=timezone.now(),
        )


def test_the_form_encoded_shape_of_twilio_like_providers(cast, phone):
    ringing = {
        "CallSid": "CA9f2",
        "From": "+15125550147",
        "To": "+15125550100",
        "CallStatus": "ringing",
        "CallerName": "DELGADO ROSA",
        "Timestamp": "Mon, 02 Mar 2026 15:04:05 +0000",
    }
    response = send(phone, cast, ringing, form=True)
    assert response.status_code == 201, response.content
    assert response.json()["event_id"] == "CA9f2:ringing"
    entry = ReceptionEntry.objects.get()
    assert entry.external_id == "CA9f2"
    assert entry.started_at.isoformat().startswith("2026-03-02T15:04")
    completed = {**ringing, "CallStatus": "completed", "CallDuration": "42"}
    assert send(phone, cast, completed, form=True).status_code == 201
    entry.refresh_from_db()
    assert entry.duration_seconds == 42 and entry.outcome == "in_progress"
    assert ReceptionEntry.objects.count() == 1
    # A provider retry of the same status is a replay.
    assert send(phone, cast, completed, form=True).status_code == 200


def test_a_provider_event_id_header_names_the_form_event(cast, phone):
    body = {"CallSid": "CA1", "CallStatus": "no-answer", "From": "5125550147"}
    response = send(phone, cast, body, form=True, HTTP_X_COUNSELBENCH_EVENT_ID="evt-77")
    assert response.json()["event_id"] == "evt-77"
    entry = ReceptionEntry.objects.get()
    assert entry.outcome == "missed" and entry.number == "+15125550147"


def test_json_and_form_events_of_one_call_write_one_entry(cast, phone):
    send(phone, cast, event(call_id="CA5"))
    send(phone, cast, {"CallSid": "CA5", "CallStatus": "busy"}, form=True)
    (entry,) = ReceptionEntry.objects.all()
    assert entry.outcome == "missed" and CallEvent.objects.count() == 2


def test_the_webhook_and_the_receptionist_write_one_entry_webhook_first(cast, phone):
    send(phone, cast, event(call_id="CA42"))
    client = cast.client("contractor")
    log_page = client.get("/reception/")
    assert b"Calls in progress" in log_page.content and b"CA42" in log_page.content
    response = client.post(
        "/api/v1/reception/log",
        data={
            "call_id": "CA42",
            "caller_name": "Rosa Delgado",
            "reason": "Car accident",
            "message": "Wants a consultation this week.",
            "outcome": "message_taken",
            "for_user_id": cast.attorney.pk,
            "language": "es",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    send(phone, cast, event("call.ended", "ev-end", call_id="CA42", duration_seconds=95))
    (entry,) = ReceptionEntry.objects.all()
    assert response.json()["id"] == entry.pk
    assert entry.caller_name == "Rosa Delgado" and entry.number == "+15125550147"
    assert entry.outcome == "message_taken" and entry.duration_seconds == 95
    assert entry.logged_by == cast.contractor and entry.messages.count() == 1


def test_the_webhook_and_the_receptionist_write_one_entry_receptionist_first(cast, phone):
    logged = reception.log_entry(
        cast.actor("contractor"),
        data={"external_id": "CA43", "caller_name": "Ben Ortiz", "outcome": "transferred"},
    )
    response = send(phone, cast, event(call_id="CA43"))
    assert response.status_code == 201 and response.json()["entry_id"] == logged.pk
    assert response.json()["created"] is False
    send(phone, cast, event("call.missed", "ev-m", call_id="CA43"))
    (entry,) = ReceptionEntry.objects.all()
    # The receptionist's outcome stands; the provider's number fills the blank.
    assert entry.outcome == "transferred" and entry.caller_name == "Ben Ortiz"
    assert entry.number == "+15125550147"


def test_the_receptionist_completes_the_webhook_entry_on_its_page(cast, phone):
    send(phone, cast, event(call_id="CA50"))
    entry = ReceptionEntry.objects.get()
    client = cast.client("contractor")
    assert client.get(f"/reception/{entry.pk}/").status_code == 200
    response = client.post(
        f"/reception/{entry.pk}/",
        {
            "caller_name": "Rosa Delgado",
            "number": "+15125550147",
            "reason": "Lease dispute",
            "message": "",
            "urgency": "normal",
            "language": "en",
            "outcome": "appointment_booked",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "appointment_booked" and entry.reason == "Lease dispute"


def test_an_invalid_but_signed_event_names_its_fields_and_stores_nothing(cast, phone):
    response = send(phone, cast, {"event_id": "e", "type": "call.exploded", "from": "x"})
    assert response.status_code == 422
    paths = {f["path"] for f in response.json()["error"]["fields"]}
    assert {"type", "call_id"} <= paths
    bad_time = send(phone, cast, event(occurred_at="yesterday-ish", duration_seconds=-5))
    assert {f["path"] for f in bad_time.json()["error"]["fields"]} == {
        "occurred_at",
        "duration_seconds",
    }
    assert not CallEvent.objects.exists() and not ReceptionEntry.objects.exists()


def test_an_oversized_body_is_refused(cast, phone):
    response = send(phone, cast, event(caller_name="x" * (webhook.MAX_BODY_BYTES + 1)))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not CallEvent.objects.exists()


def test_the_webhook_needs_no_session_and_no_csrf_token(cast, front_desk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert send(strict, cast, event()).status_code == 201


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_concurrent_deliveries_of_one_call_write_one_entry_and_one_event(committed):
    """Eight deliveries at once, half of one event and half of another event of the same call:
    the unique constraints leave one entry and two stored events."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.factories import OrganizationFactory

    firm = OrganizationFactory(name="Race Firm", slug="race-firm")
    profile = IntakeProfile.objects.create(organization=firm)
    bodies = [
        json.dumps(event(event_id=f"ev-{n % 2}", call_id="CA-race")).encode() for n in range(8)
    ]
    barrier = threading.Barrier(len(bodies))

    def deliver(raw: bytes):
        try:
            stamp = str(int(time.time()))
            barrier.wait(timeout=10)
            return webhook.receive_call_event(
                firm_slug="race-firm",
                headers={
                    webhook.TIMESTAMP_HEADER: stamp,
                    webhook.SIGNATURE_HEADER: webhook.sign(profile.webhook_secret, stamp, raw),
                },
                body=raw,
                content_type="application/json",
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(len(bodies)) as pool:
        results = list(pool.map(deliver, bodies))
    assert ReceptionEntry.objects.filter(organization=firm).count() == 1
    assert CallEvent.objects.filter(organization=firm).count() == 2
    assert sum(not r.replayed for r in results) == 2
    assert len({r.entry_id for r in results}) == 1
