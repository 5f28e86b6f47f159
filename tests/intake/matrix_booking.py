"""Authorization-matrix rows for intake (booking): API endpoints and pages, on the booking world
(the intake world plus our attorney's and owner's weekly hours, two consultation types, time away,
a booked appointment and the attorney's calendar feed)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.intake.world import intake_world, shown_form_token

CHICAGO = "America/Chicago"


def next_monday(weeks: int = 1) -> dt.date:
    """A Monday at least `weeks` weeks out (never inside the minimum notice)."""
    today = timezone.localdate()
    return today + dt.timedelta(days=(7 - today.weekday()) + 7 * (weeks - 1))


def booking_world(cast) -> dict:
    if getattr(cast, "booking_world", None):
        return cast.booking_world
    from zoneinfo import ZoneInfo

    from counselbench.intake.models import (
        Appointment,
        Availability,
        AvailabilityException,
        CalendarFeed,
        ConsultationType,
    )

    intake_world(cast)
    firm = cast.firm
    firm.time_zone = CHICAGO
    firm.save(update_fields=["time_zone"])
    for person in (cast.attorney, cast.owner):
        for weekday in range(5):
            Availability.objects.create(
                organization=firm,
                attorney=person,
                weekday=weekday,
                starts=dt.time(9),
                ends=dt.time(17),
            )
    initial = ConsultationType.objects.create(
        organization=firm, name_en="Initial consultation", name_es="Consulta inicial", minutes=30
    )
    review = ConsultationType.objects.create(
        organization=firm, name_en="Case review", name_es="Revisión del caso", minutes=60
    )
    monday = next_monday()
    tz = ZoneInfo(CHICAGO)
    away = AvailabilityException.objects.create(
        organization=firm,
        attorney=cast.attorney,
        starts_at=dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(0), tzinfo=tz),
        ends_at=dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(0), tzinfo=tz),
        note="Hearing",
    )
    starts = dt.datetime.combine(monday, dt.time(10), tzinfo=tz)
    appointment = Appointment.objects.create(
        organization=firm,
        attorney=cast.attorney,
        consultation_type=initial,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        name="Rosa Delgado",
        email="rosa@example.com",
        phone="+15125550142",
        time_zone=CHICAGO,
        language="es",
    )
    feed = CalendarFeed.objects.create(organization=firm, attorney=cast.attorney)
    cast.booking_world = {
        "initial": initial.pk,
        "review": review.pk,
        "away": away.pk,
        "appointment": appointment.pk,
        "cancel_token": appointment.cancel_token,
        "feed_token": feed.token,
        "monday": monday,
    }
    return cast.booking_world


def _slot_for(cast, hour: int = 14) -> str:
    from zoneinfo import ZoneInfo

    world = booking_world(cast)
    starts = dt.datetime.combine(world["monday"], dt.time(hour), tzinfo=ZoneInfo(CHICAGO))
    return starts.isoformat()


# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
FRONT_DESK_API = (401, 200, 200, 200, 404, 404, 200, 404)
FRONT_DESK_LIST = (401, 200, 200, 200, 200, 200, 200, 200)  # empty lists outside
EDITORS_API = (401, 200, 200, 403, 403, 403, 403, 403)
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
LOGIN = "login"


def routes(Route):  # noqa: N803 - the matrix's Route class
    W = lambda key: lambda c: booking_world(c)[key]  # noqa: E731, N806

    def api(method, path, url, expect, data=None):
        def built(cast):
            booking_world(cast)
            return url(cast)

        return Route(f"{method} {path}", method, built, expect, data=data or {}, json=True)

    def page(key, method, url, expect, data=None):
        def built(cast):
            booking_world(cast)
            return url(cast)

        return Route(key, method, built, expect, data=data or {})

    book_body = lambda c: {  # noqa: E731
        "consultation_type_id": W("initial")(c),
        "attorney_id": c.attorney.pk,
        "starts_at": _slot_for(c),
        "name": "Marco Ruiz",
        "email": "marco@example.com",
        "phone": "(512) 555-0188",
        "time_zone": CHICAGO,
        "language": "en",
        "organization_id": c.firm.pk,
    }
    exception_body = lambda c: {  # noqa: E731
        "attorney_id": c.attorney.pk,
        "starts_at": _slot_for(c, 15),
        "ends_at": _slot_for(c, 16),
        "note": "Dentist",
    }
    week_body = lambda c: {  # noqa: E731
        "attorney_id": c.attorney.pk,
        "hours": [{"weekday": 0, "starts": "09:00", "ends": "12:00"}],
    }
    slot_value = lambda c: f"{c.attorney.pk}@{_slot_for(c)}"  # noqa: E731
    return [
        # --- API: weekly hours and time away (an attorney keeps their own; owners anyone's).
        api(
            "GET",
            "/api/v1/availability",
            lambda c: f"/api/v1/availability?attorney_id={c.attorney.pk}",
            (401, 200, 200, 200, 403, 403, 200, 200),
        ),
        api(
            "PUT",
            "/api/v1/availability",
            lambda c: "/api/v1/availability",
            # The outsider names our attorney, who is not of their firm (422).
            (401, 200, 200, 403, 403, 403, 403, 422),
            week_body,
        ),
        api(
            "GET",
            "/api/v1/availability/exceptions",
            lambda c: "/api/v1/availability/exceptions",
            FRONT_DESK_LIST,
        ),
        api(
            "POST",
            "/api/v1/availability/exceptions",
            lambda c: "/api/v1/availability/exceptions",
            (401, 201, 201, 403, 403, 403, 403, 422),
            exception_body,
        ),
        api(
            "DELETE",
            "/api/v1/availability/exceptions/{exception_id}",
            lambda c: f"/api/v1/availability/exceptions/{W('away')(c)}",
            (401, 204, 204, 403, 404, 404, 403, 404),
        ),
        api(
            "GET",
            "/api/v1/availability/slots",
            lambda c: (
                f"/api/v1/availability/slots?consultation_type_id={W('initial')(c)}"
                f"&from={W('monday')(c).isoformat()}&days=2&tz=America/New_York"
            ),
            (401, 200, 200, 200, 403, 403, 200, 404),
        ),
        # --- API: appointments (the front desk books and cancels).
        api("GET", "/api/v1/appointments", lambda c: "/api/v1/appointments", FRONT_DESK_LIST),
        api(
            "POST",
            "/api/v1/appointments",
            lambda c: "/api/v1/appointments",
            (401, 201, 201, 201, 403, 403, 201, 404),
            book_body,
        ),
        api(
            "GET",
            "/api/v1/appointments/{appointment_id}",
            lambda c: f"/api/v1/appointments/{W('appointment')(c)}",
            FRONT_DESK_API,
        ),
        api(
            "POST",
            "/api/v1/appointments/{appointment_id}/cancel",
            lambda c: f"/api/v1/appointments/{W('appointment')(c)}/cancel",
            FRONT_DESK_API,
        ),
        api(
            "GET",
            "/api/v1/consultation-types",
            lambda c: "/api/v1/consultation-types",
            FRONT_DESK_LIST,
        ),
        api(
            "POST",
            "/api/v1/consultation-types",
            lambda c: "/api/v1/consultation-types",
            # The outsider owns their own firm: they add a type there.
            (401, 201, 403, 403, 403, 403, 403, 201),
            lambda c: {"name_en": "Quick call", "name_es": "Llamada breve", "minutes": 15},
        ),
        # --- Public pages: anyone (the secret token is the key).
        page("book/<slug:slug>/", "GET", lambda c: f"/book/{c.firm.slug}/", PUBLIC),
        page(
            "book/<slug:slug>/",
            "POST",
            lambda c: f"/book/{c.firm.slug}/?type={W('initial')(c)}",
            (302, 302, 302, 302, 302, 302, 302, 302),
            lambda c: {
                "type": W("initial")(c),
                "tz": CHICAGO,
                "slot": slot_value(c),
                "name": "Ana Torres",
                "email": "ana@example.com",
                "ts": shown_form_token(c.firm.slug),
            },
        ),
        page(
            "book/<slug:slug>/booked/<str:token>/",
            "GET",
            lambda c: f"/book/{c.firm.slug}/booked/{W('cancel_token')(c)}/",
            PUBLIC,
        ),
        page(
            "book/cancel/<str:token>/",
            "GET",
            lambda c: f"/book/cancel/{W('cancel_token')(c)}/",
            PUBLIC,
        ),
        page(
            "book/cancel/<str:token>/",
            "POST",
            lambda c: f"/book/cancel/{W('cancel_token')(c)}/",
            PUBLIC,
        ),
        page(
            "calendar/<str:token>.ics",
            "GET",
            lambda c: f"/calendar/{W('feed_token')(c)}.ics",
            PUBLIC,
        ),
        # --- The firm's pages.
        page(
            "booking/availability/",
            "GET",
            lambda c: "/booking/availability/",
            (LOGIN, 200, 200, 200, 404, 404, 404, 200),
        ),
        page(
            "booking/availability/week/",
            "POST",
            lambda c: "/booking/availability/week/",
            # The outsider names our attorney, not of their firm: refused (422).
            (LOGIN, 302, 302, 403, 404, 404, 404, 422),
            lambda c: {"attorney": c.attorney.pk, "day0": "9:00-12:00"},
        ),
        page(
            "booking/availability/exceptions/",
            "POST",
            lambda c: "/booking/availability/exceptions/",
            (LOGIN, 302, 302, 403, 404, 404, 404, 302),
            lambda c: {"attorney": c.attorney.pk, "day": W("monday")(c).isoformat()},
        ),
        page(
            "booking/availability/exceptions/<int:exception_id>/remove/",
            "POST",
            lambda c: f"/booking/availability/exceptions/{W('away')(c)}/remove/",
            (LOGIN, 302, 302, 403, 404, 404, 404, 404),
        ),
        page(
            "booking/availability/feed/reset/",
            "POST",
            lambda c: "/booking/availability/feed/reset/",
            (LOGIN, 302, 302, 403, 404, 404, 404, 302),
        ),
        page(
            "booking/consultation-types/",
            "POST",
            lambda c: "/booking/consultation-types/",
            (LOGIN, 302, 403, 403, 404, 404, 404, 302),
            {"name_en": "Quick call", "name_es": "Llamada breve", "minutes": "15"},
        ),
        page(
            "booking/consultation-types/<int:type_id>/toggle/",
            "POST",
            lambda c: f"/booking/consultation-types/{W('review')(c)}/toggle/",
            (LOGIN, 302, 403, 403, 404, 404, 404, 404),
        ),
        page(
            "booking/appointments/",
            "GET",
            lambda c: "/booking/appointments/",
            (LOGIN, 200, 200, 200, 404, 404, 200, 200),
        ),
        page(
            "booking/appointments/new/",
            "GET",
            lambda c: "/booking/appointments/new/",
            (LOGIN, 200, 200, 200, 404, 404, 200, 200),
        ),
        page(
            "booking/appointments/<int:appointment_id>/cancel/",
            "POST",
            lambda c: f"/booking/appointments/{W('appointment')(c)}/cancel/",
            (LOGIN, 302, 302, 302, 404, 404, 302, 404),
        ),
    ]
