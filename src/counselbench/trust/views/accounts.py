"""The trust overview: each account with its balance, lock date and integrity check, its client
ledgers and firm-funds ledger, what is waiting (requests, retainers below floor) and the latest
reconciliations; opening an account (the owner) and a client or matter ledger (billing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, require, visible
from counselbench.core.errors import DomainError
from counselbench.core.pagination import page_of
from counselbench.matters.models import Client, Matter
from counselbench.trust.forms import OpenAccountForm, OpenLedgerForm, place_refusal
from counselbench.trust.models import (
    LedgerKind,
    Reconciliation,
    RequestState,
    Retainer,
    TrustAccount,
    TrustLedger,
    TrustRequest,
)
from counselbench.trust.services import accounts as services
from counselbench.trust.services.reconciliation import integrity

WHO_SEES_TRUST = (
    "Trust accounts are for the firm's owners and attorneys, and staff with the billing permission."
)


def require_trust(actor: Actor) -> None:
    """The trust pages are for those who see the firm's trust records at all (403 otherwise);
    an object of another firm is then a 404, from the policy's fetch."""
    require(actor, Action.VIEW, TrustAccount, WHO_SEES_TRUST)


def _accounts(actor: Actor) -> list[TrustAccount]:
    rows = list(visible(actor, TrustAccount).order_by("name", "pk"))
    firm_funds = {
        ledger.account_id: ledger
        for ledger in visible(actor, TrustLedger).filter(
            account__in=rows, kind=LedgerKind.FIRM_FUNDS
        )
    }
    counts = dict(
        visible(actor, TrustLedger)
        .filter(account__in=rows, kind=LedgerKind.CLIENT)
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
    )
    for account in rows:
        # Three aggregates per account (a firm has one or two): the service's own check.
        account.integrity = integrity(account)  # type: ignore[attr-defined]
        account.firm_funds = firm_funds.get(account.pk)  # type: ignore[attr-defined]
        account.ledger_count = counts.get(account.pk, 0)  # type: ignore[attr-defined]
        account.may_change = can(actor, Action.CHANGE, account)  # type: ignore[attr-defined]
    return rows


@login_required
@require_http_methods(["GET"])
def overview(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    accounts = _accounts(actor)
    ledgers = page_of(
        request,
        visible(actor, TrustLedger)
        .filter(kind=LedgerKind.CLIENT)
        .select_related("account", "client", "matter")
        .order_by("account__name", "account_id", "client__name", "matter__number", "pk"),
    )
    below_floor = (
        visible(actor, Retainer)
        .filter(active=True, ledger__balance_cents__lt=F("floor_cents"))
        .select_related("matter", "ledger")
        .order_by("matter__number")
    )
    requests = visible(actor, TrustRequest).aggregate(
        pending=Count("pk", filter=Q(state=RequestState.PENDING))
    )
    context = {
        "accounts": accounts,
        "ledgers": ledgers,
        "page": ledgers,
        "pending_requests": requests["pending"],
        "below_floor": list(below_floor[:10]),
        "below_floor_count": below_floor.count(),
        "reconciliations": list(
            visible(actor, Reconciliation)
            .select_related("account", "signed_off_by")
            .order_by("-month", "-pk")[:6]
        ),
        "may_open_account": can(actor, Action.CREATE, TrustAccount),
    }
    return render(request, "trust/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def open_account(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require(actor, Action.CREATE, TrustAccount, "The firm's owner opens trust accounts.")
    form = OpenAccountForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                account = services.open_account(actor, **form.cleaned_data, request=request)
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                place_refusal(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    f"{account} opened, with its firm-funds ledger for bank charges. Open a "
                    "ledger for each client whose money it holds.",
                )
                return redirect("trust:overview")
    return render(request, "trust/open_account.html", {"form": form}, status=status)


def _ledger_form(actor: Actor, data=None) -> OpenLedgerForm:
    return OpenLedgerForm(
        data,
        clients=visible(actor, Client).order_by("name", "pk"),
        matters=visible(actor, Matter).select_related("client").order_by("number"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_ledger(request: ActorRequest, account_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    account = fetch(actor, TrustAccount, Action.CHANGE, pk=account_id)
    form = _ledger_form(actor, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                ledger = services.open_ledger(
                    actor,
                    account_id=account.pk,
                    client_id=form.cleaned_data["client"],
                    matter_id=form.cleaned_data["matter"],
                    request=request,
                )
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                place_refusal(form, error)
                status = error.status
            else:
                messages.success(request, f"Ledger opened: {ledger}.")
                return redirect("trust:ledger", ledger_id=ledger.pk)
    return render(
        request, "trust/open_ledger.html", {"form": form, "account": account}, status=status
    )
