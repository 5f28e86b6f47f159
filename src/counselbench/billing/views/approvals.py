"""Time approvals: the submitted entries the signed-in owner or attorney may approve, by person
and week, approved or rejected (with a reason) in bulk, all or nothing, through services.time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, visible
from counselbench.billing.forms import RejectForm
from counselbench.billing.models import EntryState, TimeEntry
from counselbench.billing.services import time as services
from counselbench.core.errors import DomainError, PermissionDenied
from counselbench.core.forms import add_domain_error
from counselbench.organizations.models import Role

# Enough for a firm's week; older submissions show once these are decided.
LIMIT = 300


def _require_approver(actor: Actor) -> None:
    if actor.organization is None or actor.role not in (Role.OWNER, Role.ATTORNEY):
        raise PermissionDenied("Owners and attorneys approve time.")


def _awaiting(actor: Actor) -> list[dict[str, Any]]:
    """Submitted entries the actor may decide (the policy's REVIEW rule), by person and week."""
    candidates = (
        visible(actor, TimeEntry)
        .filter(state=EntryState.SUBMITTED)
        .exclude(author=actor.authenticated_user)
        .select_related("author", "task", "matter")
        .order_by("author__full_name", "author_id", "date", "pk")[:LIMIT]
    )
    groups: dict[tuple[int, Any], dict[str, Any]] = {}
    for entry in candidates:
        if not can(actor, Action.REVIEW, entry):
            continue
        monday = entry.date - timedelta(days=entry.date.weekday())
        group = groups.setdefault(
            (entry.author_id, monday),
            {"author": entry.author, "monday": monday, "entries": [], "total": 0},
        )
        group["entries"].append(entry)
        group["total"] += entry.minutes
    return sorted(
        groups.values(), key=lambda g: (g["author"].display_name, g["author"].pk, g["monday"])
    )


def _page(
    request: ActorRequest,
    *,
    status: int = 200,
    reject_form: RejectForm | None = None,
    error: str = "",
    selected: set[int] | None = None,
) -> HttpResponse:
    groups = _awaiting(request.actor)
    return render(
        request,
        "billing/approvals.html",
        {
            "groups": groups,
            "count": sum(len(g["entries"]) for g in groups),
            "reject_form": reject_form or RejectForm(),
            "error": error,
            "selected": selected or set(),
            "may_approve": True,
        },
        status=status,
    )


@login_required
@require_GET
def approvals(request: ActorRequest) -> HttpResponse:
    _require_approver(request.actor)
    return _page(request)


def _ids(request: ActorRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("entry_ids") if v.isdigit() and len(v) < 19]


@login_required
@require_POST
def decide(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    _require_approver(actor)
    ids = _ids(request)
    rejecting = request.POST.get("decision") == "reject"
    form = RejectForm(request.POST if rejecting else None)
    if rejecting and not form.is_valid():
        return _page(request, status=422, reject_form=form, selected=set(ids))
    try:
        if rejecting:
            entries = services.reject(
                actor, entry_ids=ids, reason=form.cleaned_data["reason"], request=request
            )
        else:
            entries = services.approve(actor, entry_ids=ids, request=request)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        text = error.message + "".join(
            f" {f.message}" for f in error.fields if f.message != error.message
        )
        if rejecting:
            add_domain_error(form, error)
        return _page(
            request,
            status=error.status,
            reject_form=form if rejecting else None,
            error=text,
            selected=set(ids),
        )
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    messages.success(request, f"{count} {'rejected' if rejecting else 'approved'}.")
    return redirect("billing:approvals")
