"""iCalendar (RFC 5545) for booking: the .ics attached to a prospect's emails, and each attorney's
subscribed feed. One UID per appointment, stable across changes; SEQUENCE grows with each change
and a cancelled appointment stays in the feed as STATUS:CANCELLED, so calendar apps update or
remove the event rather than keep a stale copy."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from counselbench.intake.models import Appointment, AppointmentState, CalendarFeed

PRODID = "-//Counselbench//Consultations//EN"


def uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@counselbench"


def _calendar(name: str | None = None, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _event(appointment: Appointment, *, summary: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid(appointment))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("sequence", appointment.sequence)
    event.add("summary", summary)
    event.add("description", description)
    cancelled = appointment.state == AppointmentState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("created", appointment.created_at.astimezone(dt.UTC))
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """The prospect's copy (attached to the confirmation, reminder and cancellation)."""
    language = appointment.language
    firm = appointment.organization.name
    type_name = appointment.consultation_type.name(language)
    summary = f"{type_name} — {firm}"
    description = f"{type_name}: {appointment.attorney.display_name}, {firm}."
    cancelled = appointment.state == AppointmentState.CANCELLED
    cal = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    cal.add_component(_event(appointment, summary=summary, description=description))
    return cal.to_ical()


def attorney_summary(appointment: Appointment) -> str:
    return f"Consultation: {appointment.name} ({appointment.consultation_type.name_en})"


def attorney_description(appointment: Appointment) -> str:
    """What the attorney needs to hold the consultation: who and how to reach them. Not the
    prospect's summary or answers (the feed URL lives in calendar apps and their sync services)."""
    lines = [
        f"{appointment.consultation_type.name_en} ({appointment.consultation_type.minutes} min)",
        f"Prospect: {appointment.name}",
    ]
    if appointment.email:
        lines.append(f"Email: {appointment.email}")
    if appointment.phone:
        lines.append(f"Phone: {appointment.phone}")
    lines.append(f"Language: {appointment.get_language_display()}")
    lines.append(f"Prospect's time zone: {appointment.time_zone}")
    return "\n".join(lines)


def feed_ics(feed: CalendarFeed, appointments: list[Appointment]) -> bytes:
    """The attorney's subscribed calendar."""
    cal = _calendar(name=f"Consultations — {feed.organization.name}")
    cal.add("x-published-ttl", "PT15M")
    cal.add("refresh-interval;value=duration", "PT15M")
    for appointment in appointments:
        cal.add_component(
            _event(
                appointment,
                summary=attorney_summary(appointment),
                description=attorney_description(appointment),
            )
        )
    return cal.to_ical()
