"""Receptionist shift coverage (PRODUCT §2.7): who is on the front desk when, and the periods of
the 24/7 week with nobody on shift. Times are aware datetimes; the week view lays each day out
midnight to midnight in the firm's time zone (a DST day is 23 or 25 hours long)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from counselbench.access.policy import RECEPTION_ROLES, Action, Actor, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.intake.models import Shift
from counselbench.intake.services.reception import day_bounds, firm_zone
from counselbench.organizations.models import Organization, Role

MAX_SHIFT = timedelta(hours=24)
Interval = tuple[datetime, datetime]


# --- The interval arithmetic ----------------------------------------------------------------------


def _seconds(start: datetime, end: datetime) -> float:
    """Real elapsed seconds (subtracting two times of one zone would count wall-clock hours)."""
    return end.timestamp() - start.timestamp()


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined; sorted by start."""
    merged: list[Interval] = []
    for start, end in sorted((_utc(s), _utc(e)) for s, e in intervals if _utc(e) > _utc(s)):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def gaps_in(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of [start, end) no interval covers."""
    gaps: list[Interval] = []
    start, end = _utc(start), _utc(end)
    cursor = start
    for s, e in merge_intervals(intervals):
        if e <= cursor:
            continue
        if s >= end:
            break
        if s > cursor:
            gaps.append((cursor, s))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def shifts_between(organization: Organization, start: datetime, end: datetime) -> QuerySet[Shift]:
    """The firm's shifts overlapping [start, end) (a night shift from the day before included)."""
    return Shift.objects.filter(
        organization=organization, starts_at__lt=end, ends_at__gt=start
    ).select_related("person")


def coverage_gaps(organization: Organization, start: datetime, end: datetime) -> list[Interval]:
    """The periods in [start, end) with nobody of the firm's front desk on shift."""
    rows = shifts_between(organization, start, end).values_list("starts_at", "ends_at")
    return gaps_in(list(rows), start, end)


# --- Who may be on shift ------------------------------------------------------------------------


def front_desk_people(organization: Organization) -> QuerySet[User]:
    """The firm's owners and staff, and the professionals engaged (a live engagement) as its
    receptionists or intake specialists."""
    engaged = Engagement.objects.filter(
        organization=organization,
        state__in=LIVE_STATES,
        professional__role__in=RECEPTION_ROLES,
    ).values("professional__user_id")
    members = Q(
        memberships__organization=organization,
        memberships__role__in=(Role.OWNER, Role.STAFF),
    )
    return (
        User.objects.filter(members | Q(pk__in=engaged), is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


# --- Planning -----------------------------------------------------------------------------------


def _aware(value: Any, path: str, organization: Organization, errors: list[FieldError]) -> Any:
    if not isinstance(value, datetime):
        errors.append(FieldError(path, "A date and time, e.g. 2026-03-02T08:00."))
        return None
    if timezone.is_naive(value):  # a time typed on the firm's page is the firm's local time
        value = value.replace(tzinfo=firm_zone(organization))
    return value


def _wall_clock(value: datetime, organization: Organization) -> datetime:
    return timezone.localtime(value, firm_zone(organization)).replace(tzinfo=None)


def _check(
    organization: Organization,
    *,
    person_id: Any,
    starts_at: Any,
    ends_at: Any,
    note: str,
    exclude_pk: int | None = None,
) -> tuple[User, datetime, datetime]:
    errors: list[FieldError] = []
    person = front_desk_people(organization).filter(pk=person_id or 0).first()
    if person is None:
        errors.append(
            FieldError(
                "person_id",
                "Choose someone of the front desk: an owner or staff member, or a receptionist "
                "the firm has engaged.",
            )
        )
    start = _aware(starts_at, "starts_at", organization, errors)
    end = _aware(ends_at, "ends_at", organization, errors)
    if start and end:
        if end <= start:
            errors.append(FieldError("ends_at", "The shift must end after it starts."))
        elif _wall_clock(end, organization) - _wall_clock(start, organization) > MAX_SHIFT:
            # On the wall clock: midnight to midnight is a whole day even when DST makes it 25 h.
            errors.append(FieldError("ends_at", "A shift is at most 24 hours long."))
    if len(note) > 200:
        errors.append(FieldError("note", "At most 200 characters."))
    if errors:
        raise Invalid("Some fields are not valid.", fields=errors)
    assert person is not None and start is not None and end is not None
    # Serialize plans for one person, so two overlapping shifts cannot both pass the check.
    User.objects.select_for_update().filter(pk=person.pk).first()
    clash = Shift.objects.filter(
        organization=organization, person=person, starts_at__lt=end, ends_at__gt=start
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.order_by("starts_at").first()
    if other is not None:
        zone = firm_zone(organization)
        when = (
            f"{timezone.localtime(other.starts_at, zone):%a %b %-d %H:%M}–"
            f"{timezone.localtime(other.ends_at, zone):%a %H:%M}"
        )
        raise Invalid.field(
            "starts_at",
            f"{person.display_name} is already on shift {when}: shifts of one person may not "
            "overlap.",
            code=IntakeErrorCode.OVERLAPPING_SHIFT,
        )
    return person, start, end


def plan_shift(actor: Actor, *, data: Mapping[str, Any]) -> Shift:
    """Put someone of the front desk on shift (owners and staff plan the rota)."""
    require(actor, Action.CREATE, Shift)
    organization = actor.current_organization
    note = str(data.get("note") or "").strip()
    with transaction.atomic():
        person, start, end = _check(
            organization,
            person_id=data.get("person_id"),
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            note=note,
        )
        shift = Shift(
            organization=organization,
            person=person,
            starts_at=start,
            ends_at=end,
            note=note,
            created_by=actor.user,
        )
        shift.full_clean()
        shift.save()
    return shift


def update_shift(actor: Actor, *, shift_id: int, data: Mapping[str, Any]) -> Shift:
    with transaction.atomic():
        shift = fetch(actor, Shift, Action.CHANGE, pk=shift_id)
        changes = {k: v for k, v in data.items() if v is not None}
        note = str(changes.get("note", shift.note)).strip()
        person, start, end = _check(
            shift.organization,
            person_id=changes.get("person_id", shift.person_id),
            starts_at=changes.get("starts_at", shift.starts_at),
            ends_at=changes.get("ends_at", shift.ends_at),
            note=note,
            exclude_pk=shift.pk,
        )
        shift.person, shift.starts_at, shift.ends_at, shift.note = person, start, end, note
        shift.save(update_fields=["person", "starts_at", "ends_at", "note"])
    return shift


def delete_shift(actor: Actor, *, shift_id: int) -> None:
    shift = fetch(actor, Shift, Action.DELETE, pk=shift_id)
    shift.delete()


def visible_shifts(actor: Actor, start: datetime, end: datetime) -> QuerySet[Shift]:
    return (
        visible(actor, Shift)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("person", "organization")
        .order_by("starts_at", "pk")
    )


# --- The week view ------------------------------------------------------------------------------


@dataclass
class Segment:
    """A piece of one day's 24 hours: where it sits (percent of the day) and what it is."""

    start: datetime
    end: datetime
    top: float
    height: float
    shift: Shift | None = None
    label: str = ""


@dataclass
class DayColumn:
    day: date
    start: datetime
    end: datetime
    shifts: list[Segment]
    gaps: list[Segment]

    @property
    def hours(self) -> float:
        return _seconds(self.start, self.end) / 3600


@dataclass
class Week:
    organization: Organization
    start: date
    days: list[DayColumn]
    gaps: list[Interval]  # merged across the week, in the firm's time zone
    shifts: list[Shift]

    @property
    def uncovered_hours(self) -> float:
        return sum(_seconds(s, e) for s, e in self.gaps) / 3600


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _segment(start: datetime, end: datetime, day: DayColumn, shift: Shift | None) -> Segment:
    length = _seconds(day.start, day.end)
    top = _seconds(day.start, start) / length * 100
    height = _seconds(start, end) / length * 100
    until = "24:00" if end == day.end else f"{end:%H:%M}"
    return Segment(
        start=start,
        end=end,
        top=round(top, 3),
        height=round(height, 3),
        shift=shift,
        label=f"{start:%H:%M}–{until}",
    )


def week_view(organization: Organization, monday: date) -> Week:
    """Seven days from `monday`, each midnight to midnight in the firm's time zone, with the
    shifts clipped to the day and the gaps (nobody on shift) between them."""
    zone = firm_zone(organization)
    start, _ = day_bounds(organization, monday)
    _, end = day_bounds(organization, monday + timedelta(days=6))
    shifts = list(shifts_between(organization, start, end).order_by("starts_at", "pk"))
    intervals = [(s.starts_at, s.ends_at) for s in shifts]
    week_gaps = [
        (timezone.localtime(s, zone), timezone.localtime(e, zone))
        for s, e in gaps_in(intervals, start, end)
    ]
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start, day_end = day_bounds(organization, day)
        column = DayColumn(day=day, start=day_start, end=day_end, shifts=[], gaps=[])
        for shift in shifts:
            if shift.starts_at < day_end and shift.ends_at > day_start:
                s = timezone.localtime(max(shift.starts_at, day_start), zone)
                e = timezone.localtime(min(shift.ends_at, day_end), zone)
                column.shifts.append(_segment(s, e, column, shift))
        for s, e in gaps_in(intervals, day_start, day_end):
            column.gaps.append(
                _segment(timezone.localtime(s, zone), timezone.localtime(e, zone), column, None)
            )
        days.append(column)
    return Week(organization=organization, start=monday, days=days, gaps=week_gaps, shifts=shifts)


def describe_gap(start: datetime, end: datetime) -> str:
    """ "Tue 02:00–06:00 uncovered"; a gap running past midnight names both days."""
    until = "24:00" if end.time() == datetime.min.time() and end.date() > start.date() else None
    if until and (end.date() - start.date()).days == 1:
        return f"{start:%a %H:%M}–24:00 uncovered"
    if end.date() == start.date():
        return f"{start:%a %H:%M}–{end:%H:%M} uncovered"
    return f"{start:%a %H:%M}–{end:%a %H:%M} uncovered"
