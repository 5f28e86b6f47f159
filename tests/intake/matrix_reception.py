"""Authorization-matrix rows for intake (reception): API endpoints and pages, on the intake world
(tests/intake/world.py). In that world the cast's contractor works our front desk; here they have
logged a call for the attorney (so a message waits in the attorney's inbox) and there is one shift
of theirs this week. The outsider owns another firm: they work their own front desk."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.intake.world import intake_world

# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
LISTS = (401, 200, 200, 200, 200, 200, 200, 200)
# Reception's own object of our firm: the whole front desk reads and completes it.
FRONT_DESK = (401, 200, 200, 200, 404, 404, 200, 404)
# Made at the actor's own front desk (the outsider at theirs); provider staff have none.
LOG = (401, 201, 201, 201, 403, 403, 201, 201)
# The front desk's pages: provider staff work no front desk.
PAGES = ("login", 200, 200, 200, 403, 403, 200, 200)


def reception_world(cast) -> dict:
    if getattr(cast, "reception_world", None):
        return cast.reception_world
    intake_world(cast)
    from counselbench.intake.models import Shift
    from counselbench.intake.services import reception

    entry = reception.log_entry(
        cast.actor("contractor"),
        data={
            "caller_name": "Rosa Delgado",
            "number": "512-555-0147",
            "reason": "Car accident",
            "message": "Please call back after 3.",
            "outcome": "message_taken",
            "for_user_id": cast.attorney.pk,
            "urgency": "high",
        },
    )
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    shift = Shift.objects.create(
        organization=cast.firm,
        person=cast.contractor,
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        created_by=cast.owner,
    )
    cast.reception_world = {
        "entry": entry.pk,
        "message": entry.messages.get().pk,
        "shift": shift.pk,
    }
    return cast.reception_world


def _id(key: str):
    return lambda cast: reception_world(cast)[key]


def routes(Route):  # noqa: N803 - the matrix's Route class
    def api(method, path, url, expect, data=None):
        def built(cast):
            reception_world(cast)
            return url(cast)

        return Route(f"{method} {path}", method, built, expect, data=data or {}, json=True)

    def page(key, method, url, expect, data=None):
        def built(cast):
            reception_world(cast)
            return url(cast)

        return Route(key, method, built, expect, data=data or {})

    entry = lambda tail="": lambda c: f"/api/v1/reception/log/{_id('entry')(c)}{tail}"  # noqa: E731
    shift = lambda c: f"/api/v1/shifts/{_id('shift')(c)}"  # noqa: E731
    in_two_days = lambda: timezone.now().replace(microsecond=0) + timedelta(days=2)  # noqa: E731
    return [
        # --- The log
        api("GET", "/api/v1/reception/log", lambda c: "/api/v1/reception/log", LISTS),
        api(
            "POST",
            "/api/v1/reception/log",
            lambda c: "/api/v1/reception/log",
            LOG,
            {"caller_name": "Ben Ortiz", "number": "5125550199", "outcome": "transferred"},
        ),
        api("GET", "/api/v1/reception/log/{entry_id}", entry(), FRONT_DESK),
        api(
            "PATCH",
            "/api/v1/reception/log/{entry_id}",
            entry(),
            FRONT_DESK,
            {"reason": "Car accident on I-35"},
        ),
        # --- Messages: the attorney's (left by the contractor); read by its recipient only.
        api("GET", "/api/v1/messages", lambda c: "/api/v1/messages", LISTS),
        api(
            "POST",
            "/api/v1/messages",
            lambda c: "/api/v1/messages",
            # The outsider leaves messages at their own firm, not for our attorney (422).
            (401, 201, 201, 201, 403, 403, 201, 422),
            lambda c: {"recipient_id": c.attorney.pk, "subject": "Courier at the door"},
        ),
        api(
            "POST",
            "/api/v1/messages/{message_id}/read",
            lambda c: f"/api/v1/messages/{_id('message')(c)}/read",
            (401, 404, 200, 404, 404, 404, 403, 404),
        ),
        # --- The telephony webhook: public, signed; an unsigned call is 401 for everyone.
        api(
            "POST",
            "/api/v1/intake/call-events",
            lambda c: "/api/v1/intake/call-events?firm=our-firm",
            (401,) * 8,
            {"event_id": "e1", "call_id": "CA1", "type": "call.started"},
        ),
        # --- Shifts: the front desk reads the rota; owners and staff plan it.
        api(
            "GET",
            "/api/v1/shifts",
            lambda c: "/api/v1/shifts",
            (401, 200, 200, 200, 403, 403, 200, 200),
        ),
        api(
            "POST",
            "/api/v1/shifts",
            lambda c: "/api/v1/shifts",
            # The outsider plans their own rota; our receptionist is not at their desk (422).
            (401, 201, 403, 201, 403, 403, 403, 422),
            lambda c: {
                "person_id": c.contractor.pk,
                "starts_at": in_two_days().isoformat(),
                "ends_at": (in_two_days() + timedelta(hours=6)).isoformat(),
            },
        ),
        api(
            "PATCH",
            "/api/v1/shifts/{shift_id}",
            shift,
            (401, 200, 403, 200, 404, 404, 403, 404),
            {"note": "Covering for Grace"},
        ),
        api(
            "DELETE",
            "/api/v1/shifts/{shift_id}",
            shift,
            (401, 204, 403, 204, 404, 404, 403, 404),
        ),
        # --- Pages
        page("reception/", "GET", lambda c: "/reception/", PAGES),
        page(
            "reception/",
            "POST",
            lambda c: "/reception/",
            ("login", 302, 302, 302, 403, 403, 302, 302),
            {
                "channel": "call",
                "caller_name": "Ben Ortiz",
                "number": "5125550199",
                "urgency": "normal",
                "language": "en",
                "outcome": "transferred",
            },
        ),
        page(
            "reception/<int:entry_id>/",
            "GET",
            lambda c: f"/reception/{_id('entry')(c)}/",
            ("login", 200, 200, 200, 404, 404, 200, 404),
        ),
        page("reception/summary/", "GET", lambda c: "/reception/summary/", PAGES),
        page("reception/shifts/", "GET", lambda c: "/reception/shifts/", PAGES),
        page(
            "reception/shifts/<int:shift_id>/delete/",
            "POST",
            lambda c: f"/reception/shifts/{_id('shift')(c)}/delete/",
            ("login", 302, 403, 302, 404, 404, 403, 404),
        ),
        page("messages/", "GET", lambda c: "/messages/", PAGES),
        page(
            "messages/<int:message_id>/",
            "GET",
            lambda c: f"/messages/{_id('message')(c)}/",
            ("login", 404, 200, 404, 404, 404, 200, 404),
        ),
        page(
            "messages/<int:message_id>/read/",
            "POST",
            lambda c: f"/messages/{_id('message')(c)}/read/",
            ("login", 404, 302, 404, 404, 404, 403, 404),
        ),
    ]
