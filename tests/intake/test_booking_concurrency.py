"""Double booking is impossible (PostgreSQL, real concurrent transactions): several prospects
booking the same slot at the same instant get exactly one appointment, the others SLOT_TAKEN; and
bookings of different lengths that overlap without sharing a start time cannot both stand (the
attorney's CalendarFeed row is locked while the slot is re-checked)."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from counselbench.core.errors import RuleViolation
from counselbench.intake.models import Appointment, AppointmentState
from counselbench.intake.services import booking
from tests.intake.matrix_booking import CHICAGO, booking_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"
)


def _race(attempts) -> list:
    """Run each attempt in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait()
            results[index] = attempt()
        except RuleViolation as error:
            results[index] = error.code
        except Exception as error:
            results[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _attempt(cast, world, starts, kind="initial", n=0):
    def attempt():
        return booking.book(
            organization=cast.firm,
            consultation_type_id=world[kind],
            attorney_id=cast.attorney.pk,
            starts_at=starts,
            name=f"Prospect {n}",
            email=f"p{n}@example.com",
            phone="",
            time_zone=CHICAGO,
            language="en",
        ).pk

    return attempt


def test_five_prospects_racing_for_one_slot_get_one_appointment(committed, cast):
    world = booking_world(cast)
    starts = dt.datetime.combine(world["monday"], dt.time(14), tzinfo=ZoneInfo(CHICAGO))
    results = _race([_attempt(cast, world, starts, n=n) for n in range(5)])
    booked = [r for r in results if isinstance(r, int)]
    assert len(booked) == 1, results
    assert sorted(r for r in results if not isinstance(r, int)) == ["slot_taken"] * 4
    assert (
        Appointment.objects.filter(
            attorney=cast.attorney, starts_at=starts, state=AppointmentState.BOOKED
        ).count()
        == 1
    )


def test_overlapping_bookings_of_different_lengths_cannot_both_stand(committed, cast):
    world = booking_world(cast)
    tz = ZoneInfo(CHICAGO)
    # A 60-minute review at 14:00 and 30-minute consultations at 14:30 (inside it) race.
    hour = dt.datetime.combine(world["monday"], dt.time(14), tzinfo=tz)
    half = dt.datetime.combine(world["monday"], dt.time(14, 30), tzinfo=tz)
    for _round in range(3):
        Appointment.objects.filter(starts_at__in=[hour, half]).delete()
        results = _race(
            [
                _attempt(cast, world, hour, kind="review", n=1),
                _attempt(cast, world, half, n=2),
                _attempt(cast, world, half, n=3),
            ]
        )
        booked = [r for r in results if isinstance(r, int)]
        assert len(booked) == 1, results
        assert all(r == "slot_taken" for r in results if not isinstance(r, int)), results
        rows = list(
            Appointment.objects.filter(
                attorney=cast.attorney,
                state=AppointmentState.BOOKED,
                starts_at__lt=hour + dt.timedelta(hours=1),
                ends_at__gt=hour,
            )
        )
        assert len(rows) == 1
