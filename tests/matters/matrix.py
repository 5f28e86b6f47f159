"""Authorization-matrix rows for matters and secure delegation (issue 6), imported by
tests/test_authorization_matrix.py.

The world: our firm's matter with the client's consent and the cast's contractor in an active
engagement, conflict-checked, with one task assigned to them and one document granted through it;
a second document nobody granted; a second matter without consent; a conflict check with a hit to
clear; an access alert; a prior party the contractor declared; a screen on the staff member.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from counselbench.matters.models import AccessAlert, ConflictCheck, PriorParty, Screen
from tests.factories import ClientFactory, EngagementFactory, category

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ROLES_NOTE = "anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider"


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("exhibit.pdf", PDF, content_type="application/pdf")


def world(cast):
    """Built once per cast (each matrix case gets a fresh cast)."""
    if getattr(cast, "matters_world", None):
        return cast.matters_world
    from counselbench.access.policy import actor_for
    from counselbench.matters.services import grants, tasks
    from counselbench.matters.services import matters as services
    from counselbench.matters.services.conflicts import check_matter
    from counselbench.matters.services.documents import upload_document

    attorney = actor_for(cast.attorney, cast.firm)
    client = ClientFactory(organization=cast.firm, name="Harbor Logistics LLC")
    data = {"client_id": client.pk, "jurisdiction": "TX", "practice_area": "litigation"}
    matter = services.open_matter(
        attorney,
        data={**data, "title": "Harbor v. Brightline"},
        parties=[{"name": "Brightline Freight Inc.", "role": "adverse"}],
    )
    # Its intake check finds Brightline on the first matter: a hit for an attorney to clear.
    bare = services.open_matter(
        attorney,
        data={**data, "title": "No consent yet"},
        parties=[{"name": "Brightline Freight Incorporated", "role": "adverse"}],
    )
    services.record_consent(
        attorney,
        matter_id=matter.pk,
        data={
            "consented_by": "Lee Harbor",
            "consented_on": date(2026, 11, 2),
            "method": "written",
            "scope": "Paralegal support",
            "markup_disclosed": True,
        },
    )
    profile = cast.contractor.professional_profile
    prior = PriorParty.objects.create(profile=profile, name="Acme Corp", normalized="acme")
    engagement = EngagementFactory(
        organization=cast.firm, professional=profile, supervising_attorney=cast.attorney
    )
    check_matter(matter, run_by=cast.attorney, professional=profile)
    granted = upload_document(attorney, matter_id=matter.pk, title="Transcript", upload=pdf())
    other = upload_document(attorney, matter_id=matter.pk, title="Strategy memo", upload=pdf())
    task = tasks.create_task(
        attorney,
        matter_id=matter.pk,
        data={
            "title": "Summarize the deposition",
            "category_id": category(cast.firm).pk,
            "engagement_id": engagement.pk,
        },
    )
    grants.attach_document(attorney, task_id=task.pk, document_id=granted.pk)
    hit = ConflictCheck.objects.get(matter=bare, professional=None)
    assert hit.status == "hits"
    alert = AccessAlert.objects.create(
        organization=cast.firm,
        matter=matter,
        subject=cast.contractor,
        rule="download_volume",
        summary="Many downloads",
        window_start=timezone.now().replace(minute=0, second=0, microsecond=0),
    )
    screen = Screen.objects.create(matter=bare, user=cast.staff, reason="Wall")
    cast.matters_world = {
        "matter": matter.pk,
        "bare": bare.pk,
        "client": client.pk,
        "party": matter.parties.get(role="adverse").pk,
        "engagement": engagement.pk,
        "profile": profile.pk,
        "task": task.pk,
        "granted": granted.pk,
        "other": other.pk,
        "grant": task.grants.get().pk,
        "check": hit.pk,
        "alert": alert.pk,
        "prior": prior.pk,
        "screen": screen.pk,
        "category": category(cast.firm).pk,
    }
    return cast.matters_world


def W(key: str):  # noqa: N802 - reads like a table column
    return lambda cast: world(cast)[key]


def _path(template: str, **keys: str):
    return lambda cast: template.format(**{k: world(cast)[v] for k, v in keys.items()})


# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
SIGNED_IN_API = (401, 200, 200, 200, 200, 200, 200, 200)
MATTER_VIEW = (401, 200, 200, 200, 404, 404, 404, 404)
MATTER_EDIT = (401, 200, 200, 403, 404, 404, 404, 404)
MATTER_ADD = (401, 201, 201, 403, 404, 404, 404, 404)
MATTER_REMOVE = (401, 204, 204, 403, 404, 404, 404, 404)
TASK_VIEW = (401, 200, 200, 200, 404, 404, 200, 404)
TASK_EDIT = (401, 200, 200, 403, 404, 404, 403, 404)
DOCUMENT_VIEW = (401, 200, 200, 200, 404, 404, 200, 404)


def routes(Route):  # noqa: N803 - the matrix's Route class
    def api(method, path, url, expect, data=None, json=True):
        return Route(f"{method} {path}", method, url, expect, data=data or {}, json=json)

    return [
        api("GET", "/api/v1/clients", lambda c: "/api/v1/clients", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/clients",
            lambda c: "/api/v1/clients",
            (401, 201, 201, 403, 403, 403, 403, 201),
            {"name": "Pecan Grove Apartments LP"},
        ),
        api("GET", "/api/v1/matters", lambda c: "/api/v1/matters", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/matters",
            lambda c: "/api/v1/matters",
            # The outsider may open matters, but not for our client.
            (401, 201, 201, 403, 403, 403, 403, 422),
            lambda c: {
                "client_id": world(c)["client"],
                "title": "Second dispute",
                "jurisdiction": "TX",
                "practice_area": "litigation",
            },
        ),
        api(
            "GET",
            "/api/v1/matters/{matter_id}",
            _path("/api/v1/matters/{m}", m="matter"),
            MATTER_VIEW,
        ),
        api(
            "PATCH",
            "/api/v1/matters/{matter_id}",
            _path("/api/v1/matters/{m}", m="matter"),
            MATTER_EDIT,
            {"title": "Harbor Logistics v. Brightline Freight"},
        ),
        api(
            "GET",
            "/api/v1/matters/{matter_id}/parties",
            _path("/api/v1/matters/{m}/parties", m="matter"),
            MATTER_VIEW,
        ),
        api(
            "POST",
            "/api/v1/matters/{matter_id}/parties",
            _path("/api/v1/matters/{m}/parties", m="matter"),
            MATTER_ADD,
            {"parties": [{"name": "Northwind Insurance", "role": "adverse"}]},
        ),
        api(
            "DELETE",
            "/api/v1/matters/{matter_id}/parties/{party_id}",
            _path("/api/v1/matters/{m}/parties/{p}", m="matter", p="party"),
            MATTER_REMOVE,
        ),
        api(
            "GET",
            "/api/v1/matters/{matter_id}/consent",
            _path("/api/v1/matters/{m}/consent", m="matter"),
            MATTER_VIEW,
        ),
        api(
            "POST",
            "/api/v1/matters/{matter_id}/consent",
            _path("/api/v1/matters/{m}/consent", m="bare"),
            # The staff member is screened from this matter: it does not exist for them.
            (401, 201, 201, 404, 404, 404, 404, 404),
            {
                "consented_by": "Lee Harbor",
                "consented_on": "2026-11-02",
                "method": "email",
                "scope": "Paralegal support",
                "markup_disclosed": False,
            },
        ),
        api(
            "DELETE",
            "/api/v1/matters/{matter_id}/consent",
            _path("/api/v1/matters/{m}/consent", m="matter"),
            MATTER_EDIT,
        ),
        api(
            "GET",
            "/api/v1/matters/{matter_id}/screens",
            _path("/api/v1/matters/{m}/screens", m="matter"),
            MATTER_VIEW,
        ),
        api(
            "POST",
            "/api/v1/matters/{matter_id}/screens",
            _path("/api/v1/matters/{m}/screens", m="matter"),
            MATTER_ADD,
            lambda c: {"user_id": c.contractor.pk, "reason": "Worked for the adverse party"},
        ),
        api(
            "DELETE",
            "/api/v1/matters/{matter_id}/screens/{screen_id}",
            _path("/api/v1/matters/{m}/screens/{s}", m="bare", s="screen"),
            (401, 200, 200, 404, 404, 404, 404, 404),
        ),
        api(
            "POST",
            "/api/v1/matters/{matter_id}/conflict-check",
            _path("/api/v1/matters/{m}/conflict-check", m="matter"),
            MATTER_ADD,
            lambda c: {"professional_id": world(c)["profile"]},
        ),
        api(
            "GET",
            "/api/v1/matters/{matter_id}/conflict-check",
            _path("/api/v1/matters/{m}/conflict-check", m="matter"),
            MATTER_VIEW,
        ),
        api(
            "POST",
            "/api/v1/conflict-checks/{check_id}/clear",
            _path("/api/v1/conflict-checks/{k}/clear", k="check"),
            (401, 200, 200, 404, 404, 404, 404, 404),  # on the matter the staff is screened from
            {"reason": "Unrelated matter, no confidences."},
        ),
        api("GET", "/api/v1/prior-parties", lambda c: "/api/v1/prior-parties", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/prior-parties",
            lambda c: "/api/v1/prior-parties",
            (401, 403, 403, 403, 403, 403, 201, 403),
            {"name": "Globex Corporation"},
        ),
        api(
            "DELETE",
            "/api/v1/prior-parties/{prior_party_id}",
            _path("/api/v1/prior-parties/{p}", p="prior"),
            (401, 404, 404, 404, 404, 404, 204, 404),
        ),
        # --- Tasks and grants ----------------------------------------------------------------
        api("GET", "/api/v1/tasks", lambda c: "/api/v1/tasks", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/tasks",
            lambda c: "/api/v1/tasks",
            (401, 201, 201, 201, 403, 403, 403, 404),
            lambda c: {
                "matter_id": world(c)["matter"],
                "title": "Index the exhibits",
                "category_id": world(c)["category"],
            },
        ),
        api("GET", "/api/v1/tasks/{task_id}", _path("/api/v1/tasks/{t}", t="task"), TASK_VIEW),
        api(
            "PATCH",
            "/api/v1/tasks/{task_id}",
            _path("/api/v1/tasks/{t}", t="task"),
            TASK_EDIT,
            {"due_on": "2026-12-18"},
        ),
        api(
            "DELETE",
            "/api/v1/tasks/{task_id}",
            _path("/api/v1/tasks/{t}", t="task"),
            (401, 204, 204, 403, 404, 404, 403, 404),
        ),
        api(
            "POST",
            "/api/v1/tasks/{task_id}/assign",
            _path("/api/v1/tasks/{t}/assign", t="task"),
            TASK_EDIT,
            lambda c: {"assignee_id": c.staff.pk},
        ),
        api(
            "POST",
            "/api/v1/tasks/{task_id}/transition",
            _path("/api/v1/tasks/{t}/transition", t="task"),
            # Only the assignee starts the work.
            (401, 403, 403, 403, 404, 404, 200, 404),
            {"to": "in_progress"},
        ),
        api(
            "POST",
            "/api/v1/tasks/{task_id}/comments",
            _path("/api/v1/tasks/{t}/comments", t="task"),
            (401, 201, 201, 201, 404, 404, 201, 404),
            {"body": "Questions on page 12"},
        ),
        api(
            "POST",
            "/api/v1/tasks/{task_id}/documents",
            _path("/api/v1/tasks/{t}/documents", t="task"),
            TASK_EDIT,
            lambda c: {"document_id": world(c)["other"]},
        ),
        api(
            "DELETE",
            "/api/v1/tasks/{task_id}/documents/{document_id}",
            _path("/api/v1/tasks/{t}/documents/{d}", t="task", d="granted"),
            TASK_EDIT,
        ),
        api(
            "POST",
            "/api/v1/tasks/{task_id}/work-product",
            _path("/api/v1/tasks/{t}/work-product", t="task"),
            (401, 403, 403, 403, 404, 404, 201, 404),
            lambda c: {"title": "Summary", "file": pdf()},
            json=False,
        ),
        api("GET", "/api/v1/grants", lambda c: "/api/v1/grants", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/grants",
            lambda c: "/api/v1/grants",
            (401, 201, 201, 403, 404, 404, 403, 404),
            lambda c: {
                "task_id": world(c)["task"],
                "document_id": world(c)["other"],
                "reason": "Needed for the summary",
            },
        ),
        api(
            "POST",
            "/api/v1/grants/{grant_id}/revoke",
            _path("/api/v1/grants/{g}/revoke", g="grant"),
            TASK_EDIT,
            {"reason": "Not needed"},
        ),
        # --- Documents ---------------------------------------------------------------------
        api("GET", "/api/v1/documents", lambda c: "/api/v1/documents", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/documents",
            lambda c: "/api/v1/documents",
            (401, 201, 201, 201, 404, 404, 404, 404),  # the matter is not theirs to see
            lambda c: {"matter_id": world(c)["matter"], "title": "Exhibit", "file": pdf()},
            json=False,
        ),
        api(
            "GET",
            "/api/v1/documents/{document_id}",
            _path("/api/v1/documents/{d}", d="granted"),
            DOCUMENT_VIEW,
        ),
        api(
            "GET",
            "/api/v1/documents/{document_id}/versions",
            _path("/api/v1/documents/{d}/versions", d="granted"),
            DOCUMENT_VIEW,
        ),
        api(
            "POST",
            "/api/v1/documents/{document_id}/versions",
            _path("/api/v1/documents/{d}/versions", d="granted"),
            (401, 201, 201, 201, 404, 404, 403, 404),
            lambda c: {"file": pdf()},
            json=False,
        ),
        api(
            "GET",
            "/api/v1/documents/{document_id}/download",
            _path("/api/v1/documents/{d}/download", d="granted"),
            DOCUMENT_VIEW,
        ),
        # --- Alerts ------------------------------------------------------------------------
        api("GET", "/api/v1/access-alerts", lambda c: "/api/v1/access-alerts", SIGNED_IN_API),
        api(
            "POST",
            "/api/v1/access-alerts/{alert_id}/acknowledge",
            _path("/api/v1/access-alerts/{a}/acknowledge", a="alert"),
            (401, 200, 404, 404, 404, 404, 404, 404),
        ),
    ]


LOGIN = "login"
# anon, owner, attorney, staff, provider_admin, vetting_staff, contractor, outsider
FIRM_LIST = (LOGIN, 200, 200, 200, 404, 404, 404, 200)
FIRM_PAGE = (LOGIN, 200, 200, 200, 404, 404, 404, 404)
EDITOR_FORM = (LOGIN, 200, 200, 403, 403, 403, 403, 200)
# An empty form: refused as invalid (422) for those allowed, before anything changes.
EDITOR_INVALID = (LOGIN, 422, 422, 403, 404, 404, 404, 404)
EDITOR_ACT = (LOGIN, 302, 302, 403, 404, 404, 404, 404)
TASK_PAGE = (LOGIN, 200, 200, 200, 404, 404, 200, 404)
TASK_EDITOR_ACT = (LOGIN, 302, 302, 403, 404, 404, 403, 404)


def page_routes(Route):  # noqa: N803 - the matrix's Route class
    def page(method, pattern, url, expect, data=None):
        return Route(f"matters/{pattern}", method, url, expect, data=data or {})

    return [
        page("GET", "", lambda c: "/matters/", FIRM_LIST),
        page("GET", "new/", lambda c: "/matters/new/", EDITOR_FORM),
        page("GET", "<int:matter_id>/", _path("/matters/{m}/", m="matter"), FIRM_PAGE),
        page("POST", "<int:matter_id>/edit/", _path("/matters/{m}/edit/", m="matter"),
             EDITOR_INVALID),
        page("POST", "<int:matter_id>/parties/", _path("/matters/{m}/parties/", m="matter"),
             EDITOR_ACT),
        page("POST", "<int:matter_id>/parties/<int:party_id>/remove/",
             _path("/matters/{m}/parties/{p}/remove/", m="matter", p="party"), EDITOR_ACT),
        page("POST", "<int:matter_id>/consent/", _path("/matters/{m}/consent/", m="matter"),
             EDITOR_INVALID),
        page("POST", "<int:matter_id>/consent/withdraw/",
             _path("/matters/{m}/consent/withdraw/", m="matter"), EDITOR_ACT),
        page("POST", "<int:matter_id>/conflict-check/",
             _path("/matters/{m}/conflict-check/", m="matter"), EDITOR_ACT),
        page("POST", "conflict-checks/<int:check_id>/clear/",
             _path("/matters/conflict-checks/{k}/clear/", k="check"),
             (LOGIN, 302, 302, 404, 404, 404, 404, 404)),  # staff are screened from that matter
        page("POST", "<int:matter_id>/screens/", _path("/matters/{m}/screens/", m="matter"),
             EDITOR_INVALID),
        page("POST", "<int:matter_id>/screens/<int:screen_id>/remove/",
             _path("/matters/{m}/screens/{s}/remove/", m="bare", s="screen"),
             (LOGIN, 302, 302, 404, 404, 404, 404, 404)),
        page("POST", "<int:matter_id>/documents/", _path("/matters/{m}/documents/", m="matter"),
             (LOGIN, 422, 422, 422, 404, 404, 404, 404)),
        page("POST", "documents/<int:document_id>/versions/",
             _path("/matters/documents/{d}/versions/", d="granted"),
             (LOGIN, 302, 302, 302, 404, 404, 403, 404)),
        page("GET", "documents/<int:document_id>/download/",
             _path("/matters/documents/{d}/download/", d="granted"), TASK_PAGE),
        page("GET", "alerts/", lambda c: "/matters/alerts/",
             (LOGIN, 200, 403, 403, 403, 403, 403, 200)),
        page("POST", "alerts/<int:alert_id>/acknowledge/",
             _path("/matters/alerts/{a}/acknowledge/", a="alert"),
             (LOGIN, 302, 404, 404, 404, 404, 404, 404)),
        page("GET", "tasks/", lambda c: "/matters/tasks/", FIRM_LIST),
        page("GET", "tasks/new/", lambda c: "/matters/tasks/new/",
             (LOGIN, 200, 200, 200, 403, 403, 403, 200)),
        page("GET", "tasks/<int:task_id>/", _path("/matters/tasks/{t}/", t="task"), TASK_PAGE),
        page("POST", "tasks/<int:task_id>/transition/",
             _path("/matters/tasks/{t}/transition/", t="task"),
             (LOGIN, 302, 302, 302, 404, 404, 302, 404)),
        page("POST", "tasks/<int:task_id>/comments/",
             _path("/matters/tasks/{t}/comments/", t="task"),
             (LOGIN, 302, 302, 302, 404, 404, 302, 404)),
        page("POST", "tasks/<int:task_id>/assign/", _path("/matters/tasks/{t}/assign/", t="task"),
             (LOGIN, 422, 422, 403, 404, 404, 403, 404)),
        page("POST", "tasks/<int:task_id>/documents/",
             _path("/matters/tasks/{t}/documents/", t="task"), TASK_EDITOR_ACT),
        page("POST", "tasks/<int:task_id>/documents/<int:document_id>/detach/",
             _path("/matters/tasks/{t}/documents/{d}/detach/", t="task", d="granted"),
             TASK_EDITOR_ACT),
        page("POST", "tasks/<int:task_id>/work-product/",
             _path("/matters/tasks/{t}/work-product/", t="task"),
             (LOGIN, 403, 403, 403, 404, 404, 422, 404)),  # only the assignee; empty is invalid
        page("POST", "grants/<int:grant_id>/revoke/",
             _path("/matters/grants/{g}/revoke/", g="grant"), TASK_EDITOR_ACT),
        page("GET", "my-tasks/", lambda c: "/matters/my-tasks/",
             (LOGIN, 200, 200, 200, 404, 404, 200, 200)),
        page("GET", "prior-parties/", lambda c: "/matters/prior-parties/",
             (LOGIN, 404, 404, 404, 404, 404, 200, 404)),
        page("POST", "prior-parties/<int:prior_party_id>/remove/",
             _path("/matters/prior-parties/{p}/remove/", p="prior"),
             (LOGIN, 404, 404, 404, 404, 404, 302, 404)),
    ]  # fmt: skip
