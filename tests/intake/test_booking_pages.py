"""The booking pages: a prospect books on the public page (times in their zone, the lead's
details prefilled), sees the confirmation, cancels through the link; the firm edits an attorney's
week, time away and consultation types, and the front desk lists, cancels and books for a caller."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from counselbench.intake.models import (
    Appointment,
    Availability,
    AvailabilityException,
    ConsultationType,
    IntakeRefusal,
    Lead,
)
from tests.intake.matrix_booking import CHICAGO, booking_world
from tests.intake.world import shown_form_token

CHI = ZoneInfo(CHICAGO)


@pytest.fixture
def world(cast):
    return booking_world(cast)


def book_page(client, data: dict):
    """Post the public booking form as a person's browser does (with the form's shown time)."""
    return client.post("/book/our-firm/", {"ts": shown_form_token("our-firm"), **data})


def slot(cast, world, hour=14, minute=0, attorney=None):
    starts = dt.datetime.combine(world["monday"], dt.time(hour, minute), tzinfo=CHI)
    return f"{(attorney or cast.attorney).pk}@{starts.astimezone(dt.UTC).isoformat()}", starts


def test_the_page_lists_types_then_days_then_times_in_the_visitors_zone(client, cast, world):
    page = client.get("/book/our-firm/").content.decode()
    assert "Initial consultation" in page and "Case review" in page
    page = client.get(
        f"/book/our-firm/?type={world['initial']}&tz=America/New_York&day={world['monday']}"
    ).content.decode()
    # 9:00 in Chicago is 10:00 in New York; the page says which zone it shows.
    assert 'value="America/New_York" selected' in page
    nine = dt.datetime.combine(world["monday"], dt.time(9), tzinfo=CHI).astimezone(dt.UTC)
    assert f'@{nine.isoformat()}"' in page  # whoever is free first
    assert ">10 a.m.</label>" in page
    assert "intake/booking.js" not in page  # zone given: no detection


def test_without_a_zone_the_page_detects_the_browsers(client, world):
    page = client.get(f"/book/our-firm/?type={world['initial']}").content.decode()
    assert "intake/booking.js" in page  # Intl.DateTimeFormat().resolvedOptions().timeZone


def test_booking_on_the_page_confirms_and_links_to_cancel(client, cast, world):
    value, starts = slot(cast, world)
    response = book_page(
        client,
        {
            "type": world["initial"],
            "tz": CHICAGO,
            "slot": value,
            "name": "Ana Torres",
            "email": "ana@example.com",
            "phone": "512-555-0100",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(starts_at=starts)
    assert response["Location"].startswith(f"/book/our-firm/booked/{appointment.cancel_token}/")
    page = client.get(response["Location"]).content.decode()
    assert "Your consultation is booked" in page and "ana@example.com" in page


def test_a_taken_time_says_so_and_books_nothing(client, cast, world):
    taken = Appointment.objects.get(pk=world["appointment"])
    response = book_page(
        client,
        {
            "type": world["initial"],
            "tz": CHICAGO,
            "slot": f"{cast.attorney.pk}@{taken.starts_at.isoformat()}",
            "name": "Ana",
            "email": "ana@example.com",
        },
    )
    assert response.status_code == 409
    assert "That time was just taken" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_field_errors_are_shown_next_to_the_fields(client, cast, world):
    value, starts = slot(cast, world)
    response = book_page(
        client,
        {"type": world["initial"], "tz": CHICAGO, "slot": value, "name": "", "email": "bad"},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="name-error"' in page and 'id="email-error"' in page
    assert not Appointment.objects.filter(starts_at=starts).exists()


def test_a_lead_link_prefills_and_moves_the_lead(client, cast, world):
    lead = Lead.objects.create(
        organization=cast.firm,
        practice_area="family",
        name="Lucía Fernández",
        email="lucia@example.com",
        language="es",
    )
    page = client.get(f"/book/our-firm/?lead={lead.token}&type={world['initial']}&tz={CHICAGO}")
    assert 'value="Lucía Fernández"' in page.content.decode()
    value, _starts = slot(cast, world, 15)
    book_page(
        client,
        {
            "type": world["initial"],
            "tz": CHICAGO,
            "slot": value,
            "lead": lead.token,
            "name": "Lucía Fernández",
            "email": "lucia@example.com",
        },
    )
    lead.refresh_from_db()
    assert lead.stage == "consult_booked" and lead.appointments.count() == 1


def test_cancel_link_shows_then_cancels(client, world):
    url = f"/book/cancel/{world['cancel_token']}/"
    page = client.get(url).content.decode()
    assert "Cancelar la consulta" in page  # Rosa booked in Spanish: her link speaks Spanish
    assert client.post(url).status_code == 200
    assert Appointment.objects.get(pk=world["appointment"]).state == "cancelled"
    assert client.get("/book/cancel/nope/").status_code == 404


def test_an_unknown_firm_is_404(client, db):
    assert client.get("/book/no-such-firm/").status_code == 404


def test_attorney_saves_their_week(cast, world):
    client = cast.client("attorney")
    response = client.post(
        "/booking/availability/week/", {"day0": "9:00-12:00, 13:00–17:00", "day3": "10-14"}
    )
    assert response.status_code == 302
    rows = Availability.objects.filter(attorney=cast.attorney).values_list("weekday", "starts")
    assert list(rows) == [(0, dt.time(9)), (0, dt.time(13)), (3, dt.time(10))]


def test_a_bad_week_is_refused_with_the_days_message(cast, world):
    client = cast.client("attorney")
    response = client.post("/booking/availability/week/", {"day1": "9-12, 11-13", "day2": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "is not a range" in page
    assert Availability.objects.filter(attorney=cast.attorney).count() == 5  # unchanged


def test_time_away_added_and_removed(cast, world):
    client = cast.client("attorney")
    client.post(
        "/booking/availability/exceptions/",
        {"day": str(world["monday"] + dt.timedelta(days=1)), "note": "Mediation"},
    )
    added = AvailabilityException.objects.get(note="Mediation")
    assert added.ends_at - added.starts_at == dt.timedelta(days=1)
    client.post(f"/booking/availability/exceptions/{added.pk}/remove/")
    assert not AvailabilityException.objects.filter(pk=added.pk).exists()


def test_owner_adds_and_stops_offering_a_type(cast, world):
    client = cast.client("owner")
    client.post(
        "/booking/consultation-types/",
        {"name_en": "Quick call", "name_es": "Llamada breve", "minutes": "15"},
    )
    quick = ConsultationType.objects.get(name_en="Quick call")
    client.post(f"/booking/consultation-types/{quick.pk}/toggle/")
    quick.refresh_from_db()
    assert not quick.active
    assert "Quick call" not in cast.client("anonymous").get("/book/our-firm/").content.decode()


def test_front_desk_sees_cancels_and_books(cast, world):
    desk = cast.client("contractor")
    page = desk.get("/booking/appointments/").content.decode()
    assert "Rosa Delgado" in page
    desk.post(f"/booking/appointments/{world['appointment']}/cancel/")
    assert Appointment.objects.get(pk=world["appointment"]).state == "cancelled"
    value, starts = slot(cast, world, 11, attorney=cast.owner)
    form = desk.get(
        f"/booking/appointments/new/?type={world['initial']}&day={world['monday']}&tz={CHICAGO}"
    )
    assert value in form.content.decode()
    response = desk.post(
        "/booking/appointments/new/",
        {
            "type": world["initial"],
            "day": str(world["monday"]),
            "tz": CHICAGO,
            "slot": value,
            "name": "Caller Dos",
            "phone": "512 555 0123",
            "language": "es",
        },
    )
    assert response.status_code == 302
    booked = Appointment.objects.get(starts_at=starts, state="booked")
    assert booked.attorney == cast.owner and booked.language == "es"


def _booking_form(cast, world, **overrides):
    value, starts = slot(cast, world)
    data = {
        "type": world["initial"],
        "tz": CHICAGO,
        "slot": value,
        "name": "Bot Booker",
        "email": "bot@example.com",
        "ts": shown_form_token("our-firm"),
        **overrides,
    }
    return data, starts


def test_the_booking_form_carries_the_intake_pages_defenses(client, world):
    page = client.get(
        f"/book/our-firm/?type={world['initial']}&tz={CHICAGO}&day={world['monday']}"
    ).content.decode()
    trap = re.search(r'<div class="intake-trap" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap is not None and 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1)
    assert re.search(r'<input type="hidden" name="ts" value="[^"]+">', page)


def test_a_filled_honeypot_or_an_oversized_booking_books_nothing_and_is_counted(
    client, cast, world
):
    data, starts = _booking_form(cast, world, website="http://spam.example")
    response = client.post("/book/our-firm/", data)
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert not Appointment.objects.filter(starts_at=starts).exists()
    refusal = IntakeRefusal.objects.get(organization=cast.firm, reason="honeypot")
    assert refusal.count == 1 and refusal.last_name_given == "Bot Booker"
    huge = client.post("/book/our-firm/", {**data, "website": "", "email": "x" * 40_000})
    assert huge.status_code == 413
    assert IntakeRefusal.objects.get(reason="too_large").count == 1
    assert not Appointment.objects.filter(starts_at=starts).exists()


def test_a_booking_sent_faster_than_a_person_can_is_refused_and_shown_again(
    client, cast, world, settings
):
    settings.INTAKE_MIN_FILL_SECONDS = 3
    data, starts = _booking_form(cast, world, ts=shown_form_token("our-firm", seconds_ago=0.5))
    response = client.post("/book/our-firm/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please take a moment to check your answers" in page
    assert 'value="Bot Booker"' in page  # what they typed is kept
    assert client.post("/book/our-firm/", {**data, "ts": "forged"}).status_code == 400
    assert not Appointment.objects.filter(starts_at=starts).exists()
    assert IntakeRefusal.objects.get(reason="too_fast").count == 2
    # A person who took their time books.
    assert (
        client.post("/book/our-firm/", {**data, "ts": shown_form_token("our-firm", 5)}).status_code
        == 302
    )


def test_too_many_bookings_from_one_address_answer_429_and_are_counted(
    client, cast, world, settings
):
    settings.INTAKE_RATE_IP = "2/h"
    for _ in range(2):  # e.g. a time just taken, then a field error
        data, _starts = _booking_form(cast, world, email="not-an-email")
        assert client.post("/book/our-firm/", data).status_code == 422
    data, starts = _booking_form(cast, world)
    response = client.post("/book/our-firm/", data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'href="/book/our-firm/?lang=en"' in response.content.decode()
    assert IntakeRefusal.objects.get(reason="rate_limit_ip").count == 1
    assert not Appointment.objects.filter(starts_at=starts).exists()
