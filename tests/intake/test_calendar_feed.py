"""The attorney's iCalendar feed: a secret URL, no login; one VEVENT per appointment of theirs at
this firm (cancelled ones as STATUS:CANCELLED), nobody else's; a reset link retires the old one."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from counselbench.intake.models import Appointment, CalendarFeed, Lead
from counselbench.intake.services import booking
from tests.intake.matrix_booking import booking_world


@pytest.fixture
def world(cast):
    return booking_world(cast)


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def other_appointment(cast, world, **fields):
    base = Appointment.objects.get(pk=world["appointment"])
    start = base.starts_at + dt.timedelta(days=1)
    values = {
        "organization": cast.firm,
        "attorney": cast.owner,
        "consultation_type_id": world["initial"],
        "starts_at": start,
        "ends_at": start + dt.timedelta(minutes=30),
        "name": "Owner's prospect",
        "email": "x@example.com",
        "time_zone": "America/Chicago",
    }
    return Appointment.objects.create(**{**values, **fields})


def test_the_feed_holds_the_attorneys_appointment(client, cast, world):
    other_appointment(cast, world)  # the owner's: not in the attorney's feed
    (event,) = events(client.get(f"/calendar/{world['feed_token']}.ics"))
    appointment = Appointment.objects.get(pk=world["appointment"])
    assert str(event["summary"]) == "Consultation: Rosa Delgado (Initial consultation)"
    assert str(event["uid"]) == f"appointment-{appointment.pk}@counselbench"
    assert event.decoded("dtstart") == appointment.starts_at
    assert event["sequence"] == 0 and "dtstamp" in event
    assert str(event["status"]) == "CONFIRMED"
    assert "+15125550142" in str(event["description"])


def test_the_feed_leaves_out_the_prospects_story(client, cast, world):
    lead = Lead.objects.create(
        organization=cast.firm,
        practice_area="family",
        name="Rosa Delgado",
        summary="My husband hid the savings account",
        answers={"kids": "two"},
    )
    Appointment.objects.filter(pk=world["appointment"]).update(lead=lead)
    body = client.get(f"/calendar/{world['feed_token']}.ics").content.decode()
    assert "savings" not in body and "kids" not in body


def test_a_cancelled_appointment_stays_as_cancelled_with_a_new_sequence(client, cast, world):
    appointment = Appointment.objects.get(pk=world["appointment"])
    booking.cancel_by_token(token=appointment.cancel_token)
    (event,) = events(client.get(f"/calendar/{world['feed_token']}.ics"))
    assert str(event["status"]) == "CANCELLED" and event["sequence"] == 1
    Appointment.objects.filter(pk=appointment.pk).update(
        cancelled_at=appointment.starts_at - dt.timedelta(days=40)
    )
    assert events(client.get(f"/calendar/{world['feed_token']}.ics")) == []


def test_other_firms_appointments_never_show(client, cast, world):
    from counselbench.intake.models import ConsultationType
    from tests.factories import MembershipFactory

    MembershipFactory(organization=cast.other_firm, user=cast.attorney, role="attorney")
    kind = ConsultationType.objects.create(
        organization=cast.other_firm, name_en="Other", name_es="Otra", minutes=30
    )
    other_appointment(
        cast,
        world,
        organization=cast.other_firm,
        attorney=cast.attorney,
        consultation_type=kind,
        name="Not ours",
    )
    names = [str(e["summary"]) for e in events(client.get(f"/calendar/{world['feed_token']}.ics"))]
    assert names == ["Consultation: Rosa Delgado (Initial consultation)"]


def test_a_wrong_token_is_404(client, world):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_resetting_the_link_retires_the_old_one(client, cast, world):
    old = world["feed_token"]
    response = cast.client("attorney").post("/booking/availability/feed/reset/")
    assert response.status_code == 302
    new = CalendarFeed.objects.get(attorney=cast.attorney).token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_the_availability_page_shows_the_subscribe_links(cast, world):
    page = cast.client("attorney").get("/booking/availability/").content.decode()
    assert f"/calendar/{world['feed_token']}.ics" in page
    assert "webcal://" in page and "Subscribe in your calendar app" in page
    staff_page = cast.client("staff").get("/booking/availability/").content.decode()
    assert world["feed_token"] not in staff_page
