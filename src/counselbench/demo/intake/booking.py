"""Demo booking for Whitfield & Moreno: weekly hours for Dana Whitfield, Luis Moreno and Priya
Shah (Austin, America/Chicago), two consultation types (30-minute initial consultation, 60-minute
case review, English and Spanish), a hearing day for Luis, ten consultations over the coming two
weeks (some for the demo leads whose stage is 'consult booked', some in Spanish), two of them
cancelled, and each attorney's calendar feed. Safe to run twice: the week and types are set, the
appointments are made only when the firm has none."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from counselbench.accounts.models import User
from counselbench.intake.models import (
    Appointment,
    AppointmentState,
    Availability,
    AvailabilityException,
    CalendarFeed,
    ConsultationType,
    Lead,
    LeadState,
)
from counselbench.intake.services import booking
from counselbench.organizations.models import Organization

DOMAIN = "@whitfieldmoreno.example"
# (attorney, [(weekdays, start, end)]): times in the firm's zone.
WEEKS = {
    "dana.whitfield": [((0, 2, 4), dt.time(9), dt.time(12))],
    "luis.moreno": [
        ((0, 1, 2, 3), dt.time(9), dt.time(12)),
        ((0, 1, 2, 3), dt.time(13, 30), dt.time(17)),
    ],
    "priya.shah": [((0, 1, 2, 3, 4), dt.time(10), dt.time(16))],
}
TYPES = [
    ("Initial consultation", "Consulta inicial", 30),
    ("Case review", "Revisión del caso", 60),
]
PROSPECTS = [
    ("Marisol Gutiérrez", "marisol.gutierrez@example.com", "+15125550131", "es"),
    ("Kevin Brandt", "kevin.brandt@example.com", "+15125550174", "en"),
    ("Alejandro Ríos", "alejandro.rios@example.com", "+17375550119", "es"),
    ("Tanya Whitaker", "tanya.whitaker@example.com", "+15125550102", "en"),
    ("Hoang Nguyen", "hoang.nguyen@example.com", "", "en"),
    ("Beatriz Salas", "beatriz.salas@example.com", "+12105550166", "es"),
    ("Owen McAllister", "owen.mcallister@example.com", "+15125550188", "en"),
    ("Carmen Olvera", "carmen.olvera@example.com", "+19155550143", "es"),
    ("Rachel Stein", "rachel.stein@example.com", "+15125550195", "en"),
    ("Diego Ferrer", "diego.ferrer@example.com", "+15125550127", "en"),
]
PROSPECT_ZONES = ["America/Chicago", "America/Chicago", "America/Denver", "America/Los_Angeles"]


def _person(local: str) -> User:
    return User.objects.get(email=local + DOMAIN)


def build(*, firm: Organization) -> None:
    people = {local: _person(local) for local in WEEKS}
    for local, spans in WEEKS.items():
        Availability.objects.filter(organization=firm, attorney=people[local]).delete()
        Availability.objects.bulk_create(
            Availability(
                organization=firm, attorney=people[local], weekday=day, starts=start, ends=end
            )
            for days, start, end in spans
            for day in days
        )
        CalendarFeed.objects.get_or_create(organization=firm, attorney=people[local])
    types = []
    for name_en, name_es, minutes in TYPES:
        kind, _created = ConsultationType.objects.update_or_create(
            organization=firm,
            name_en=name_en,
            defaults={"name_es": name_es, "minutes": minutes, "active": True},
        )
        types.append(kind)
    tz = booking.firm_zone(firm)
    today = timezone.now().astimezone(tz).date()
    hearing_day = today + dt.timedelta(days=(3 - today.weekday()) % 7 + 7)  # Thursday next week
    AvailabilityException.objects.get_or_create(
        organization=firm,
        attorney=people["luis.moreno"],
        note="Hearing, Travis County District Court",
        defaults={
            "starts_at": dt.datetime.combine(hearing_day, dt.time(0), tzinfo=tz),
            "ends_at": dt.datetime.combine(
                hearing_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz
            ),
        },
    )
    if Appointment.objects.filter(organization=firm).exists():
        return
    _appointments(firm, types, today)


def _appointments(firm: Organization, types: list[ConsultationType], today: dt.date) -> None:
    leads = list(
        Lead.objects.filter(organization=firm, stage=LeadState.CONSULT_BOOKED)
        .exclude(email="")
        .order_by("created_at")[:4]
    )
    now = timezone.now()
    taken: list[tuple[int, dt.datetime, dt.datetime]] = []
    made = 0
    for offset in range(1, 15):
        if made >= len(PROSPECTS):
            break
        kind = types[made % 2]
        day_slots = booking.free_slots(
            organization=firm,
            consultation_type=kind,
            start_day=today + dt.timedelta(days=offset),
            days=1,
            tz=firm.time_zone,
        )
        free = [
            s
            for s in day_slots
            if not any(
                a == s.attorney_id and b < s.ends_at and s.starts_at < e for a, b, e in taken
            )
        ]
        if not free:
            continue
        slot = free[(made * 5) % len(free)]
        lead = leads[made] if made < len(leads) else None
        name, email, phone, language = PROSPECTS[made]
        if lead is not None:
            name, email, phone, language = lead.name, lead.email, lead.phone, lead.language
        cancelled = made in (3, 7)
        Appointment.objects.create(
            organization=firm,
            attorney_id=slot.attorney_id,
            consultation_type=kind,
            lead=lead,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            name=name,
            email=email,
            phone=phone,
            time_zone=PROSPECT_ZONES[made % len(PROSPECT_ZONES)],
            language=language,
            state=AppointmentState.CANCELLED if cancelled else AppointmentState.BOOKED,
            cancelled_at=now - dt.timedelta(hours=made) if cancelled else None,
            sequence=1 if cancelled else 0,
            created_at=now - dt.timedelta(days=3, hours=made),
        )
        if not cancelled:
            taken.append((slot.attorney_id, slot.starts_at, slot.ends_at))
        made += 1
