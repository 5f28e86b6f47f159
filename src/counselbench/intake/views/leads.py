"""The leads pipeline pages: the board (columns new → contacted → consult booked → retained /
not retained, with filters and search) and a lead's page (score and reasons, answers, conflict
hits, history, reception and appointments; move, contact, assign, clear the flag, convert).
Every write goes through intake.services.leads; a move posts a small form, which htmx swaps in
place when it is there and which works as a plain form post without it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, ActorRequest, can
from counselbench.core.errors import DomainError
from counselbench.core.pagination import page_of
from counselbench.core.usps import US_STATES
from counselbench.intake import selectors
from counselbench.intake.models import Lead, LeadState, QuestionKind
from counselbench.intake.services import leads as services
from counselbench.matters.views.outcomes import refusal_text
from counselbench.organizations.models import Membership, Organization, Role
from counselbench.talent.models import PracticeArea

EVENT_LABELS = {
    "created": "Received",
    "routed": "Routed",
    "stage": "Moved",
    "contact": "Contacted",
    "assigned": "Assigned",
    "conflict_flagged": "Conflict flagged",
    "conflict_cleared": "Conflict cleared",
    "converted": "Converted",
    "response_alert": "Response alert",
    "duplicate": "Possible repeat received",
    "possible_repeat": "Possible repeat",
    "details": "Details given",
}
FLAGS = (
    ("conflict", "Conflict flag"),
    ("spam", "Suspected spam"),
    ("duplicate", "Possible repeats"),
    ("overdue", "Waiting past the target"),
)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _firm(request: ActorRequest) -> Organization:
    """The firm whose board this is: the member's own, or the receptionist's chosen one."""
    actor = request.actor
    services.require_front_desk(actor)
    if actor.organization is not None:
        return actor.organization
    firms = sorted(actor.reception_firm_ids())
    chosen = _int(request.GET.get("firm"))
    return Organization.objects.get(pk=chosen if chosen in firms else firms[0])


def _people(organization_id: int) -> list[tuple[int, str]]:
    return [(u.pk, u.display_name) for u in services.lead_workers(organization_id)]


def _attorneys(organization_id: int) -> list[tuple[int, str]]:
    return [
        (m.user.pk, m.user.display_name)
        for m in Membership.objects.filter(
            organization_id=organization_id, role__in=(Role.OWNER, Role.ATTORNEY)
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


# --- The board -----------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    firm = _firm(request)
    now = timezone.now()
    area = request.GET.get("practice_area", "")
    area = area if area in PracticeArea.values else ""
    assignee_raw = request.GET.get("assignee", "")
    assignee = _int(assignee_raw)
    flag = request.GET.get("flag", "")
    flag = flag if flag in dict(FLAGS) else ""
    q = request.GET.get("q", "").strip()[:200]
    view = "list" if request.GET.get("view") == "list" else "board"
    stage = request.GET.get("stage", "")
    stage = stage if stage in LeadState.values else ""
    rows = selectors.leads(
        actor,
        organization_id=firm.pk,
        practice_area=area or None,
        assigned_to=assignee,
        unassigned=assignee_raw == "none",
        flagged=True if flag == "conflict" else None,
        spam=True if flag == "spam" else None,
        overdue=True if flag == "overdue" else None,
        repeats=True if flag == "duplicate" else None,
        q=q,
        now=now,
    )
    context: dict[str, Any] = {
        "firm": firm,
        "firms": (
            Organization.objects.filter(pk__in=actor.reception_firm_ids()).order_by("name")
            if actor.organization is None
            else []
        ),
        "view": view,
        "practice_area": area,
        "assignee": assignee_raw if assignee or assignee_raw == "none" else "",
        "flag": flag,
        "q": q,
        "stage": stage,
        "practice_areas": PracticeArea.choices,
        "people": _people(firm.pk),
        "flags": FLAGS,
        "stages": LeadState.choices,
        "query": urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "view")]),
        "figures": selectors.response_times(
            actor,
            organization_id=firm.pk,
            start=timezone.localdate() - timedelta(days=29),
            end=timezone.localdate(),
            now=now,
        ),
        "next": request.get_full_path(),
    }
    if view == "list":
        found = rows.filter(stage=stage) if stage else rows
        page = page_of(request, found)
        selectors.mark_overdue(actor, list(page.object_list), now)
        context["page"] = page
    else:
        context["columns"] = [
            (
                column,
                [
                    (s, LeadState(s).label)
                    for s in LeadState.values
                    if s in services.TRANSITIONS[column.stage]
                ],
            )
            for column in selectors.board(actor, rows, now=now)
        ]
        context["column_limit"] = selectors.BOARD_COLUMN_LIMIT
    return render(request, "intake/leads/board.html", context)


# --- One lead ------------------------------------------------------------------------------------


def _answers(lead: Lead) -> list[tuple[str, str]]:
    """The answers with their questions' labels (and choice labels) where the form has them."""
    questions = {q.key: q for q in lead.form.questions.all()} if lead.form else {}
    shown = []
    for key, value in (lead.answers or {}).items():
        question = questions.get(key)
        label = question.label_en if question else key.replace("_", " ").capitalize()
        text = value
        if question and question.choices:
            text = next(
                (c.get("en", value) for c in question.choices if c.get("value") == value), value
            )
        if isinstance(text, bool):
            text = "Yes" if text else "No"
        elif question and question.kind == QuestionKind.YES_NO and value in ("yes", "no"):
            text = value.capitalize()
        shown.append((label, str(text)))
    return shown


@login_required
@require_GET
def lead_detail(request: ActorRequest, lead_id: int) -> HttpResponse:
    actor = request.actor
    lead = selectors.lead(actor, lead_id)
    may_convert = can(actor, Action.CONVERT, lead)
    for event in lead.shown_events:  # type: ignore[attr-defined]
        event.label = EVENT_LABELS.get(event.kind, event.kind.replace("_", " ").capitalize())
        event.to_label = (
            LeadState(event.to_stage).label if event.to_stage in LeadState.values else ""
        )
    for reason in lead.score_reasons or []:
        if isinstance(reason, dict):
            reason["label"] = str(reason.get("factor", "")).replace("_", " ").capitalize()
    return render(
        request,
        "intake/leads/detail.html",
        {
            "lead": lead,
            "firm": lead.organization,  # its time zone for the page's times
            "answers": _answers(lead),
            "see_hits": services.may_see_conflict_hits(actor, lead),
            "conflict_open": services.conflict_open(lead),
            "may_clear": can(actor, Action.CLEAR, lead),
            "may_convert": may_convert,
            "moves": [(s, LeadState(s).label) for s in services.allowed_moves(lead)],
            "close_repeat": lead.duplicate_of_id is not None
            and LeadState.NOT_RETAINED in services.allowed_moves(lead),
            "channels": [(c, c.replace("_", " ").capitalize()) for c in services.CONTACT_CHANNELS],
            "people": _people(lead.organization_id),
            "attorneys": _attorneys(lead.organization_id) if may_convert else [],
            "default_attorney": services.default_attorney_id(lead) or actor.user.pk,
            "default_title": services.default_title(lead),
            "default_jurisdiction": services.default_jurisdiction(lead),
            "states": sorted(US_STATES.items(), key=lambda kv: kv[1]),
            "may_see_matter": lead.matter_id is not None
            and actor.organization is not None
            and actor.organization.pk == lead.organization_id,
            "next": request.get_full_path(),
        },
    )


# --- Actions -------------------------------------------------------------------------------------


def _act(request: ActorRequest, lead_id: int, act: Callable[[], str]) -> HttpResponse:
    """Run the action, say how it went, and go back where the form was (the board or the page)."""
    try:
        done = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("intake:lead", args=[lead_id])
    return redirect(target)


@login_required
@require_POST
def move(request: ActorRequest, lead_id: int) -> HttpResponse:
    to = request.POST.get("to", "")

    def act() -> str:
        lead = services.transition(
            request.actor,
            lead_id=lead_id,
            to=to,
            note=request.POST.get("note", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
        return f"{lead.name}: {lead.get_stage_display()}."

    return _act(request, lead_id, act)


@login_required
@require_POST
def contact(request: ActorRequest, lead_id: int) -> HttpResponse:
    def act() -> str:
        lead = services.record_contact(
            request.actor,
            lead_id=lead_id,
            channel=request.POST.get("channel", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
        return f"Contact with {lead.name} recorded."

    return _act(request, lead_id, act)


@login_required
@require_POST
def assign(request: ActorRequest, lead_id: int) -> HttpResponse:
    raw = request.POST.get("user_id", "")
    user_id = _int(raw)

    def act() -> str:
        if raw and user_id is None:
            from counselbench.core.errors import Invalid

            raise Invalid.field("user_id", "Choose a member of the firm's front desk.")
        lead = services.assign(request.actor, lead_id=lead_id, user_id=user_id, request=request)
        who = lead.assigned_to.display_name if lead.assigned_to else "nobody"
        return f"{lead.name} is assigned to {who}."

    return _act(request, lead_id, act)


@login_required
@require_POST
def clear_conflict(request: ActorRequest, lead_id: int) -> HttpResponse:
    def act() -> str:
        lead = services.clear_conflict(
            request.actor, lead_id=lead_id, reason=request.POST.get("reason", ""), request=request
        )
        return f"The conflict flag on {lead.name} is cleared."

    return _act(request, lead_id, act)


@login_required
@require_POST
def convert(request: ActorRequest, lead_id: int) -> HttpResponse:
    data: dict[str, Any] = {
        key: request.POST.get(key, "").strip()
        for key in ("title", "jurisdiction", "description")
        if request.POST.get(key, "").strip()
    }
    attorney = _int(request.POST.get("responsible_attorney_id"))
    if attorney:
        data["responsible_attorney_id"] = attorney

    def act() -> str:
        lead = services.convert(request.actor, lead_id=lead_id, data=data, request=request)
        assert lead.matter is not None
        return f"Converted: client {lead.name}, matter {lead.matter.number} opened."

    return _act(request, lead_id, act)


urlpatterns: list = [
    path("leads/", board, name="leads"),
    path("leads/<int:lead_id>/", lead_detail, name="lead"),
    path("leads/<int:lead_id>/move/", move, name="lead_move"),
    path("leads/<int:lead_id>/contact/", contact, name="lead_contact"),
    path("leads/<int:lead_id>/assign/", assign, name="lead_assign"),
    path("leads/<int:lead_id>/clear-conflict/", clear_conflict, name="lead_clear_conflict"),
    path("leads/<int:lead_id>/convert/", convert, name="lead_convert"),
]
