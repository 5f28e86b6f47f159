"""Matter pages: the list with search and filters, a new matter (with an inline client), and the
matter page with its parties, the client's consent, conflict checks, screens, documents, access
alerts and access trail. Every write goes through matters.services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.models import AccessLogEntry
from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, require, visible
from counselbench.core.errors import DomainError, Invalid, NotFound, PermissionDenied
from counselbench.core.forms import add_domain_error
from counselbench.core.pagination import page_of
from counselbench.core.usps import US_STATES
from counselbench.engagements import selectors as engagement_selectors
from counselbench.engagements.models import LIVE_STATES
from counselbench.matters import selectors
from counselbench.matters.downloads import download_response
from counselbench.matters.forms import (
    PARTY_ROWS,
    ConflictCheckForm,
    ConsentForm,
    DocumentForm,
    MatterEditForm,
    MatterForm,
    ReasonForm,
    ScreenForm,
    VersionForm,
    party_rows,
)
from counselbench.matters.models import (
    ConflictCheck,
    Consent,
    Document,
    DocumentVersion,
    Matter,
    MatterStatus,
    PartyRole,
    Screen,
    Task,
    TaskStatus,
)
from counselbench.matters.services import alerts as alert_services
from counselbench.matters.services import conflicts as conflict_services
from counselbench.matters.services import documents as document_services
from counselbench.matters.services import matters as services
from counselbench.matters.views.outcomes import back
from counselbench.organizations.models import Membership, Role
from counselbench.talent.models import PracticeArea

FIRM_ROLES = (Role.OWNER, Role.ATTORNEY, Role.STAFF)
TRAIL_LENGTH = 50


def require_firm(actor: Actor) -> None:
    """Matter pages belong to a law firm's members; a contractor has "My tasks"."""
    if actor.organization is None or actor.role not in FIRM_ROLES:
        raise NotFound("Matters belong to a law firm's members.")


def attorneys(actor: Actor) -> list:
    return [
        m.user
        for m in visible(actor, Membership)
        .filter(role__in=(Role.OWNER, Role.ATTORNEY))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


def live_engagements(actor: Actor):
    return (
        engagement_selectors.engagements(actor)
        .filter(organization=actor.organization, state__in=LIVE_STATES)
        .order_by("professional__user__full_name", "pk")
    )


def query_without_page(request: ActorRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


# --- The list and a new matter -------------------------------------------------------------------


@login_required
@require_GET
def matter_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_firm(actor)
    q = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    status = status if status in MatterStatus.values else ""
    area = request.GET.get("practice_area", "")
    area = area if area in PracticeArea.values else ""
    jurisdiction = request.GET.get("jurisdiction", "").upper()
    jurisdiction = jurisdiction if jurisdiction in US_STATES else ""
    found = selectors.matters(
        actor,
        q=q,
        status=status or None,
        practice_area=area or None,
        jurisdiction=jurisdiction or None,
    ).order_by("-opened_on", "-pk")
    return render(
        request,
        "matters/list.html",
        {
            "page": page_of(request, found),
            "query": query_without_page(request),
            "q": q,
            "status": status,
            "practice_area": area,
            "jurisdiction": jurisdiction,
            "statuses": MatterStatus.choices,
            "practice_areas": PracticeArea.choices,
            "states": sorted(US_STATES.items(), key=lambda kv: kv[1]),
            "may_open": can(actor, Action.CREATE, Matter),
        },
    )


def _place_errors(form: forms.Form, error: DomainError) -> None:
    """Party rows are not form fields: their errors go to the top of the form, by row."""
    placed = False
    for field_error in error.fields:
        parts = field_error.path.split(".")
        if parts[0] == "parties" and len(parts) > 1 and parts[1].isdigit():
            form.add_error(None, f"Party {int(parts[1]) + 1}: {field_error.message}")
            placed = True
        elif parts[-1] in form.fields:
            form.add_error(parts[-1], field_error.message)
            placed = True
    if not placed:
        add_domain_error(form, error)


@login_required
@require_http_methods(["GET", "POST"])
def matter_new(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require(actor, Action.CREATE, Matter, "Owners and attorneys open matters.")
    lawyers = attorneys(actor)
    me = actor.authenticated_user
    form = MatterForm(
        request.POST or None,
        initial={
            "opened_on": timezone.localdate(),
            "responsible_attorney_id": me.pk if me in lawyers else None,
            "practice_area": PracticeArea.LITIGATION,
        },
        clients=selectors.clients(actor).order_by("name"),
        attorneys=lawyers,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused matter leaves no inline client behind.
            with transaction.atomic():
                client_id = data["client_id"]
                if client_id is None:
                    client = services.create_client(
                        actor,
                        data={"kind": data["new_client_kind"], "name": data["new_client_name"]},
                        request=request,
                    )
                    client_id = client.pk
                matter = services.open_matter(
                    actor,
                    data={
                        "client_id": client_id,
                        "title": data["title"],
                        "description": data["description"],
                        "jurisdiction": data["jurisdiction"],
                        "practice_area": data["practice_area"],
                        "responsible_attorney_id": data["responsible_attorney_id"],
                        "opened_on": data["opened_on"],
                        "number": data["number"],
                    },
                    parties=party_rows(request.POST),
                    request=request,
                )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            _place_errors(form, error)
        else:
            messages.success(
                request, f"Matter {matter.number} opened; the intake conflict check has run."
            )
            return redirect("matters:detail", matter_id=matter.pk)
    rows = [
        (i, request.POST.get(f"party_{i}_name", ""), request.POST.get(f"party_{i}_role", ""))
        for i in range(1, PARTY_ROWS + 1)
    ]
    return render(
        request,
        "matters/new.html",
        {"form": form, "party_rows": rows, "party_roles": _party_roles()},
        status=422 if form.errors else 200,
    )


def _party_roles() -> list[tuple[str, str]]:
    # The client is added from the client field; rows name the others.
    return [(v, label) for v, label in PartyRole.choices if v != PartyRole.CLIENT]


# --- The matter page -----------------------------------------------------------------------------


def _screenable(actor: Actor, matter: Matter) -> list[tuple[int, str]]:
    members = visible(actor, Membership).select_related("user").order_by("user__full_name")
    people = {m.user_id: f"{m.user.display_name} ({m.get_role_display()})" for m in members}
    for e in engagement_selectors.engagements(actor).filter(organization=matter.organization):
        user = e.professional.user
        people.setdefault(user.pk, f"{user.display_name} ({e.professional.get_role_display()})")
    people.pop(actor.authenticated_user.pk, None)
    return sorted(people.items(), key=lambda kv: kv[1])


def _matter_page(
    request: ActorRequest, matter: Matter, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    actor = request.actor
    may_change = can(actor, Action.CHANGE, matter)
    checks, fresh = conflict_services.latest_checks(actor, matter_id=matter.pk)
    documents = list(document_services.documents(actor, matter_id=matter.pk))
    versions: dict[int, list[DocumentVersion]] = defaultdict(list)
    for version in (
        visible(actor, DocumentVersion)
        .filter(document__matter=matter)
        .select_related("uploaded_by")
        .order_by("document_id", "-number")
    ):
        versions[version.document_id].append(version)
    consents = list(
        visible(actor, Consent).filter(matter=matter).select_related("recorded_by", "withdrawn_by")
    )
    tasks = selectors.tasks(actor, matter_id=matter.pk)
    counts = dict(tasks.order_by().values_list("status").annotate(n=Count("pk")))
    engagements = list(live_engagements(actor)) if may_change else []
    lawyers = attorneys(actor) if may_change else []
    context: dict[str, Any] = {
        "m": matter,
        "may_change": may_change,
        "may_clear": can(actor, Action.CLEAR, matter),
        "may_create_task": can(actor, Action.CREATE, Task),
        "may_upload": can(actor, Action.CREATE, Document),
        "parties": matter.parties.select_related("added_by"),
        "party_roles": _party_roles(),
        "party_rows": range(1, 3),
        "consent": next((c for c in consents if c.withdrawn_at is None), None),
        "consents": consents,
        "checks": [(c, fresh.is_stale(c), conflict_services.is_latest(c, checks)) for c in checks],
        "another_firm": conflict_services.HitSource.ANOTHER_FIRM,
        "tasks": tasks[:20],
        "task_total": sum(counts.values()),
        "task_counts": [(label, counts.get(value, 0)) for value, label in TaskStatus.choices],
        "documents": [(d, versions[d.pk]) for d in documents],
        "screens": visible(actor, Screen)
        .filter(matter=matter, removed_at__isnull=True)
        .select_related("user", "created_by"),
        "edit_form": bound.get("edit_form")
        or MatterEditForm(
            initial={
                "title": matter.title,
                "status": matter.status,
                "practice_area": matter.practice_area,
                "responsible_attorney_id": matter.responsible_attorney_id,
            },
            attorneys=lawyers,
        ),
        "consent_form": bound.get("consent_form")
        or ConsentForm(initial={"consented_on": timezone.localdate()}),
        "check_form": ConflictCheckForm(engagements=engagements),
        "screen_form": bound.get("screen_form")
        or ScreenForm(people=_screenable(actor, matter) if may_change else []),
        "document_form": bound.get("document_form") or DocumentForm(),
        "version_form": VersionForm(),
        "reason_form": ReasonForm(),
        "open": {name for name, form in bound.items() if form.errors},
    }
    if actor.role == Role.OWNER:
        context["alerts"] = alert_services.alerts_for(actor, matter_id=matter.pk)[:20]
    if can(actor, Action.VIEW, AccessLogEntry):
        context["trail"] = (
            visible(actor, AccessLogEntry)
            .filter(
                Q(detail__matter_id=matter.pk)
                | Q(object_type=Matter._meta.label_lower, object_id=str(matter.pk))
            )
            .order_by("-seq")[:TRAIL_LENGTH]
        )
    return render(request, "matters/detail.html", context, status=status)


@login_required
@require_GET
def matter_detail(request: ActorRequest, matter_id: int) -> HttpResponse:
    return _matter_page(request, fetch(request.actor, Matter, pk=matter_id))


def _matter_form(
    request: ActorRequest,
    matter_id: int,
    name: str,
    form: forms.Form,
    act: Callable[[dict], str],
    anchor: str,
    action: Action = Action.CHANGE,
) -> HttpResponse:
    """A form on the matter page: done, back to the page; refused, the page again with the
    form's errors (nothing changed). Who may not act at all gets 403 whatever they sent."""
    matter = fetch(request.actor, Matter, action, pk=matter_id)
    status = 422
    if form.is_valid():
        try:
            done = act(form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect(reverse("matters:detail", args=[matter.pk]) + f"#{anchor}")
    return _matter_page(request, matter, status=status, **{name: form})


def _to_matter(request: ActorRequest, matter_id: int, act: Callable[[], str]) -> HttpResponse:
    return back(request, "matters:detail", act, matter_id=matter_id)


@login_required
@require_POST
def matter_edit(request: ActorRequest, matter_id: int) -> HttpResponse:
    actor = request.actor
    form = MatterEditForm(request.POST, attorneys=attorneys(actor))

    def act(data: dict) -> str:
        matter = services.update_matter(actor, matter_id=matter_id, changes=data, request=request)
        return f"Matter {matter.number} saved ({matter.get_status_display().lower()})."

    return _matter_form(request, matter_id, "edit_form", form, act, "details")


@login_required
@require_POST
def add_parties(request: ActorRequest, matter_id: int) -> HttpResponse:
    def act() -> str:
        added = services.add_parties(
            request.actor, matter_id=matter_id, parties=party_rows(request.POST), request=request
        )
        names = ", ".join(p.name for p in added)
        return f"Added {names}. Run the conflict checks again: the earlier ones are out of date."

    return _to_matter(request, matter_id, act)


@login_required
@require_POST
def remove_party(request: ActorRequest, matter_id: int, party_id: int) -> HttpResponse:
    def act() -> str:
        services.remove_party(
            request.actor, matter_id=matter_id, party_id=party_id, request=request
        )
        return "Party removed."

    return _to_matter(request, matter_id, act)


@login_required
@require_POST
def record_consent(request: ActorRequest, matter_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        services.record_consent(request.actor, matter_id=matter_id, data=data, request=request)
        return "The client's consent is recorded."

    return _matter_form(
        request, matter_id, "consent_form", ConsentForm(request.POST), act, "consent"
    )


@login_required
@require_POST
def withdraw_consent(request: ActorRequest, matter_id: int) -> HttpResponse:
    def act() -> str:
        services.withdraw_consent(request.actor, matter_id=matter_id, request=request)
        return "Consent withdrawn: every contractor grant on the matter is revoked."

    return _to_matter(request, matter_id, act)


@login_required
@require_POST
def run_conflict_check(request: ActorRequest, matter_id: int) -> HttpResponse:
    fetch(request.actor, Matter, Action.CHANGE, pk=matter_id)
    form = ConflictCheckForm(request.POST, engagements=live_engagements(request.actor))

    def act() -> str:
        if not form.is_valid():
            raise Invalid.field(
                "professional_id", "Choose intake or one of the firm's engaged professionals."
            )
        check = conflict_services.run_conflict_check(
            request.actor,
            matter_id=matter_id,
            professional_id=form.cleaned_data["professional_id"],
            request=request,
        )
        who = check.professional.user.display_name if check.professional else "intake"
        return f"Conflict check for {who}: {check.get_status_display().lower()}."

    return _to_matter(request, matter_id, act)


@login_required
@require_POST
def clear_conflict(request: ActorRequest, check_id: int) -> HttpResponse:
    check = fetch(request.actor, ConflictCheck, pk=check_id)

    def act() -> str:
        conflict_services.clear_conflict(
            request.actor, check_id=check.pk, reason=request.POST.get("reason", ""), request=request
        )
        return "Possible conflict cleared; your reason is on record."

    return _to_matter(request, check.matter_id, act)


@login_required
@require_POST
def add_screen(request: ActorRequest, matter_id: int) -> HttpResponse:
    matter = fetch(request.actor, Matter, Action.CHANGE, pk=matter_id)
    form = ScreenForm(request.POST, people=_screenable(request.actor, matter))

    def act(data: dict) -> str:
        screen = services.screen_person(request.actor, matter_id=matter.pk, **data, request=request)
        return f"{screen.user.display_name} is screened from this matter."

    return _matter_form(request, matter_id, "screen_form", form, act, "screens")


@login_required
@require_POST
def remove_screen(request: ActorRequest, matter_id: int, screen_id: int) -> HttpResponse:
    def act() -> str:
        screen = services.remove_screen(
            request.actor, matter_id=matter_id, screen_id=screen_id, request=request
        )
        return f"The screen on {screen.user.display_name} is removed."

    return _to_matter(request, matter_id, act)


# --- Documents -----------------------------------------------------------------------------------


@login_required
@require_POST
def upload_document(request: ActorRequest, matter_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        document = document_services.upload_document(
            request.actor,
            matter_id=matter_id,
            title=data["title"],
            upload=data["file"],
            request=request,
        )
        return f"“{document.title}” uploaded, encrypted at rest."

    fetch(request.actor, Matter, pk=matter_id)  # 404 across firms before any 403
    require(request.actor, Action.CREATE, Document)
    form = DocumentForm(request.POST, request.FILES)
    return _matter_form(
        request, matter_id, "document_form", form, act, "documents", action=Action.VIEW
    )


@login_required
@require_POST
def upload_version(request: ActorRequest, document_id: int) -> HttpResponse:
    document = fetch(request.actor, Document, Action.CHANGE, pk=document_id)
    form = VersionForm(request.POST, request.FILES)

    def act() -> str:
        if not form.is_valid():
            raise Invalid.field("file", "Choose the file of the new version.")
        version = document_services.upload_version(
            request.actor,
            document_id=document.pk,
            upload=form.cleaned_data["file"],
            request=request,
        )
        return f"Version {version.number} of “{document.title}” uploaded."

    return _to_matter(request, document.matter_id, act)


@login_required
@require_GET
def download(request: ActorRequest, document_id: int) -> HttpResponse:
    """A version (`?version=N`, the latest by default) as an attachment, streamed."""
    raw = request.GET.get("version", "")
    if raw and not raw.isdigit():
        raise NotFound("Version not found.")
    return download_response(
        request.actor,
        document_id=document_id,
        version=int(raw) if raw else None,
        request=request,
    )


# --- Access alerts -------------------------------------------------------------------------------

ALERT_FILTERS = (("open", "Open"), ("acknowledged", "Acknowledged"), ("all", "All"))


@login_required
@require_GET
def alert_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if actor.organization is None or actor.role != Role.OWNER:
        raise PermissionDenied("Access alerts go to the firm's owners.")
    show = request.GET.get("show", "open")
    show = show if show in dict(ALERT_FILTERS) else "open"
    found = alert_services.alerts_for(
        actor, open_only=show == "open", acknowledged_only=show == "acknowledged"
    )
    return render(
        request,
        "matters/alerts.html",
        {
            "page": page_of(request, found),
            "query": query_without_page(request),
            "show": show,
            "filters": ALERT_FILTERS,
        },
    )


@login_required
@require_POST
def acknowledge_alert(request: ActorRequest, alert_id: int) -> HttpResponse:
    alert = alert_services.acknowledge_alert(request.actor, alert_id=alert_id, request=request)
    messages.success(request, f"Alert acknowledged: {alert.summary}")
    target = request.POST.get("next", "")
    if target == "matter" and alert.matter_id:
        return redirect(reverse("matters:detail", args=[alert.matter_id]) + "#alerts")
    return redirect(reverse("matters:alerts") + "?" + urlencode({"show": "open"}))
