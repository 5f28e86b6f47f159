"""Consultation booking (PRODUCT §2.7, issue 8 item 7): attorneys' weekly hours and days away,
consultation types, the free slots a prospect may pick (computed in the firm's time zone, shown in
the prospect's), booking (one booking per slot: the attorney's CalendarFeed row is locked while
the slot is re-checked, and a partial unique index backs it up), cancellation, and the emails.

Public functions take no actor (the prospect has no account); the front-desk ones take one and go
through the access policy.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from counselbench.access.policy import Action, Actor, can, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, NotFound, PermissionDenied, RuleViolation
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.intake.models import (
    Appointment,
    AppointmentState,
    Availability,
    AvailabilityException,
    CalendarFeed,
    ConsultationType,
    Language,
    Lead,
    LeadEvent,
)
from counselbench.intake.services.front_desk import firm_zone, front_desk_firm
from counselbench.organizations.models import Membership, Organization, Role
from counselbench.talent.models import PracticeArea

# Slots start every SLOT_STEP_MINUTES from the start of each window of weekly hours.
SLOT_STEP_MINUTES = 30
# Nobody is booked into the next MIN_NOTICE (the attorney needs time to read the lead).
MIN_NOTICE = dt.timedelta(hours=2)
# How far ahead the booking page offers slots.
HORIZON_DAYS = 21
# Cancelled appointments stay in the feed (STATUS:CANCELLED) this long, so subscribed calendars
# remove them rather than keep a stale event.
CANCELLED_IN_FEED_DAYS = 30
BOOKABLE_ROLES = (Role.OWNER, Role.ATTORNEY)
MAX_NAME = 200
MAX_NOTE = 200


@dataclass(frozen=True)
class Slot:
    attorney_id: int
    attorney_name: str
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    local_start: dt.datetime  # the same instant in the zone asked for

    @property
    def value(self) -> str:
        """What a form posts to pick this slot: '<attorney id>@<UTC start, ISO>'."""
        return f"{self.attorney_id}@{self.starts_at.astimezone(dt.UTC).isoformat()}"


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # 0 = Monday
    starts: dt.time
    ends: dt.time


# --- Time zones ----------------------------------------------------------------------------------


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone(name: str, *, path: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The IANA zone named, or a field error (a prospect's browser sends whatever it has)."""
    if not isinstance(name, str) or name not in _zone_names():
        raise Invalid.field(path, _("Choose a valid time zone."))
    return zoneinfo.ZoneInfo(name)


def is_zone(name: str) -> bool:
    return isinstance(name, str) and name in _zone_names()


def parse_slot_value(value: str) -> tuple[int, dt.datetime] | None:
    """'<attorney id>@<ISO datetime>' → (id, aware datetime); None when malformed."""
    head, sep, tail = (value or "").partition("@")
    if not sep or not head.isdigit() or len(head) > 18:
        return None
    try:
        when = dt.datetime.fromisoformat(tail)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return int(head), when


# --- Who may be booked ---------------------------------------------------------------------------


def bookable_attorneys(organization: Organization) -> list[User]:
    """The firm's owners and attorneys (the people whose week can hold consultations)."""
    ids = Membership.objects.filter(organization=organization, role__in=BOOKABLE_ROLES).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "pk"))


def _attorney_of(organization: Organization, attorney_id: int, path: str = "attorney_id") -> User:
    attorney = next((a for a in bookable_attorneys(organization) if a.pk == attorney_id), None)
    if attorney is None:
        raise Invalid.field(path, "Choose an owner or attorney of the firm.")
    return attorney


def _may_keep_calendar_of(actor: Actor, attorney_id: int) -> None:
    """An attorney keeps their own week; an owner keeps everyone's."""
    require(actor, Action.CREATE, Availability)
    if actor.role != Role.OWNER and actor.authenticated_user.pk != attorney_id:
        raise PermissionDenied("Only an owner sets another attorney's hours.")


# --- Weekly hours and exceptions -----------------------------------------------------------------


def set_week(actor: Actor, *, attorney_id: int, hours: list[WeeklyHours]) -> list[Availability]:
    """Replace the attorney's weekly hours at once (times in the firm's zone)."""
    _may_keep_calendar_of(actor, attorney_id)
    organization = actor.current_organization
    _attorney_of(organization, attorney_id)
    errors = []
    by_day: dict[int, list[tuple[int, WeeklyHours]]] = {}
    for index, row in enumerate(hours):
        if not 0 <= row.weekday <= 6:
            errors.append(FieldError(f"hours.{index}.weekday", "A weekday from 0 (Monday) to 6."))
            continue
        # Weekly hours are wall-clock times in the firm's zone: an offset would mean nothing
        # (and aware and naive times cannot be compared).
        zoned = [name for name in ("starts", "ends") if getattr(row, name).tzinfo is not None]
        if zoned:
            for name in zoned:
                errors.append(
                    FieldError(f"hours.{index}.{name}", "A time of day without an offset: 09:00.")
                )
            continue
        if row.ends <= row.starts:
            errors.append(FieldError(f"hours.{index}.ends", "The end must be after the start."))
            continue
        by_day.setdefault(row.weekday, []).append((index, row))
    for day_rows in by_day.values():
        day_rows.sort(key=lambda pair: pair[1].starts)
        for (_i, earlier), (index, later) in itertools.pairwise(day_rows):
            if later.starts < earlier.ends:
                errors.append(
                    FieldError(
                        f"hours.{index}.starts",
                        f"Overlaps {earlier.starts:%H:%M}–{earlier.ends:%H:%M} the same day.",
                    )
                )
    if errors:
        raise Invalid("Some of the hours are not valid.", fields=errors)
    with transaction.atomic():
        Availability.objects.filter(organization=organization, attorney_id=attorney_id).delete()
        created = [
            Availability(
                organization=organization,
                attorney_id=attorney_id,
                weekday=row.weekday,
                starts=row.starts,
                ends=row.ends,
            )
            for row in sorted(hours, key=lambda r: (r.weekday, r.starts))
        ]
        for availability in created:
            availability.full_clean()
        Availability.objects.bulk_create(created)
    return week_of(organization, attorney_id)


def week_of(organization: Organization, attorney_id: int) -> list[Availability]:
    return list(
        Availability.objects.filter(organization=organization, attorney_id=attorney_id).order_by(
            "weekday", "starts"
        )
    )


def add_exception(
    actor: Actor,
    *,
    attorney_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
) -> AvailabilityException:
    """A time the attorney is away (a day off, a hearing): no slots are offered in it. Existing
    appointments in it are kept (the front desk sees them and may move them)."""
    _may_keep_calendar_of(actor, attorney_id)
    organization = actor.current_organization
    _attorney_of(organization, attorney_id)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise Invalid.field("starts_at", "Give the time with its offset or zone.")
    if ends_at <= starts_at:
        raise Invalid.field("ends_at", "The end must be after the start.")
    if ends_at - starts_at > dt.timedelta(days=366):
        raise Invalid.field("ends_at", "An exception covers at most a year.")
    if len(note) > MAX_NOTE:
        raise Invalid.field("note", f"At most {MAX_NOTE} characters.")
    exception = AvailabilityException(
        organization=organization,
        attorney_id=attorney_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
    )
    exception.full_clean()
    exception.save()
    return exception


def add_day_off(
    actor: Actor, *, attorney_id: int, day: dt.date, note: str = "", days: int = 1
) -> AvailabilityException:
    """A whole day (or several) away, midnight to midnight in the firm's zone."""
    tz = firm_zone(actor.current_organization)
    starts = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    ends = dt.datetime.combine(day + dt.timedelta(days=max(days, 1)), dt.time(0), tzinfo=tz)
    return add_exception(actor, attorney_id=attorney_id, starts_at=starts, ends_at=ends, note=note)


def remove_exception(actor: Actor, *, exception_id: int) -> None:
    exception = fetch(actor, AvailabilityException, Action.DELETE, pk=exception_id)
    exception.delete()


# --- Consultation types --------------------------------------------------------------------------


def _type_fields(
    name_en: str, name_es: str, minutes: int, practice_area: str = ""
) -> list[FieldError]:
    errors = []
    if not name_en.strip():
        errors.append(FieldError("name_en", "Give the English name."))
    if not name_es.strip():
        errors.append(FieldError("name_es", "Give the Spanish name."))
    for path, value in (("name_en", name_en), ("name_es", name_es)):
        if len(value) > 120:
            errors.append(FieldError(path, "At most 120 characters."))
    if not 10 <= minutes <= 240:
        errors.append(FieldError("minutes", "Between 10 and 240 minutes."))
    if practice_area and practice_area not in PracticeArea.values:
        errors.append(FieldError("practice_area", "One of the practice areas, or none."))
    return errors


def create_consultation_type(
    actor: Actor,
    *,
    name_en: str,
    name_es: str,
    minutes: int,
    practice_area: str = "",
    active: bool = True,
) -> ConsultationType:
    require(actor, Action.CREATE, ConsultationType, "Only an owner sets consultation types.")
    errors = _type_fields(name_en, name_es, minutes, practice_area)
    if errors:
        raise Invalid("The consultation type is not valid.", fields=errors)
    consultation_type = ConsultationType(
        organization=actor.current_organization,
        name_en=name_en.strip(),
        name_es=name_es.strip(),
        minutes=minutes,
        practice_area=practice_area,
        active=active,
    )
    consultation_type.full_clean()
    consultation_type.save()
    return consultation_type


def update_consultation_type(
    actor: Actor, *, consultation_type_id: int, changes: dict[str, Any]
) -> ConsultationType:
    consultation_type = fetch(actor, ConsultationType, Action.CHANGE, pk=consultation_type_id)
    allowed = {"name_en", "name_es", "minutes", "practice_area", "active"}
    for key, value in changes.items():
        if key in allowed:
            setattr(consultation_type, key, value.strip() if isinstance(value, str) else value)
    errors = _type_fields(
        consultation_type.name_en,
        consultation_type.name_es,
        consultation_type.minutes,
        consultation_type.practice_area,
    )
    if errors:
        raise Invalid("The consultation type is not valid.", fields=errors)
    consultation_type.full_clean()
    consultation_type.save(update_fields=[k for k in changes if k in allowed] or None)
    return consultation_type


def active_types(organization: Organization) -> list[ConsultationType]:
    return list(ConsultationType.objects.filter(organization=organization, active=True))


# --- Free slots ----------------------------------------------------------------------------------


def free_slots(
    *,
    organization: Organization,
    consultation_type: ConsultationType,
    attorney: User | None = None,
    start_day: dt.date,
    days: int,
    tz: zoneinfo.ZoneInfo | str,
    now: dt.datetime | None = None,
    distinct_times: bool = False,
) -> list[Slot]:
    """The slots a prospect may book: on a SLOT_STEP_MINUTES grid inside the attorneys' weekly
    hours (firm's zone, DST-aware: the wall-clock hours hold on both sides of a change), minus
    exceptions, minus booked appointments (any overlap), minus the past and MIN_NOTICE, at most
    HORIZON_DAYS ahead. `start_day` and `days` are days in `tz` (the prospect's zone), in which
    `local_start` is given. `distinct_times`: one slot per start time (the attorney with the
    fewest bookings in the range), for a page that offers "the first available attorney"."""
    tz = zone(tz) if isinstance(tz, str) else tz
    home = firm_zone(organization)
    now = now or timezone.now()
    days = max(1, min(days, HORIZON_DAYS + 1))
    if (
        not now.date() - dt.timedelta(days=HORIZON_DAYS)
        <= start_day
        <= now.date() + dt.timedelta(days=HORIZON_DAYS + 1)
    ):
        return []  # nothing is offered there (and far-off dates would overflow below)
    range_start = dt.datetime.combine(start_day, dt.time(0), tzinfo=tz)
    range_end = dt.datetime.combine(start_day + dt.timedelta(days=days), dt.time(0), tzinfo=tz)
    earliest = max(range_start, now + MIN_NOTICE)
    latest = min(range_end, now + dt.timedelta(days=HORIZON_DAYS))
    if latest <= earliest:
        return []
    length = dt.timedelta(minutes=consultation_type.minutes)
    step = dt.timedelta(minutes=SLOT_STEP_MINUTES)
    people = bookable_attorneys(organization)
    if attorney is not None:
        people = [p for p in people if p.pk == attorney.pk]
    names = {p.pk: p.display_name for p in people}
    hours = Availability.objects.filter(organization=organization, attorney_id__in=names)
    weekly: dict[int, dict[int, list[tuple[dt.time, dt.time]]]] = {}
    for row in hours:
        weekly.setdefault(row.attorney_id, {}).setdefault(row.weekday, []).append(
            (row.starts, row.ends)
        )
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {pk: [] for pk in names}
    window = Q(starts_at__lt=latest + length) & Q(ends_at__gt=earliest)
    for exc in AvailabilityException.objects.filter(window, attorney_id__in=names):
        busy[exc.attorney_id].append((exc.starts_at, exc.ends_at))
    booked_count: dict[int, int] = dict.fromkeys(names, 0)
    for appt in Appointment.objects.filter(
        window, attorney_id__in=names, state=AppointmentState.BOOKED
    ):
        busy[appt.attorney_id].append((appt.starts_at, appt.ends_at))
        booked_count[appt.attorney_id] += 1
    first_day = earliest.astimezone(home).date() - dt.timedelta(days=1)
    last_day = latest.astimezone(home).date() + dt.timedelta(days=1)
    slots: list[Slot] = []
    for attorney_id, week in weekly.items():
        day = first_day
        while day <= last_day:
            for starts, ends in week.get(day.weekday(), []):
                open_at = dt.datetime.combine(day, starts, tzinfo=home).astimezone(dt.UTC)
                close_at = dt.datetime.combine(day, ends, tzinfo=home).astimezone(dt.UTC)
                begin = open_at
                while begin + length <= close_at:
                    end = begin + length
                    if earliest <= begin < latest and not any(
                        b0 < end and begin < b1 for b0, b1 in busy[attorney_id]
                    ):
                        slots.append(
                            Slot(
                                attorney_id=attorney_id,
                                attorney_name=names[attorney_id],
                                starts_at=begin,
                                ends_at=end,
                                local_start=begin.astimezone(tz),
                            )
                        )
                    begin += step
            day += dt.timedelta(days=1)
    slots.sort(key=lambda s: (s.starts_at, booked_count[s.attorney_id], s.attorney_id))
    if distinct_times:
        seen: set[dt.datetime] = set()
        distinct = []
        for slot in slots:
            if slot.starts_at not in seen:
                seen.add(slot.starts_at)
                distinct.append(slot)
        slots = distinct
    return slots


def slot_days(slots: list[Slot]) -> list[tuple[dt.date, int]]:
    """The days (in the slots' zone) that have slots, with how many."""
    counts: dict[dt.date, int] = {}
    for slot in slots:
        counts[slot.local_start.date()] = counts.get(slot.local_start.date(), 0) + 1
    return sorted(counts.items())


# --- Booking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str  # E.164 or ""
    time_zone: str
    language: str


def _contact(
    name: str, email: str, phone: str, time_zone: str, language: str, *, need_email: bool = True
) -> Contact:
    errors = []
    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    if not name:
        errors.append(FieldError("name", _("Please enter your name.")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _("The name is too long (at most 200 characters).")))
    if not email:
        if need_email:
            errors.append(FieldError("email", _("Please enter your email address.")))
    else:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(FieldError("email", _("Enter a valid email address.")))
    e164 = ""
    if phone:
        try:
            number = phonenumbers.parse(phone[:40], "US")
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            errors.append(FieldError("phone", _("Enter a valid phone number.")))
    if not is_zone(time_zone):
        errors.append(FieldError("time_zone", _("Choose a valid time zone.")))
    if language not in Language.values:
        errors.append(FieldError("language", _("Choose English or Spanish.")))
    if errors:
        raise Invalid(_("Please check the highlighted fields."), fields=errors)
    return Contact(name, email, e164, time_zone, language)


def _slot_is_free(
    organization: Organization,
    consultation_type: ConsultationType,
    attorney: User,
    starts_at: dt.datetime,
) -> bool:
    home = firm_zone(organization)
    day = starts_at.astimezone(home).date()
    return any(
        slot.starts_at == starts_at
        for slot in free_slots(
            organization=organization,
            consultation_type=consultation_type,
            attorney=attorney,
            start_day=day,
            days=1,
            tz=home,
        )
    )


def _taken() -> RuleViolation:
    return RuleViolation(
        IntakeErrorCode.SLOT_TAKEN, _("That time was just taken — please choose another.")
    )


def _book(
    *,
    organization: Organization,
    consultation_type_id: int,
    attorney_id: int,
    starts_at: dt.datetime,
    contact: Contact,
    lead: Lead | None,
    by: User | None,
) -> Appointment:
    consultation_type = ConsultationType.objects.filter(
        organization=organization, pk=consultation_type_id, active=True
    ).first()
    if consultation_type is None:
        raise Invalid.field("consultation_type_id", _("Choose a type of consultation."))
    attorney = next((a for a in bookable_attorneys(organization) if a.pk == attorney_id), None)
    if attorney is None:
        raise Invalid.field("attorney_id", _("Choose one of the times offered."))
    if timezone.is_naive(starts_at):
        raise Invalid.field("starts_at", _("Choose one of the times offered."))
    starts_at = starts_at.astimezone(dt.UTC)
    ends_at = starts_at + dt.timedelta(minutes=consultation_type.minutes)
    # The feed row exists before the transaction, so two first bookings both find it to lock.
    CalendarFeed.objects.get_or_create(organization=organization, attorney=attorney)
    with transaction.atomic():
        CalendarFeed.objects.select_for_update().get(organization=organization, attorney=attorney)
        if not _slot_is_free(organization, consultation_type, attorney, starts_at):
            overlapping = Appointment.objects.filter(
                attorney=attorney,
                state=AppointmentState.BOOKED,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            ).exists()
            if overlapping:
                raise _taken()
            raise RuleViolation(
                IntakeErrorCode.SLOT_UNAVAILABLE,
                _("That time is not available — please choose one of the times offered."),
            )
        appointment = Appointment(
            organization=organization,
            attorney=attorney,
            consultation_type=consultation_type,
            lead=lead,
            starts_at=starts_at,
            ends_at=ends_at,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            time_zone=contact.time_zone,
            language=contact.language,
        )
        try:
            with transaction.atomic():
                appointment.save(force_insert=True)
        except IntegrityError:
            raise _taken() from None
        if lead is not None:
            _lead_booked(lead, appointment, by)
        transaction.on_commit(lambda: _enqueue("send_appointment_booked", appointment.pk))
    return appointment


def _lead_booked(lead: Lead, appointment: Appointment, by: User | None) -> None:
    """The lead moves to "consult booked" through the pipeline's hook (services/leads.py
    `note_booked`): booked by the front desk (`by`), that is the firm's first contact with the
    prospect and is stamped as such; booked by the prospect alone, it is not."""
    from counselbench.intake.services.leads import note_booked

    note_booked(
        lead,
        note=f"{appointment.consultation_type.name_en} on "
        f"{appointment.starts_at.astimezone(firm_zone(appointment.organization)):%Y-%m-%d %H:%M}"
        f" with {appointment.attorney.display_name}",
        by=by,
    )


def lead_for_token(organization: Organization, token: str | None) -> Lead | None:
    if not token or len(token) > 64:
        return None
    return Lead.objects.filter(organization=organization, token=token).first()


def book(
    *,
    organization: Organization,
    consultation_type_id: int,
    attorney_id: int,
    starts_at: dt.datetime,
    name: str,
    email: str,
    phone: str,
    time_zone: str,
    language: str,
    lead_token: str | None = None,
) -> Appointment:
    """A prospect books on the public page. With the token of their lead (the intake page's
    thank-you link), the appointment is linked to it and blank contact fields come from it."""
    lead = lead_for_token(organization, lead_token)
    if lead is not None:
        name = name or lead.name
        email = email or lead.email
        phone = phone or lead.phone
        language = language or lead.language
    contact = _contact(name, email, phone, time_zone, language)
    return _book(
        organization=organization,
        consultation_type_id=consultation_type_id,
        attorney_id=attorney_id,
        starts_at=starts_at,
        contact=contact,
        lead=lead,
        by=None,
    )


def book_for_caller(
    actor: Actor,
    *,
    consultation_type_id: int,
    attorney_id: int,
    starts_at: dt.datetime,
    name: str,
    email: str = "",
    phone: str = "",
    time_zone: str,
    language: str = "en",
    lead_id: int | None = None,
    organization_id: int | None = None,
) -> Appointment:
    """The front desk books for a caller (email optional: without one, no confirmation)."""
    require(actor, Action.CREATE, Appointment)
    organization = front_desk_firm(actor, organization_id=organization_id)
    lead = None
    if lead_id is not None:
        lead = fetch(actor, Lead, pk=lead_id)
        if lead.organization_id != organization.pk:
            raise Invalid.field("lead_id", "The lead belongs to another firm.")
        name = name or lead.name
        email = email or lead.email
        phone = phone or lead.phone
    with translation.override("en"):
        contact = _contact(name, email, phone, time_zone, language, need_email=False)
        return _book(
            organization=organization,
            consultation_type_id=consultation_type_id,
            attorney_id=attorney_id,
            starts_at=starts_at,
            contact=contact,
            lead=lead,
            by=actor.authenticated_user,
        )


# --- Cancellation --------------------------------------------------------------------------------


def appointment_for_token(token: str) -> Appointment:
    if not token or len(token) > 64:
        raise NotFound(_("This link is not valid."))
    appointment = (
        Appointment.objects.select_related("organization", "attorney", "consultation_type")
        .filter(cancel_token=token)
        .first()
    )
    if appointment is None:
        raise NotFound(_("This link is not valid."))
    return appointment


def _cancel(appointment: Appointment, *, by: User | None, now: dt.datetime) -> Appointment:
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.state == AppointmentState.CANCELLED:
            raise RuleViolation(
                IntakeErrorCode.ALREADY_CANCELLED, _("This appointment is already cancelled.")
            )
        if appointment.starts_at <= now:
            raise RuleViolation(
                IntakeErrorCode.APPOINTMENT_PAST,
                _("This appointment has already started and can no longer be cancelled."),
            )
        appointment.state = AppointmentState.CANCELLED
        appointment.cancelled_at = now
        appointment.sequence += 1
        appointment.save(update_fields=["state", "cancelled_at", "sequence"])
        if appointment.lead_id:
            LeadEvent.objects.create(
                lead_id=appointment.lead_id,
                kind="consult_cancelled",
                note=f"Consultation of {appointment.starts_at:%Y-%m-%d %H:%M} UTC cancelled",
                by=by,
            )
        transaction.on_commit(lambda: _enqueue("send_appointment_cancelled", appointment.pk))
    return appointment


def cancel_by_token(*, token: str, now: dt.datetime | None = None) -> Appointment:
    """The prospect cancels through the link in their confirmation email."""
    return _cancel(appointment_for_token(token), by=None, now=now or timezone.now())


def cancel(actor: Actor, *, appointment_id: int) -> Appointment:
    """The front desk cancels (the prospect is emailed)."""
    appointment = fetch(actor, Appointment, Action.CHANGE, pk=appointment_id)
    return _cancel(appointment, by=actor.authenticated_user, now=timezone.now())


# --- Calendar feeds ------------------------------------------------------------------------------


def feed_of(actor: Actor, *, attorney_id: int | None = None) -> CalendarFeed:
    """The attorney's secret feed (created on first use); an owner may read anyone's."""
    attorney_id = attorney_id or actor.authenticated_user.pk
    _may_keep_calendar_of(actor, attorney_id)
    organization = actor.current_organization
    _attorney_of(organization, attorney_id)
    feed, _created = CalendarFeed.objects.get_or_create(
        organization=organization, attorney_id=attorney_id
    )
    return feed


def reset_feed(actor: Actor, *, attorney_id: int | None = None) -> CalendarFeed:
    """A new secret URL; the old one stops working (404) at once."""
    feed = feed_of(actor, attorney_id=attorney_id)
    require(actor, Action.CHANGE, feed)
    from counselbench.intake.models import new_secret

    feed.token = new_secret()
    feed.save(update_fields=["token"])
    return feed


def feed_by_token(token: str) -> CalendarFeed:
    if not token or len(token) > 64:
        raise NotFound("No such calendar.")
    feed = (
        CalendarFeed.objects.select_related("attorney", "organization").filter(token=token).first()
    )
    if feed is None:
        raise NotFound("No such calendar.")
    return feed


def feed_appointments(feed: CalendarFeed, *, now: dt.datetime | None = None) -> list[Appointment]:
    """The attorney's appointments at this firm: booked ones, and ones cancelled recently."""
    now = now or timezone.now()
    recent = now - dt.timedelta(days=CANCELLED_IN_FEED_DAYS)
    return list(
        Appointment.objects.filter(organization=feed.organization_id, attorney=feed.attorney_id)
        .filter(
            Q(state=AppointmentState.BOOKED)
            | Q(state=AppointmentState.CANCELLED, cancelled_at__gte=recent)
        )
        .filter(ends_at__gte=now - dt.timedelta(days=365))
        .select_related("consultation_type", "organization", "attorney")
        .order_by("starts_at")
    )


# --- Lists for the front desk --------------------------------------------------------------------


def upcoming(
    actor: Actor,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    attorney_id: int | None = None,
    include_cancelled: bool = True,
):
    rows = visible(actor, Appointment).select_related(
        "attorney", "consultation_type", "lead", "organization"
    )
    if start is not None:
        rows = rows.filter(ends_at__gt=start)
    if end is not None:
        rows = rows.filter(starts_at__lt=end)
    if attorney_id is not None:
        rows = rows.filter(attorney_id=attorney_id)
    if not include_cancelled:
        rows = rows.filter(state=AppointmentState.BOOKED)
    return rows.order_by("starts_at", "pk")


def booking_counts(organization: Organization) -> dict[int, int]:
    return dict(
        Appointment.objects.filter(
            organization=organization, state="booked", starts_at__gte=timezone.now()
        )
        .values_list("attorney_id")
        .annotate(n=Count("pk"))
    )


def may_manage_types(actor: Actor) -> bool:
    return can(actor, Action.CREATE, ConsultationType)


# --- Emails --------------------------------------------------------------------------------------

DATE_FORMATS = {"en": "l, F j, Y, g:i A", "es": r"l j \d\e F \d\e Y, H:i"}


def when_text(appointment: Appointment, *, zone_name: str | None = None) -> str:
    """The appointment's start in words, in the prospect's zone and language (the active one)."""
    name = zone_name or appointment.time_zone
    tz = zoneinfo.ZoneInfo(name if is_zone(name) else "UTC")
    local = appointment.starts_at.astimezone(tz)
    language = translation.get_language() or "en"
    text = date_format(local, DATE_FORMATS.get(language[:2], DATE_FORMATS["en"]))
    return f"{text} ({name.replace('_', ' ')}, {local:%Z})"


def _enqueue(name: str, appointment_id: int) -> None:
    from counselbench.intake.tasks import booking as tasks

    getattr(tasks, name).enqueue(appointment_id)


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def cancel_url(appointment: Appointment) -> str:
    return _site() + reverse("intake:booking_cancel", args=[appointment.cancel_token])


def _prospect_email(appointment: Appointment, kind: str) -> None:
    from counselbench.intake.services import calendar

    if not appointment.email:
        return
    with translation.override(appointment.language):
        context = {
            "appointment": appointment,
            "firm": appointment.organization,
            "type_name": appointment.consultation_type.name(appointment.language),
            "when": when_text(appointment),
            "attorney": appointment.attorney.display_name,
            "cancel_url": cancel_url(appointment),
            "minutes": appointment.consultation_type.minutes,
        }
        subject = render_to_string(f"intake/booking/email/{kind}_subject.txt", context)
        body = render_to_string(f"intake/booking/email/{kind}.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[appointment.email])
    cancelled = appointment.state == AppointmentState.CANCELLED
    message.attach(
        "consultation.ics",
        calendar.appointment_ics(appointment),
        "text/calendar; charset=utf-8; method=" + ("CANCEL" if cancelled else "PUBLISH"),
    )
    message.send()


def _attorney_email(appointment: Appointment, kind: str) -> None:
    attorney = appointment.attorney
    with translation.override("en"):
        context = {
            "appointment": appointment,
            "type_name": appointment.consultation_type.name_en,
            "when": when_text(appointment, zone_name=appointment.organization.time_zone),
            "attorney": attorney.display_name,
            "lead": appointment.lead,
            "appointments_url": _site() + reverse("intake:booking_appointments"),
        }
        body = render_to_string(f"intake/booking/email/attorney_{kind}.txt", context)
    verb = "booked" if kind == "booked" else "cancelled"
    EmailMessage(
        subject=f"Consultation {verb}: {appointment.name} ({appointment.consultation_type})",
        body=body,
        to=[attorney.email],
    ).send()


def _loaded(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("organization", "attorney", "consultation_type", "lead")
        .filter(pk=appointment_id)
        .first()
    )


def deliver_booked(*, appointment_id: int) -> bool:
    """The prospect's confirmation (their language, their zone, .ics attached, cancellation
    link) and the attorney's notice."""
    appointment = _loaded(appointment_id)
    if appointment is None or appointment.state != AppointmentState.BOOKED:
        return False
    _prospect_email(appointment, "confirmation")
    _attorney_email(appointment, "booked")
    return True


def deliver_cancelled(*, appointment_id: int) -> bool:
    appointment = _loaded(appointment_id)
    if appointment is None or appointment.state != AppointmentState.CANCELLED:
        return False
    _prospect_email(appointment, "cancellation")
    _attorney_email(appointment, "cancelled")
    return True


def reminder_hours() -> int:
    return int(getattr(settings, "APPOINTMENT_REMINDER_HOURS", 24))


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind each prospect once, APPOINTMENT_REMINDER_HOURS before (not those who booked inside
    that window: their confirmation is recent). Each appointment is claimed with a conditional
    update, so two workers never both send."""
    now = now or timezone.now()
    ahead = dt.timedelta(hours=reminder_hours())
    due = Appointment.objects.filter(
        state=AppointmentState.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ahead,
        created_at__lte=F("starts_at") - ahead,
    ).exclude(email="")
    sent = 0
    for appointment_id in due.values_list("pk", flat=True):
        claimed = Appointment.objects.filter(pk=appointment_id, reminder_sent_at__isnull=True)
        if not claimed.update(reminder_sent_at=now):
            continue
        appointment = _loaded(appointment_id)
        if appointment is not None:
            _prospect_email(appointment, "reminder")
            sent += 1
    return sent
