"""The client ledger card (ABA Model Rules for Client Trust Account Records, Rule 1(b)): every
entry of one client's (or matter's) money with the running balance, and the forms that move it —
a deposit (billing people), money out (an owner or attorney), "ask for a disbursement" (billing
staff), a reversal. Every rule is trust.services'; a refusal is shown on the field it concerns
and nothing is posted."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, visible
from counselbench.billing.models import OPEN_INVOICE_STATES, Invoice
from counselbench.core.errors import DomainError
from counselbench.core.money import format_usd
from counselbench.matters.models import Matter
from counselbench.trust.forms import (
    AskForm,
    DepositForm,
    MoneyOutForm,
    ReverseForm,
    place_refusal,
)
from counselbench.trust.models import (
    EntryKind,
    LedgerKind,
    RequestState,
    Retainer,
    TrustLedger,
    TrustRequest,
    TrustTransaction,
)
from counselbench.trust.services import accounts, journal, requests
from counselbench.trust.views.accounts import require_trust

PER_PAGE = 50
NOT_REVERSIBLE = (EntryKind.REVERSAL, EntryKind.EARNED_FEE)


def _ledger(actor: Actor, ledger_id: int) -> TrustLedger:
    return fetch(actor, TrustLedger, pk=ledger_id, related=("account", "client", "matter"))


def _invoices(actor: Actor, ledger: TrustLedger):
    """The client's sent invoices still owed something: what an earned fee may pay."""
    if ledger.kind != LedgerKind.CLIENT:
        return Invoice.objects.none()
    rows = visible(actor, Invoice).filter(client_id=ledger.client_id, state__in=OPEN_INVOICE_STATES)
    if ledger.matter_id:
        rows = rows.filter(matter_id=ledger.matter_id)
    return rows.select_related("matter").order_by("issued_on", "pk")


def _matters(actor: Actor, ledger: TrustLedger) -> list[Matter] | None:
    """The matters an entry on the client's ledger as a whole may name (None: a matter
    ledger's or the firm's own funds', where there is no choice to make)."""
    if ledger.kind != LedgerKind.CLIENT or ledger.matter_id is not None:
        return None
    return list(visible(actor, Matter).filter(client_id=ledger.client_id).order_by("number"))


def _page(
    request: ActorRequest,
    ledger: TrustLedger,
    *,
    status: int = 200,
    bound: forms.Form | None = None,
    reversing: tuple[int, ReverseForm] | None = None,
) -> HttpResponse:
    actor = request.actor
    may_post = can(actor, Action.CHANGE, ledger)
    may_authorize = can(actor, Action.AUTHORIZE, ledger)
    firm_funds = ledger.kind == LedgerKind.FIRM_FUNDS
    invoices = list(_invoices(actor, ledger)) if (may_post or may_authorize) else []
    matters = _matters(actor, ledger) if (may_post or may_authorize) else None

    entries = (
        visible(actor, TrustTransaction)
        .filter(ledger=ledger)
        .select_related(
            "posted_by", "authorized_by", "invoice", "matter", "reverses", "reversed_by"
        )
        .order_by("sequence")
    )
    paginator = Paginator(entries, PER_PAGE)
    # A ledger card reads oldest first; it opens on its newest page.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    for entry in page:
        reversed_by = getattr(entry, "reversed_by", None)
        entry.reversal = reversed_by  # type: ignore[attr-defined]
        entry.reversible = (  # type: ignore[attr-defined]
            may_authorize and reversed_by is None and entry.kind not in NOT_REVERSIBLE
        )
        if reversing and reversing[0] == entry.pk:
            entry.reverse_form, entry.reverse_open = reversing[1], True  # type: ignore[attr-defined]
        elif entry.reversible:  # type: ignore[attr-defined]
            entry.reverse_form = ReverseForm(auto_id=f"reverse-{entry.pk}-%s")  # type: ignore[attr-defined]

    def form(cls: type[forms.Form], **kwargs) -> forms.Form:
        return bound if type(bound) is cls else cls(**kwargs)

    context = {
        "ledger": ledger,
        "account": ledger.account,
        "page": page,
        "firm_funds": firm_funds,
        "may_post": may_post,
        "may_authorize": may_authorize,
        "may_ask": may_post and not may_authorize and not firm_funds,
        "deposit_form": form(DepositForm, matters=matters) if may_post else None,
        "out_form": form(MoneyOutForm, firm_funds=firm_funds, invoices=invoices, matters=matters)
        if may_authorize
        else None,
        "ask_form": form(AskForm, invoices=invoices, matters=matters)
        if may_post and not may_authorize
        else None,
        "records_kept_until": accounts.records_kept_until(ledger),
        "retention_years": settings.TRUST_RETENTION_YEARS,
        "open_form": type(bound).__name__ if bound is not None else "",
        "pending": list(
            visible(actor, TrustRequest)
            .filter(ledger=ledger, state=RequestState.PENDING)
            .select_related("requested_by", "invoice")
        ),
        "retainer": visible(actor, Retainer).filter(ledger=ledger).first(),
    }
    return render(request, "trust/ledger.html", context, status=status)


@login_required
@require_GET
def ledger(request: ActorRequest, ledger_id: int) -> HttpResponse:
    return _page(request, _ledger(request.actor, ledger_id))


def _post(
    request: ActorRequest,
    ledger: TrustLedger,
    form: forms.Form,
    act: Callable[[dict], str],
) -> HttpResponse:
    """A form on the ledger card: done, back to the card with a message; invalid or refused,
    the card again with the errors on the form (nothing posted)."""
    status = 422
    if form.is_valid():
        try:
            done = act(form.entry_fields())  # type: ignore[attr-defined]
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_refusal(form, error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect("trust:ledger", ledger_id=ledger.pk)
    return _page(request, ledger, status=status, bound=form)


def _holds(ledger_id: int) -> str:
    ledger = TrustLedger.objects.select_related("client", "matter").get(pk=ledger_id)
    return f"{ledger} now holds {format_usd(ledger.balance_cents, exact=True)}."


@login_required
@require_POST
def deposit(request: ActorRequest, ledger_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    ledger = _ledger(actor, ledger_id)

    def act(fields: dict) -> str:
        entry = journal.deposit(
            actor, data=journal.EntryInput(ledger_id=ledger.pk, **fields), request=request
        )
        return (
            f"Deposit #{entry.sequence} of {format_usd(entry.amount_cents, exact=True)} from "
            f"{entry.payee_payor} posted. {_holds(ledger.pk)}"
        )

    return _post(request, ledger, DepositForm(request.POST, matters=_matters(actor, ledger)), act)


@login_required
@require_POST
def withdraw(request: ActorRequest, ledger_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    ledger = _ledger(actor, ledger_id)
    form = MoneyOutForm(
        request.POST,
        firm_funds=ledger.kind == LedgerKind.FIRM_FUNDS,
        invoices=_invoices(actor, ledger),
        matters=_matters(actor, ledger),
    )

    def act(fields: dict) -> str:
        kind = EntryKind(form.cleaned_data["kind"])
        entry = journal.withdraw(
            actor,
            kind=kind,
            data=journal.EntryInput(ledger_id=ledger.pk, **fields),
            request=request,
        )
        return (
            f"{kind.label} #{entry.sequence} of {format_usd(-entry.amount_cents, exact=True)} "
            f"to {entry.payee_payor} posted. {_holds(ledger.pk)}"
        )

    return _post(request, ledger, form, act)


@login_required
@require_POST
def ask(request: ActorRequest, ledger_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    ledger = _ledger(actor, ledger_id)
    form = AskForm(request.POST, invoices=_invoices(actor, ledger), matters=_matters(actor, ledger))

    def act(fields: dict) -> str:
        asked = requests.ask(
            actor,
            kind=form.cleaned_data["kind"],
            data=journal.EntryInput(ledger_id=ledger.pk, **fields),
            request=request,
        )
        return (
            f"Asked for a {asked.get_kind_display().lower()} of "
            f"{format_usd(asked.amount_cents, exact=True)} to {asked.payee_payor}. An owner or "
            "attorney approves it on the requests page; it is posted then."
        )

    return _post(request, ledger, form, act)


@login_required
@require_POST
def reverse(request: ActorRequest, entry_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    entry = fetch(actor, TrustTransaction, pk=entry_id)
    ledger = _ledger(actor, entry.ledger_id)
    form = ReverseForm(request.POST, auto_id=f"reverse-{entry.pk}-%s")
    status = 422
    if form.is_valid():
        try:
            reversal = journal.reverse(
                actor, entry_id=entry.pk, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_refusal(form, error)
            status = error.status
        else:
            messages.success(
                request,
                f"Entry #{entry.sequence} reversed by entry #{reversal.sequence}, dated "
                f"{reversal.date:%B} {reversal.date.day}. {_holds(ledger.pk)}",
            )
            return redirect("trust:ledger", ledger_id=ledger.pk)
    return _page(request, ledger, status=status, reversing=(entry.pk, form))
