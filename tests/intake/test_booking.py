"""Booking: free slots respect weekly hours, time away, bookings, notice, DST and the prospect's
zone; booking outside them is refused; cancelling frees the slot; the emails (Spanish for a Spanish
booking, .ics attached) and the reminder (once); a lead moves to 'consult booked'."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from counselbench.core.errors import Invalid, RuleViolation
from counselbench.intake.models import (
    Appointment,
    Availability,
    ConsultationType,
    Lead,
    LeadEvent,
)
from counselbench.intake.services import booking
from tests.intake.matrix_booking import CHICAGO, booking_world, next_monday

CHI = ZoneInfo(CHICAGO)


@pytest.fixture
def world(cast):
    return booking_world(cast)


def at(day: dt.date, hour: int, minute: int = 0, tz=CHI) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def slots(cast, world, *, kind="initial", attorney=None, day=None, days=1, tz=CHICAGO, now=None):
    return booking.free_slots(
        organization=cast.firm,
        consultation_type=ConsultationType.objects.get(pk=world[kind]),
        attorney=attorney,
        start_day=day or world["monday"],
        days=days,
        tz=tz,
        now=now,
    )


def book(cast, world, starts, **extra):
    values = {
        "organization": cast.firm,
        "consultation_type_id": world["initial"],
        "attorney_id": cast.attorney.pk,
        "starts_at": starts,
        "name": "Ana Torres",
        "email": "ana@example.com",
        "phone": "(512) 555-0199",
        "time_zone": CHICAGO,
        "language": "en",
    }
    return booking.book(**{**values, **extra})


def test_slots_lie_inside_weekly_hours_on_a_half_hour_grid(cast, world):
    found = slots(cast, world, attorney=cast.attorney)
    local = [s.local_start.strftime("%H:%M") for s in found]
    assert local[0] == "09:00" and local[-1] == "16:30"
    assert "10:00" not in local  # booked (Rosa Delgado)
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in found)


def test_an_hour_long_type_does_not_overlap_a_booking_or_run_past_closing(cast, world):
    found = slots(cast, world, kind="review", attorney=cast.attorney)
    local = [s.local_start.strftime("%H:%M") for s in found]
    assert "09:30" not in local and "10:00" not in local  # would overlap 10:00–10:30
    assert "09:00" in local and "10:30" in local
    assert local[-1] == "16:00"


def test_time_away_removes_slots(cast, world):
    wednesday = world["monday"] + dt.timedelta(days=2)
    assert slots(cast, world, attorney=cast.attorney, day=wednesday) == []
    assert slots(cast, world, attorney=cast.owner, day=wednesday)  # the owner is in


def test_no_slot_inside_the_minimum_notice_or_in_the_past(cast, world):
    monday = world["monday"]
    now = at(monday, 10, 15)
    local = [s.local_start.strftime("%H:%M") for s in slots(cast, world, now=now)]
    assert local[0] == "12:30"  # 10:15 + 2 hours, on the grid


def test_slots_are_shown_in_the_prospects_zone(cast, world):
    found = slots(cast, world, attorney=cast.attorney, tz="America/Los_Angeles")
    # 9:00 in Chicago is 7:00 in Los Angeles; the Pacific day starts two hours later.
    assert found[0].local_start.strftime("%H:%M") == "07:00"
    assert found[0].local_start.utcoffset() in (dt.timedelta(hours=-8), dt.timedelta(hours=-7))


def test_slots_keep_wall_clock_hours_across_the_november_change(cast, world):
    # US clocks fall back on Sunday 1 November 2026: Friday 30 Oct is CDT, Monday 2 Nov is CST.
    now = at(dt.date(2026, 10, 20), 8)
    friday = slots(cast, world, attorney=cast.owner, day=dt.date(2026, 10, 30), now=now)
    monday = slots(cast, world, attorney=cast.owner, day=dt.date(2026, 11, 2), now=now)
    assert friday[0].starts_at == dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.UTC)
    assert monday[0].starts_at == dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    assert friday[0].local_start.hour == monday[0].local_start.hour == 9
    # Seen from UTC the firm's day moves an hour; seen from Chicago it does not.
    both = slots(cast, world, attorney=cast.owner, day=dt.date(2026, 10, 30), days=4, now=now)
    assert {s.local_start.strftime("%H:%M") for s in both} == {
        f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)
    }


def test_slots_across_the_march_change_seen_from_a_zone_without_dst(cast, world):
    # 14 March 2027: Chicago springs forward; Phoenix does not change.
    now = at(dt.date(2027, 3, 1), 8)
    friday = slots(
        cast, world, attorney=cast.owner, day=dt.date(2027, 3, 12), now=now, tz="America/Phoenix"
    )
    monday = slots(
        cast, world, attorney=cast.owner, day=dt.date(2027, 3, 15), now=now, tz="America/Phoenix"
    )
    assert friday[0].local_start.strftime("%H:%M") == "08:00"  # CST is Phoenix + 1
    assert monday[0].local_start.strftime("%H:%M") == "07:00"  # CDT is Phoenix + 2


def test_an_invalid_time_zone_is_a_field_error(cast, world):
    with pytest.raises(Invalid) as refused:
        slots(cast, world, tz="Mars/Olympus_Mons")
    assert refused.value.fields[0].path == "time_zone"


def test_booking_a_free_slot(cast, world, django_capture_on_commit_callbacks):
    starts = at(world["monday"], 14)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(cast, world, starts)
    assert appointment.state == "booked" and appointment.phone == "+15125550199"
    assert appointment.ends_at == starts + dt.timedelta(minutes=30)
    assert starts not in {s.starts_at for s in slots(cast, world, attorney=cast.attorney)}
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["ana@example.com", "attorney@our.example"]


def test_booking_a_taken_slot_is_refused_and_changes_nothing(cast, world):
    before = Appointment.objects.count()
    with pytest.raises(RuleViolation) as refused:
        book(cast, world, at(world["monday"], 10))
    assert refused.value.code == "slot_taken"
    assert Appointment.objects.count() == before


def test_booking_an_overlapping_longer_slot_is_refused(cast, world):
    with pytest.raises(RuleViolation) as refused:
        book(cast, world, at(world["monday"], 9, 30), consultation_type_id=world["review"])
    assert refused.value.code == "slot_taken"


@pytest.mark.parametrize(
    "when",
    [
        lambda w: at(w["monday"], 8),  # before hours
        lambda w: at(w["monday"], 16, 45),  # off the grid and past closing
        lambda w: at(w["monday"] + dt.timedelta(days=2), 11),  # the hearing
        lambda w: at(w["monday"] + dt.timedelta(days=5), 11),  # Saturday
        lambda w: timezone.now() + dt.timedelta(minutes=30),  # inside the notice
        lambda w: at(w["monday"] + dt.timedelta(days=60), 11),  # beyond the horizon
    ],
)
def test_booking_outside_free_slots_is_refused(cast, world, when):
    with pytest.raises(RuleViolation) as refused:
        book(cast, world, when(world))
    assert refused.value.code == "slot_unavailable"


def test_bad_contact_details_are_field_errors_in_the_visitors_language(cast, world):
    from django.utils import translation

    with translation.override("es"), pytest.raises(Invalid) as refused:
        book(cast, world, at(world["monday"], 14), name="", email="nope", phone="12")
    fields = {f.path: f.message for f in refused.value.fields}
    assert set(fields) == {"name", "email", "phone"}
    assert fields["email"] == "Ingrese un correo electrónico válido."
    assert not Appointment.objects.filter(starts_at=at(world["monday"], 14)).exists()


def test_cancelling_frees_the_slot_and_emails_both(cast, world, django_capture_on_commit_callbacks):
    appointment = Appointment.objects.get(pk=world["appointment"])
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = booking.cancel_by_token(token=appointment.cancel_token)
    assert cancelled.state == "cancelled" and cancelled.sequence == 1
    assert at(world["monday"], 10) in {
        s.starts_at for s in slots(cast, world, attorney=cast.attorney)
    }
    assert {m.to[0] for m in mail.outbox} == {"rosa@example.com", "attorney@our.example"}
    spanish = next(m for m in mail.outbox if m.to == ["rosa@example.com"])
    assert "cancelada" in spanish.subject
    with pytest.raises(RuleViolation) as again:
        booking.cancel_by_token(token=appointment.cancel_token)
    assert again.value.code == "appointment_cancelled"
    # The freed time can be booked again (the partial unique index counts booked rows only).
    assert book(cast, world, at(world["monday"], 10)).state == "booked"


def test_spanish_confirmation_with_ics(cast, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(
            cast, world, at(world["monday"], 15), language="es", time_zone="America/Mexico_City"
        )
    email = next(m for m in mail.outbox if m.to == ["ana@example.com"])
    assert email.subject.startswith("Su consulta con Whitfield & Moreno LLP")
    assert "lunes" in email.body and "Consulta inicial" in email.body
    assert appointment.cancel_token in email.body and "/book/cancel/" in email.body
    name, content, mimetype = email.attachments[0]
    assert name == "consultation.ics" and mimetype.startswith("text/calendar")
    event = next(iter(Calendar.from_ical(content).walk("VEVENT")))
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event["uid"]) == f"appointment-{appointment.pk}@counselbench"
    attorney_email = next(m for m in mail.outbox if m.to == ["attorney@our.example"])
    assert "booked a consultation with you" in attorney_email.body


def test_reminder_is_sent_once(cast, world):
    appointment = Appointment.objects.get(pk=world["appointment"])
    Appointment.objects.filter(pk=appointment.pk).update(
        created_at=appointment.starts_at - dt.timedelta(days=5)
    )
    now = appointment.starts_at - dt.timedelta(hours=20)
    assert booking.send_due_reminders(now=now) == 1
    assert booking.send_due_reminders(now=now + dt.timedelta(hours=1)) == 0
    (email,) = mail.outbox
    assert email.to == ["rosa@example.com"] and "Recordatorio" in email.subject
    assert Appointment.objects.get(pk=appointment.pk).reminder_sent_at == now


def test_no_reminder_before_the_window_or_for_a_late_booking(cast, world):
    appointment = Appointment.objects.get(pk=world["appointment"])
    assert booking.send_due_reminders(now=appointment.starts_at - dt.timedelta(days=3)) == 0
    # Booked 5 hours ahead: the confirmation is fresh, no reminder.
    Appointment.objects.filter(pk=appointment.pk).update(
        created_at=appointment.starts_at - dt.timedelta(hours=5)
    )
    assert booking.send_due_reminders(now=appointment.starts_at - dt.timedelta(hours=4)) == 0
    assert not mail.outbox


def test_booking_with_a_lead_token_links_and_moves_the_lead(cast, world):
    lead = Lead.objects.create(
        organization=cast.firm,
        practice_area="family",
        name="Lucía Fernández",
        email="lucia@example.com",
        phone="+15125550111",
        language="es",
    )
    appointment = book(
        cast, world, at(world["monday"], 11), name="", email="", phone="", lead_token=lead.token
    )
    lead.refresh_from_db()
    assert appointment.lead == lead and appointment.email == "lucia@example.com"
    assert lead.stage == "consult_booked"
    assert LeadEvent.objects.filter(lead=lead, to_stage="consult_booked").count() == 1
    assert lead.first_contact_at is None  # the prospect booking alone is not the firm's contact


def test_a_lead_already_retained_keeps_its_stage(cast, world):
    lead = Lead.objects.create(
        organization=cast.firm, practice_area="family", name="Paz", stage="retained"
    )
    book(cast, world, at(world["monday"], 11), lead_token=lead.token)
    lead.refresh_from_db()
    assert lead.stage == "retained"


def test_front_desk_books_for_a_caller_without_email(cast, world):
    appointment = booking.book_for_caller(
        cast.actor("contractor"),
        consultation_type_id=world["initial"],
        attorney_id=cast.owner.pk,
        starts_at=at(world["monday"], 9),
        name="Caller Uno",
        time_zone=CHICAGO,
    )
    assert appointment.organization == cast.firm and appointment.email == ""


def test_week_is_replaced_and_validated(cast, world):
    H = booking.WeeklyHours  # noqa: N806
    actor = cast.actor("attorney")
    booking.set_week(actor, attorney_id=cast.attorney.pk, hours=[H(1, dt.time(9), dt.time(12))])
    assert list(Availability.objects.filter(attorney=cast.attorney).values_list("weekday")) == [
        (1,)
    ]
    with pytest.raises(Invalid) as refused:
        booking.set_week(
            actor,
            attorney_id=cast.attorney.pk,
            hours=[
                H(2, dt.time(9), dt.time(12)),
                H(2, dt.time(11), dt.time(13)),
                H(3, dt.time(12), dt.time(9)),
            ],
        )
    assert {f.path for f in refused.value.fields} == {"hours.1.starts", "hours.2.ends"}
    assert Availability.objects.filter(attorney=cast.attorney).count() == 1


def test_weekly_hours_with_an_offset_are_a_field_error_not_a_crash(cast, world):
    # Found by the API fuzz: "07:29+02:03" next to a plain time made the overlap sort raise.
    before = list(Availability.objects.filter(attorney=cast.attorney).values_list("pk"))
    response = cast.client("attorney").put(
        "/api/v1/availability",
        {
            "hours": [
                {"weekday": 1, "starts": "07:30+02:00", "ends": "21:00"},
                {"weekday": 1, "starts": "08:00", "ends": "09:00"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "hours.0.starts"
    assert list(Availability.objects.filter(attorney=cast.attorney).values_list("pk")) == before


def test_staff_cannot_be_given_hours(cast, world):
    with pytest.raises(Invalid) as refused:
        booking.set_week(cast.actor("owner"), attorney_id=cast.staff.pk, hours=[])
    assert refused.value.fields[0].path == "attorney_id"


def test_api_week_and_slots_and_errors_with_paths(cast, world):
    client = cast.client("attorney")
    response = client.put(
        "/api/v1/availability",
        {"hours": [{"weekday": 0, "starts": "13:00", "ends": "12:00"}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "hours.0.ends"
    response = cast.client("staff").get(
        f"/api/v1/availability/slots?consultation_type_id={world['initial']}"
        f"&from={world['monday']}&days=1&tz=Nowhere/Land"
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "tz"


def test_api_books_and_a_second_booking_of_the_slot_is_409(cast, world):
    body = {
        "consultation_type_id": world["initial"],
        "attorney_id": cast.attorney.pk,
        "starts_at": at(world["monday"], 13).isoformat(),
        "name": "Marco Ruiz",
        "email": "marco@example.com",
        "time_zone": CHICAGO,
    }
    client = cast.client("staff")
    first = client.post("/api/v1/appointments", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["state"] == "booked"
    second = client.post("/api/v1/appointments", body, content_type="application/json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "slot_taken"
    cancel = client.post(f"/api/v1/appointments/{first.json()['id']}/cancel")
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"


def test_next_monday_is_outside_the_notice():
    assert next_monday() > timezone.localdate()
