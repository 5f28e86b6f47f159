"""Requests for money out of trust: what billing staff asked for, with the ledger's balance now,
approved (the entry is posted at once) or rejected with a note by an owner or attorney, or
cancelled by the person who asked. Nobody approves their own request (trust.services.requests)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch, visible
from counselbench.core.errors import DomainError
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.matters.views.outcomes import refusal_text
from counselbench.organizations.models import Role
from counselbench.trust.error_codes import TrustErrorCode
from counselbench.trust.forms import DecisionForm, RejectRequestForm, place_refusal
from counselbench.trust.models import RequestState, TrustRequest
from counselbench.trust.services import requests as services
from counselbench.trust.views.accounts import require_trust

PER_PAGE = 25
RECENT = 20
RELATED = (
    "ledger__account",
    "ledger__client",
    "ledger__matter",
    "requested_by",
    "invoice",
    "matter",
)


def _page(
    request: ActorRequest,
    *,
    status: int = 200,
    refused: tuple[int, str] | None = None,
    bound: tuple[int, forms.Form] | None = None,
) -> HttpResponse:
    actor = request.actor
    rows = visible(actor, TrustRequest).select_related(*RELATED)
    page = page_of(
        request, rows.filter(state=RequestState.PENDING).order_by("requested_at", "pk"), PER_PAGE
    )
    me = actor.authenticated_user.pk
    for asked in page:
        asked.may_approve = can(actor, Action.AUTHORIZE, asked)  # type: ignore[attr-defined]
        asked.may_cancel = can(actor, Action.CHANGE, asked)  # type: ignore[attr-defined]
        asked.own = asked.requested_by_id == me  # type: ignore[attr-defined]
        asked.error = refused[1] if refused and refused[0] == asked.pk else ""  # type: ignore[attr-defined]
        form = bound[1] if bound and bound[0] == asked.pk else None
        asked.approve_form = (  # type: ignore[attr-defined]
            form
            if isinstance(form, DecisionForm) and not isinstance(form, RejectRequestForm)
            else DecisionForm(auto_id=f"approve-{asked.pk}-%s")
        )
        asked.reject_form = (  # type: ignore[attr-defined]
            form
            if isinstance(form, RejectRequestForm)
            else RejectRequestForm(auto_id=f"reject-{asked.pk}-%s")
        )
        asked.reject_open = isinstance(form, RejectRequestForm)  # type: ignore[attr-defined]
    decided = (
        rows.exclude(state=RequestState.PENDING)
        .select_related("decided_by", "transaction")
        .order_by("-decided_at", "-pk")[:RECENT]
    )
    context = {
        "page": page,
        "decided": list(decided),
        # Which explanation the page opens with; each button asks the policy itself.
        "may_decide": actor.role in (Role.OWNER, Role.ATTORNEY),
    }
    return render(request, "trust/requests.html", context, status=status)


@login_required
@require_GET
def requests_page(request: ActorRequest) -> HttpResponse:
    require_trust(request.actor)
    return _page(request)


def _decide(
    request: ActorRequest,
    request_id: int,
    form: forms.Form | None,
    act: Callable[[dict], str],
) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    asked = fetch(actor, TrustRequest, pk=request_id)
    if form is not None and not form.is_valid():
        return _page(request, status=422, bound=(asked.pk, form))
    try:
        done = act(form.cleaned_data if form is not None else {})
    except DomainError as error:
        # Approving one's own request is refused with a 403 that is said on the request itself.
        if error.status in (403, 404) and error.code != TrustErrorCode.OWN_REQUEST:
            raise
        if form is not None:
            place_refusal(form, error)
            bound = (asked.pk, form)
        else:
            bound = None
        return _page(
            request, status=error.status, refused=(asked.pk, refusal_text(error)), bound=bound
        )
    messages.success(request, done)
    return redirect("trust:requests")


@login_required
@require_POST
def approve(request: ActorRequest, request_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        entry = services.approve(
            request.actor, request_id=request_id, note=data.get("note", ""), request=request
        )
        return (
            f"Approved: {entry.get_kind_display().lower()} #{entry.sequence} of "
            f"{format_usd(-entry.amount_cents, exact=True)} to {entry.payee_payor} posted."
        )

    form = DecisionForm(request.POST, auto_id=f"approve-{request_id}-%s")
    return _decide(request, request_id, form, act)


@login_required
@require_POST
def reject(request: ActorRequest, request_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        asked = services.reject(
            request.actor, request_id=request_id, note=data["note"], request=request
        )
        return f"Rejected: {asked.payee_payor}, {format_usd(asked.amount_cents, exact=True)}."

    form = RejectRequestForm(request.POST, auto_id=f"reject-{request_id}-%s")
    return _decide(request, request_id, form, act)


@login_required
@require_POST
def cancel(request: ActorRequest, request_id: int) -> HttpResponse:
    def act(_data: dict) -> str:
        asked = services.cancel(request.actor, request_id=request_id, request=request)
        return (
            f"Request cancelled: {asked.payee_payor}, {format_usd(asked.amount_cents, exact=True)}."
        )

    return _decide(request, request_id, None, act)
