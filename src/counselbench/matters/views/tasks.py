"""Task pages: the firm's board (kanban or list), a new task, the task page (moves, assignment
behind the unauthorized-practice guard, documents, work product, comments, history, grants), and
"My tasks" — the phone view a contractor works from — with their declared prior parties."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, require, visible
from counselbench.core.errors import DomainError, Invalid, NotFound
from counselbench.core.forms import add_domain_error
from counselbench.core.pagination import page_of
from counselbench.matters import selectors
from counselbench.matters.forms import (
    AssignForm,
    AttachForm,
    CommentForm,
    PriorPartyForm,
    ReasonForm,
    TaskForm,
    WorkProductForm,
    assignee_choices,
    assignee_fields,
)
from counselbench.matters.models import (
    Grant,
    MatterStatus,
    PriorParty,
    Task,
    TaskComment,
    TaskStatus,
)
from counselbench.matters.services import conflicts as conflict_services
from counselbench.matters.services import documents as document_services
from counselbench.matters.services import grants as grant_services
from counselbench.matters.services import tasks as services
from counselbench.matters.views.matters import (
    attorneys,
    live_engagements,
    query_without_page,
    require_firm,
)
from counselbench.matters.views.outcomes import back
from counselbench.organizations.models import Membership, Role
from counselbench.selfaudit.models import TaskCategory

COLUMN_LIMIT = 50
FIRM_MEMBER_ROLES = (Role.OWNER, Role.ATTORNEY, Role.STAFF)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def _assignees(actor: Actor) -> list:
    members = (
        visible(actor, Membership)
        .filter(role__in=FIRM_MEMBER_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return assignee_choices(members, live_engagements(actor))


def _people(actor: Actor) -> list[tuple[int, str]]:
    """Who the board can be filtered by: firm members and engaged contractors, by user id."""
    people = {
        m.user_id: m.user.display_name for m in visible(actor, Membership).select_related("user")
    }
    for e in live_engagements(actor):
        people.setdefault(e.professional.user_id, e.professional.user.display_name)
    return sorted(people.items(), key=lambda p: p[1])


# --- The board -----------------------------------------------------------------------------------


@login_required
@require_GET
def task_board(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_firm(actor)
    view = "list" if request.GET.get("view") == "list" else "board"
    matter_id = _int(request.GET.get("matter"))
    assignee_id = _int(request.GET.get("assignee"))
    mine = request.GET.get("mine") == "1"
    rows = selectors.tasks(actor, matter_id=matter_id, assignee_id=assignee_id, mine=mine)
    context: dict[str, Any] = {
        "view": view,
        "matter_id": matter_id,
        "assignee_id": assignee_id,
        "mine": mine,
        "matters": selectors.matters(actor)
        .order_by("number")
        .select_related(None)
        .only("pk", "number", "title"),
        "people": _people(actor),
        "query": query_without_page(request),
        "may_create": can(actor, Action.CREATE, Task),
    }
    if view == "list":
        context["page"] = page_of(request, rows)
    else:
        counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
        context["columns"] = [
            (value, label, rows.filter(status=value)[:COLUMN_LIMIT], counts.get(value, 0))
            for value, label in TaskStatus.choices
        ]
        context["column_limit"] = COLUMN_LIMIT
    return render(request, "matters/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require(actor, Action.CREATE, Task, "Members of the firm create tasks.")
    lawyers = attorneys(actor)
    me = actor.authenticated_user
    categories = (
        visible(actor, TaskCategory).filter(retired_at__isnull=True).order_by("level", "name")
    )
    form = TaskForm(
        request.POST or None,
        initial={
            "matter_id": _int(request.GET.get("matter")),
            "supervising_attorney_id": me.pk if me in lawyers else None,
        },
        matters=selectors.matters(actor)
        .exclude(status=MatterStatus.CLOSED)
        .order_by("number")
        .select_related(None)
        .only("pk", "number", "title"),
        categories=categories,
        assignees=_assignees(actor),
        attorneys=lawyers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(
                actor,
                matter_id=form.cleaned_data["matter_id"],
                data=form.data_for_service(),
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
        else:
            messages.success(request, f"Task “{task.title}” created.")
            return redirect("matters:task_detail", task_id=task.pk)
    return render(
        request,
        "matters/task_new.html",
        {"form": form, "has_categories": categories.exists()},
        status=422 if form.errors else 200,
    )


# --- The task page -------------------------------------------------------------------------------


def _task_page(
    request: ActorRequest, task: Task, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    actor = request.actor
    task = selectors.tasks(actor).select_related("organization", "engagement").get(pk=task.pk)
    may_assign = can(actor, Action.ASSIGN, task)
    may_grant = can(actor, Action.GRANT, task)
    may_work = can(actor, Action.WORK, task)
    # A contractor sees only the attached documents a grant in effect lets them open.
    attached = list(document_services.documents(actor, task_id=task.pk))
    context: dict[str, Any] = {
        "t": task,
        "firm_side": actor.organization is not None,
        "moves": services.moves_for(actor, task),
        "may_assign": may_assign and task.is_open,
        "may_grant": may_grant,
        "may_work": may_work and task.is_open,
        "overdue": selectors.overdue(task),
        "documents": attached,
        "comments": visible(actor, TaskComment).filter(task=task).select_related("author"),
        "events": task.events.select_related("actor"),
        "reviews": task.reviews.select_related("reviewer"),
        "comment_form": CommentForm(),
        "work_form": bound.get("work_form") or WorkProductForm(),
        "reason_form": ReasonForm(),
        "open": {name for name, form in bound.items() if form.errors},
    }
    if may_assign and task.is_open:
        context["assign_form"] = bound.get("assign_form") or AssignForm(
            initial={
                "assign_to": f"engagement:{task.engagement_id}"
                if task.engagement_id
                else (f"member:{task.assignee_id}" if task.assignee_id else ""),
            },
            assignees=_assignees(actor),
            attorneys=attorneys(actor),
        )
    if may_grant:
        context["grants"] = selectors.grants(actor, task_id=task.pk).order_by("-granted_at")
        if task.is_open:
            attachable = document_services.documents(actor, matter_id=task.matter_id).exclude(
                pk__in=[d.pk for d in attached]
            )
            context["attach_form"] = AttachForm(documents=attachable)
    return render(request, "matters/task_detail.html", context, status=status)


@login_required
@require_GET
def task_detail(request: ActorRequest, task_id: int) -> HttpResponse:
    return _task_page(request, fetch(request.actor, Task, pk=task_id))


def _to_task(request: ActorRequest, task_id: int, act) -> HttpResponse:
    return back(request, "matters:task_detail", act, task_id=task_id)


@login_required
@require_POST
def task_transition(request: ActorRequest, task_id: int) -> HttpResponse:
    def act() -> str:
        task = services.transition(
            request.actor,
            task_id=task_id,
            to=request.POST.get("to", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
        return f"“{task.title}” is now {task.get_status_display().lower()}."

    return _to_task(request, task_id, act)


def _task_form(
    request: ActorRequest,
    task_id: int,
    name: str,
    form: forms.Form,
    act,
    anchor: str,
    action: Action,
) -> HttpResponse:
    """A form on the task page: done, back to it; refused, the page again with the rule and
    what would unblock it on the form (nothing changed). Who may not act at all gets 403."""
    task = fetch(request.actor, Task, action, pk=task_id)
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
            return redirect(reverse("matters:task_detail", args=[task.pk]) + f"#{anchor}")
    return _task_page(request, task, status=status, **{name: form})


@login_required
@require_POST
def task_assign(request: ActorRequest, task_id: int) -> HttpResponse:
    actor = request.actor
    form = AssignForm(request.POST, assignees=_assignees(actor), attorneys=attorneys(actor))

    def act(data: dict) -> str:
        who = assignee_fields(data["assign_to"])
        if not who:
            raise Invalid.field("assign_to", "Choose who does the work.")
        task = services.assign_task(
            actor,
            task_id=task_id,
            supervising_attorney_id=data["supervising_attorney_id"],
            request=request,
            **who,
        )
        return f"Assigned to {task.assignee.display_name}."

    return _task_form(request, task_id, "assign_form", form, act, "assignment", Action.ASSIGN)


@login_required
@require_POST
def attach_document(request: ActorRequest, task_id: int) -> HttpResponse:
    fetch(request.actor, Task, Action.GRANT, pk=task_id)
    document_id = _int(request.POST.get("document_id"))

    def act() -> str:
        if document_id is None:
            raise Invalid.field("document_id", "Choose a document of the matter.")
        attachment = grant_services.attach_document(
            request.actor, task_id=task_id, document_id=document_id, request=request
        )
        return f"“{attachment.document.title}” attached."

    return _to_task(request, task_id, act)


@login_required
@require_POST
def detach_document(request: ActorRequest, task_id: int, document_id: int) -> HttpResponse:
    def act() -> str:
        grant_services.detach_document(
            request.actor, task_id=task_id, document_id=document_id, request=request
        )
        return "Document detached; any grant on it for this task is revoked."

    return _to_task(request, task_id, act)


@login_required
@require_POST
def upload_work_product(request: ActorRequest, task_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        document = services.upload_work_product(
            request.actor,
            task_id=task_id,
            title=data["title"],
            upload=data["file"],
            request=request,
        )
        return f"“{document.title}” attached to the task."

    form = WorkProductForm(request.POST, request.FILES)
    return _task_form(request, task_id, "work_form", form, act, "documents", Action.WORK)


@login_required
@require_POST
def add_comment(request: ActorRequest, task_id: int) -> HttpResponse:
    def act() -> str:
        services.comment(
            request.actor, task_id=task_id, body=request.POST.get("body", ""), request=request
        )
        return "Comment added."

    return _to_task(request, task_id, act)


@login_required
@require_POST
def revoke_grant(request: ActorRequest, grant_id: int) -> HttpResponse:
    grant = fetch(request.actor, Grant, pk=grant_id)

    def act() -> str:
        grant_services.revoke(
            request.actor, grant_id=grant.pk, reason=request.POST.get("reason", ""), request=request
        )
        return "Grant revoked."

    return _to_task(request, grant.task_id, act)


# --- My tasks and prior parties ------------------------------------------------------------------


def _is_contractor(actor: Actor) -> bool:
    # Prior parties are declared by exactly the people who work as contractors.
    return can(actor, Action.CREATE, PriorParty)


@login_required
@require_GET
def my_tasks(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    contractor = _is_contractor(actor)
    if not contractor and actor.role not in FIRM_MEMBER_ROLES:
        raise NotFound("Tasks belong to a firm's members and the professionals it engages.")
    context: dict[str, Any] = {
        "page": page_of(request, selectors.my_tasks(actor)),
        "contractor": contractor,
        "today": timezone.localdate(),
    }
    if contractor:
        context["prior_parties"] = conflict_services.prior_parties(actor)
    return render(request, "matters/my_tasks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def prior_parties(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not _is_contractor(actor):
        raise NotFound("Prior parties are declared by professionals, acting for themselves.")
    form = PriorPartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            prior = conflict_services.declare_prior_party(
                actor,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
        else:
            messages.success(request, f"“{prior.name}” declared; conflict checks compare it.")
            return redirect("matters:prior_parties")
    return render(
        request,
        "matters/prior_parties.html",
        {"form": form, "parties": conflict_services.prior_parties(actor)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def remove_prior_party(request: ActorRequest, prior_party_id: int) -> HttpResponse:
    def act() -> str:
        conflict_services.remove_prior_party(
            request.actor, prior_party_id=prior_party_id, request=request
        )
        return "Declaration withdrawn."

    return back(request, "matters:prior_parties", act)
