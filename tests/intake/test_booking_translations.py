"""The public booking pages and the emails to prospects are completely Spanish for a Spanish
visitor: every state (choosing, field errors, a slot just taken, booked, the cancellation link
before and after) shows no English string of the catalogue (the check of test_translations)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from counselbench.intake.models import Appointment
from counselbench.intake.services import booking
from tests.intake.matrix_booking import CHICAGO, booking_world
from tests.intake.test_translations import ENGLISH_WORDS, _visible_text, catalogue
from tests.intake.world import shown_form_token


def _english() -> list[str]:
    return [
        e["msgid"]
        for e in catalogue()
        if e["msgid"] != e["msgstr"] and len(e["msgid"]) > 3 and "%(" not in e["msgid"]
    ]


@pytest.fixture
def pages(cast, django_capture_on_commit_callbacks):
    world = booking_world(cast)
    client = Client()
    url = "/book/our-firm/"
    kind = world["initial"]
    slot = dt.datetime.combine(world["monday"], dt.time(14), tzinfo=ZoneInfo(CHICAGO))
    value = f"{cast.attorney.pk}@{slot.isoformat()}"
    query = f"?type={kind}&tz={CHICAGO}&day={world['monday']}"
    good = {
        "type": kind,
        "tz": CHICAGO,
        "slot": value,
        "name": "Lucía Pérez",
        "email": "lucia@example.com",
        "ts": shown_form_token("our-firm"),
    }
    booked = Appointment.objects.get(pk=world["appointment"])
    taken = f"{cast.attorney.pk}@{booked.starts_at.isoformat()}"
    rendered = {
        "types": client.get(url + "?lang=es"),
        "times": client.get(url + query),
        "errors": client.post(url, {**good, "name": "", "email": "x", "phone": "1"}),
        "no time": client.post(url, {**good, "slot": ""}),
        "taken": client.post(url, {**good, "slot": taken}),
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, good)
    rendered["booked"] = client.get(done["Location"])
    token = Appointment.objects.get(starts_at=slot).cancel_token
    fresh = Client()  # the link from the email: no cookie, the appointment's language
    rendered["cancel link"] = fresh.get(f"/book/cancel/{token}/")
    with django_capture_on_commit_callbacks(execute=True):
        rendered["cancelled"] = fresh.post(f"/book/cancel/{token}/")
    rendered["cancel again"] = fresh.post(f"/book/cancel/{token}/")
    booking.send_due_reminders()
    return rendered


def test_every_booking_page_state_is_spanish(pages):
    statuses = {name: r.status_code for name, r in pages.items()}
    assert statuses == {
        "types": 200,
        "times": 200,
        "errors": 422,
        "no time": 422,
        "taken": 409,
        "booked": 200,
        "cancel link": 200,
        "cancelled": 200,
        "cancel again": 409,
    }
    english = _english()
    for name, response in pages.items():
        body = response.content.decode()
        assert '<html lang="es">' in body, name
        text = _visible_text(body)
        leaked = [m for m in english if m in text]
        assert not leaked, f"{name}: untranslated {leaked}"
        words = [w for w in ENGLISH_WORDS if w in text]
        assert not words, f"{name}: English words {words}"


def test_emails_to_a_spanish_prospect_are_spanish(pages):
    english = _english()
    to_prospect = [m for m in mail.outbox if m.to == ["lucia@example.com"]]
    assert len(to_prospect) == 2  # the confirmation and the cancellation
    for message in to_prospect:
        text = message.subject + "\n" + message.body
        leaked = [m for m in english if m in text]
        assert not leaked, f"{message.subject}: untranslated {leaked}"
        assert not [w for w in ENGLISH_WORDS if w in text and w != "Email"]
