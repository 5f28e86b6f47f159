"""Monthly three-way reconciliation pages (ABA Model Rules for Client Trust Account Records,
Rule 1(d)): an account's months; the working page of one month (statement balance, the bank's
CSV, entries cleared by hand, bank lines, the three balances and their differences, sign-off);
the report, on screen and on paper from one template. trust.services.reconciliation decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch, visible
from counselbench.core.errors import DomainError, Invalid
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.core.pdf import pdf_response
from counselbench.matters.views.outcomes import refusal_text
from counselbench.trust.forms import (
    BankCsvForm,
    StartReconciliationForm,
    StatementBalanceForm,
    place_refusal,
)
from counselbench.trust.models import (
    BankStatementLine,
    Reconciliation,
    ReconciliationState,
    TrustAccount,
)
from counselbench.trust.services import reconciliation as services
from counselbench.trust.views.accounts import require_trust

# The clearing list shows this many uncleared entries; the figures always count them all.
CLEARING_LIMIT = 500
BANK_LINES_PER_PAGE = 100


def _next_month(account: TrustAccount, newest: Reconciliation | None) -> str:
    """The form's default: the month after the newest one reconciled, else last month."""
    this_month = timezone.localdate().replace(day=1)
    if newest is None:
        month = max(this_month - timedelta(days=1), account.opened_on).replace(day=1)
    else:
        month = min((newest.month + timedelta(days=32)).replace(day=1), this_month)
    return f"{month:%Y-%m}"


def _months_page(
    request: ActorRequest,
    account: TrustAccount,
    *,
    form: StartReconciliationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.actor
    months = (
        visible(actor, Reconciliation)
        .filter(account=account)
        .select_related("signed_off_by", "created_by")
        .order_by("-month", "-pk")
    )
    page = page_of(request, months, 24)
    newest = page[0] if page.number == 1 and page.object_list else months.first()
    context = {
        "account": account,
        "page": page,
        "may_start": can(actor, Action.CHANGE, account),
        "form": form or StartReconciliationForm(initial={"month": _next_month(account, newest)}),
    }
    return render(request, "trust/reconciliations.html", context, status=status)


@login_required
@require_GET
def reconciliations(request: ActorRequest, account_id: int) -> HttpResponse:
    return _months_page(request, fetch(request.actor, TrustAccount, pk=account_id))


@login_required
@require_POST
def start_reconciliation(request: ActorRequest, account_id: int) -> HttpResponse:
    actor = request.actor
    require_trust(actor)
    account = fetch(actor, TrustAccount, Action.CHANGE, pk=account_id)
    form = StartReconciliationForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            made = services.start(
                actor,
                account_id=account.pk,
                month=form.cleaned_data["month"],
                statement_balance_cents=form.cleaned_data["statement_balance"],
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            place_refusal(form, error)
            status = error.status
        else:
            messages.success(
                request, f"{made.month:%B %Y} started: clear what the statement shows."
            )
            return redirect("trust:reconciliation", reconciliation_id=made.pk)
    return _months_page(request, account, form=form, status=status)


def _reconciliation(
    request: ActorRequest, reconciliation_id: int, *, posting: bool = False
) -> Reconciliation:
    """The month named in the URL: 404 unless the actor sees it. An action on it first asks
    whether the actor may act on trust records at all (403), as every trust form does."""
    if posting:
        require_trust(request.actor)
    return fetch(
        request.actor,
        Reconciliation,
        pk=reconciliation_id,
        related=("account", "signed_off_by", "created_by"),
    )


def _work_page(
    request: ActorRequest,
    made: Reconciliation,
    *,
    status: int = 200,
    bound: dict[str, forms.Form] | None = None,
    errors: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = request.actor
    bound, errors = bound or {}, errors or {}
    figures = services.figures(made)
    locked = made.state == ReconciliationState.LOCKED
    outstanding = sorted(
        figures["outstanding_deposits"] + figures["outstanding_checks"],
        key=lambda item: (item["date"], item["sequence"] or 0),
    )
    lines = page_of(
        request,
        visible(actor, BankStatementLine)
        .filter(reconciliation=made)
        .select_related("entry")
        .order_by("date", "pk"),
        BANK_LINES_PER_PAGE,
    )
    end = services.month_end(made.month)
    context = {
        "reconciliation": made,
        "account": made.account,
        "figures": figures,
        "month_end": end,
        "month_over": end < timezone.localdate(),
        "locked": locked,
        "may_change": not locked and can(actor, Action.CHANGE, made),
        "may_sign": not locked and can(actor, Action.AUTHORIZE, made),
        "outstanding": outstanding[:CLEARING_LIMIT],
        "outstanding_more": max(len(outstanding) - CLEARING_LIMIT, 0),
        "lines": lines,
        "page": lines,
        "balance_form": bound.get("balance")
        or StatementBalanceForm(
            initial={
                "statement_balance": None
                if made.statement_balance_cents is None
                else f"{Decimal(made.statement_balance_cents) / 100:.2f}"
            }
        ),
        "csv_form": bound.get("csv") or BankCsvForm(),
        "errors": errors,
    }
    return render(request, "trust/reconciliation.html", context, status=status)


@login_required
@require_GET
def reconciliation(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    return _work_page(request, _reconciliation(request, reconciliation_id))


def _act(
    request: ActorRequest,
    made: Reconciliation,
    section: str,
    act: Callable[[], str],
    *,
    form: forms.Form | None = None,
) -> HttpResponse:
    """One action of the working page: done, back to the page with a message; refused, the
    page again with the refusal in the section it concerns (nothing changed)."""
    if form is not None and not form.is_valid():
        return _work_page(request, made, status=422, bound={section: form})
    try:
        done = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if form is not None:
            place_refusal(form, error)
        return _work_page(
            request,
            made,
            status=error.status,
            bound={section: form} if form is not None else {},
            errors={section: refusal_text(error)},
        )
    messages.success(request, done)
    return redirect("trust:reconciliation", reconciliation_id=made.pk)


@login_required
@require_POST
def statement_balance(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id, posting=True)
    form = StatementBalanceForm(request.POST)

    def act() -> str:
        cents = form.cleaned_data["statement_balance"]
        services.set_statement_balance(
            request.actor, reconciliation_id=made.pk, statement_balance_cents=cents, request=request
        )
        return f"Statement balance set to {format_usd(cents, exact=True)}."

    return _act(request, made, "balance", act, form=form)


@login_required
@require_POST
def import_bank_csv(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id, posting=True)
    form = BankCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        return _work_page(request, made, status=422, bound={"csv": form})
    try:
        lines = services.import_bank_csv(
            request.actor,
            reconciliation_id=made.pk,
            text=form.cleaned_data["file"],
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        form.add_error("file", error.message)
        rows = [
            (f.path.removeprefix("file.").capitalize(), f.message)
            for f in error.fields
            if f.path.startswith("file.")
        ]
        return _work_page(
            request, made, status=error.status, bound={"csv": form}, errors={"csv_rows": rows}
        )
    cleared = sum(1 for line in lines if line.entry_id)
    messages.success(
        request,
        f"{len(lines)} bank line{'s' * (len(lines) != 1)} imported; {cleared} matched and cleared "
        f"a journal entry, {len(lines) - cleared} did not.",
    )
    return redirect("trust:reconciliation", reconciliation_id=made.pk)


@login_required
@require_POST
def clear(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id, posting=True)
    ids = [int(v) for v in request.POST.getlist("entry_ids") if v.isdigit() and len(v) < 19]

    def act() -> str:
        if not ids:
            raise Invalid.field("entry_ids", "Tick the entries that are on the bank statement.")
        lines = services.clear_entries(
            request.actor, reconciliation_id=made.pk, entry_ids=ids, request=request
        )
        return f"{len(lines)} entr{'y' if len(lines) == 1 else 'ies'} marked as on the statement."

    return _act(request, made, "clearing", act)


@login_required
@require_POST
def remove_bank_line(request: ActorRequest, reconciliation_id: int, line_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id, posting=True)

    def act() -> str:
        services.remove_bank_line(
            request.actor, reconciliation_id=made.pk, line_id=line_id, request=request
        )
        return "Bank line removed; the entry it cleared is outstanding again."

    return _act(request, made, "lines", act)


@login_required
@require_POST
def sign_off(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id, posting=True)

    def act() -> str:
        services.sign_off(request.actor, reconciliation_id=made.pk, request=request)
        end = services.month_end(made.month)
        return (
            f"{made.month:%B %Y} signed off and locked: nothing more is posted dated on or before "
            f"{end:%B} {end.day}, {end.year}."
        )

    return _act(request, made, "sign_off", act)


def _report_context(made: Reconciliation, *, paper: bool) -> dict:
    return {"reconciliation": made, "figures": services.figures(made), "paper": paper}


@login_required
@require_GET
def report(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id)
    return render(request, "trust/reconciliation_report.html", _report_context(made, paper=False))


@login_required
@require_GET
def report_pdf(request: ActorRequest, reconciliation_id: int) -> HttpResponse:
    made = _reconciliation(request, reconciliation_id)
    return pdf_response(
        request,
        "trust/reconciliation_report.html",
        _report_context(made, paper=True),
        filename=f"trust-reconciliation-{made.month:%Y-%m}",
    )
