"""Authorization-matrix rows for billing (issue 7), imported by tests/test_authorization_matrix.py.

Built on the matters world (tests/matters/matrix.py): the contractor has a draft and a submitted
time entry on the task assigned to them, which the firm's attorney supervises.
"""

from __future__ import annotations

from django.utils import timezone

from tests.matters.matrix import SIGNED_IN_API, world


def time_world(cast) -> dict:
    if getattr(cast, "time_world", None):
        return cast.time_world
    from counselbench.billing.services.time import EntryInput, log_time, submit

    task = world(cast)["task"]
    contractor = cast.actor("contractor")

    def entry(minutes):
        data = EntryInput(
            minutes=minutes, date=timezone.localdate(), description="Summary", task_id=task
        )
        return log_time(contractor, data=data)

    draft, submitted = entry(30), entry(90)
    submit(contractor, entry_ids=[submitted.pk])
    cast.time_world = {"task": task, "draft": draft.pk, "submitted": submitted.pk}
    return cast.time_world


def T(key: str):  # noqa: N802 - reads like a table column
    return lambda cast: time_world(cast)[key]


# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
# Bulk actions name entries in the body: ids the caller cannot see are "no such entries" (422).
DECIDERS = (401, 200, 200, 422, 422, 422, 403, 422)


def routes(Route):  # noqa: N803 - the matrix's Route class
    def api(method, path, url, expect, data=None):
        return Route(f"{method} {path}", method, url, expect, data=data or {}, json=True)

    entry_url = lambda key: lambda c: f"/api/v1/time-entries/{time_world(c)[key]}"  # noqa: E731
    return [
        api("GET", "/api/v1/time-entries", lambda c: "/api/v1/time-entries", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/time-entries",
            lambda c: "/api/v1/time-entries",
            (401, 201, 201, 201, 403, 403, 201, 404),
            lambda c: {
                "task_id": time_world(c)["task"],
                "date": timezone.localdate().isoformat(),
                "minutes": 45,
                "description": "Review of the transcript",
            },
        ),
        api(
            "GET",
            "/api/v1/time-entries/{entry_id}",
            entry_url("submitted"),
            (401, 200, 200, 404, 404, 404, 200, 404),
        ),
        api(
            "PATCH",
            "/api/v1/time-entries/{entry_id}",
            entry_url("draft"),
            (401, 403, 403, 404, 404, 404, 200, 404),
            {"description": "Summary, pages 1-40"},
        ),
        api(
            "DELETE",
            "/api/v1/time-entries/{entry_id}",
            entry_url("draft"),
            (401, 403, 403, 404, 404, 404, 204, 404),
        ),
        api(
            "POST",
            "/api/v1/time-entries/submit",
            lambda c: "/api/v1/time-entries/submit",
            (401, 403, 403, 422, 422, 422, 200, 422),
            lambda c: {"entry_ids": [time_world(c)["draft"]]},
        ),
        api(
            "POST",
            "/api/v1/time-entries/approve",
            lambda c: "/api/v1/time-entries/approve",
            DECIDERS,
            lambda c: {"entry_ids": [time_world(c)["submitted"]]},
        ),
        api(
            "POST",
            "/api/v1/time-entries/reject",
            lambda c: "/api/v1/time-entries/reject",
            DECIDERS,
            lambda c: {"entry_ids": [time_world(c)["submitted"]], "reason": "Split the tasks"},
        ),
    ]


LOGIN = "login"


def page_routes(Route):  # noqa: N803 - the matrix's Route class
    def page(method, pattern, url, expect, data=None):
        return Route(f"time/{pattern}", method, url, expect, data=data or {})

    today = lambda: timezone.localdate().isoformat()  # noqa: E731
    entry = lambda key, action: lambda c: f"/time/entries/{time_world(c)[key]}/{action}/"  # noqa: E731
    return [
        # Provider staff log no time: the page refuses them.
        page("GET", "", lambda c: "/time/", (LOGIN, 200, 200, 200, 403, 403, 200, 200)),
        page("POST", "entries/", lambda c: "/time/entries/",
             # Only the contractor has this task on their sheet; the others get the form back.
             (LOGIN, 422, 422, 422, 403, 403, 302, 422),
             lambda c: {"task_id": time_world(c)["task"], "date": today(), "minutes": "1:30",
                        "description": "Transcript review", "billable": "on"}),
        page("POST", "entries/<int:entry_id>/edit/", entry("draft", "edit"),
             (LOGIN, 403, 403, 404, 404, 404, 302, 404),
             lambda c: {"date": today(), "minutes": "0:45", "description": "Summary"}),
        page("POST", "entries/<int:entry_id>/delete/", entry("draft", "delete"),
             (LOGIN, 403, 403, 404, 404, 404, 302, 404)),
        # The submitted entry cannot be corrected yet (only approved ones are): 422 for its author.
        page("POST", "entries/<int:entry_id>/correct/", entry("submitted", "correct"),
             (LOGIN, 403, 403, 404, 404, 404, 422, 404),
             lambda c: {"date": today(), "minutes": "-0:15", "description": "Overcounted"}),
        page("POST", "submit/", lambda c: "/time/submit/",
             (LOGIN, 302, 302, 302, 403, 403, 302, 302), lambda c: {"week": today()}),
        page("POST", "timer/start/", lambda c: "/time/timer/start/",
             (LOGIN, 302, 302, 302, 403, 403, 302, 404),
             lambda c: {"task_id": time_world(c)["task"]}),
        page("POST", "timer/stop/", lambda c: "/time/timer/stop/",
             (LOGIN, 302, 302, 302, 403, 403, 302, 302)),
        page("POST", "timer/discard/", lambda c: "/time/timer/discard/",
             (LOGIN, 302, 302, 302, 403, 403, 302, 302)),
        page("GET", "approvals/", lambda c: "/time/approvals/",
             (LOGIN, 200, 200, 403, 403, 403, 403, 200)),
        page("POST", "approvals/decide/", lambda c: "/time/approvals/decide/",
             (LOGIN, 302, 302, 403, 403, 403, 403, 422),
             lambda c: {"entry_ids": [time_world(c)["submitted"]], "decision": "approve"}),
    ]  # fmt: skip
