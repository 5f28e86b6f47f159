"""Client invoices: the list (filters, search, totals and balances), a new draft from a matter's
approved time, the invoice as the client will see it with the draft's edits (discount, tax,
terms, notes, expenses, lines), sending, payments, credit notes and pay-from-trust; the PDF; and
the client's own view through the invoice's secret link. Writes go through
billing.services.invoices and trust.services.requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch, visible
from counselbench.billing import selectors
from counselbench.billing.forms import (
    CreditNoteForm,
    DraftForm,
    ExpenseForm,
    NewInvoiceForm,
    PaymentForm,
    SendForm,
)
from counselbench.billing.models import Invoice, InvoiceState
from counselbench.billing.models.invoices import OPEN_INVOICE_STATES
from counselbench.billing.services import invoices as services
from counselbench.billing.services.reminders import client_url
from counselbench.core.errors import DomainError, PermissionDenied
from counselbench.core.forms import add_domain_error
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.core.pdf import pdf_response
from counselbench.core.templatetags.money import dollars
from counselbench.matters.models import Client
from counselbench.matters.views.matters import query_without_page
from counselbench.matters.views.outcomes import refusal_text
from counselbench.organizations.models import Role
from counselbench.trust.models import RequestState, TrustRequest, TrustTransaction
from counselbench.trust.services import journal as trust_journal
from counselbench.trust.services import requests as trust_requests

WHO_READS = "Invoices are for the firm's billing people and the matters' responsible attorneys."
WHO_BILLS = "Owners and billing staff prepare invoices."


def require_invoice_reader(actor: Actor) -> None:
    if not (actor.may_bill() or (actor.organization is not None and actor.role == Role.ATTORNEY)):
        raise PermissionDenied(WHO_READS)


def _usd(cents: int) -> str:
    return format_usd(cents, exact=True)


# --- The list and a new draft ------------------------------------------------------------------


@login_required
@require_GET
def invoice_list(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require_invoice_reader(actor)
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    state = state if state in InvoiceState.values else ""
    raw_client = request.GET.get("client", "")
    client_id = int(raw_client) if raw_client.isdigit() and len(raw_client) < 19 else None
    rows = selectors.invoices(actor, state=state or None, client_id=client_id, q=q)
    page = page_of(request, rows)
    for invoice in page:
        invoice.days_overdue = (  # type: ignore[attr-defined]
            (today - invoice.due_on).days
            if invoice.state in OPEN_INVOICE_STATES and invoice.due_on and invoice.due_on < today
            else 0
        )
    clients = (
        visible(actor, Client)
        .filter(pk__in=visible(actor, Invoice).values("client_id"))
        .order_by("name")
        .only("pk", "name")
    )
    return render(
        request,
        "billing/invoices.html",
        {
            "page": page,
            "query": query_without_page(request),
            "sums": selectors.invoice_sums(rows),
            "q": q,
            "state": state,
            "states": InvoiceState.choices,
            "client_id": client_id,
            "clients": clients,
            "filtered": bool(q or state or client_id),
            "may_bill": can(actor, Action.CREATE, Invoice),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_invoice(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can(actor, Action.CREATE, Invoice):
        raise PermissionDenied(WHO_BILLS)
    matters = list(selectors.matters_to_invoice(actor))
    status = 200
    if request.method == "POST":
        form = NewInvoiceForm(request.POST, matters=matters)
        status = 422
        if form.is_valid():
            try:
                invoice = services.draft_invoice(
                    actor,
                    matter_id=form.cleaned_data["matter_id"],
                    through=form.cleaned_data["through"],
                    request=request,
                )
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                add_domain_error(form, error)
                status = error.status
            else:
                lines = invoice.lines.count()
                messages.success(
                    request,
                    f"Draft invoice with {lines} line{'s' * (lines != 1)} "
                    f"({_usd(invoice.total_cents)}). Check it, add any expenses, then send it.",
                )
                return redirect("billing:invoice", invoice_id=invoice.pk)
    else:
        form = NewInvoiceForm(matters=matters, initial={"through": timezone.localdate()})
    return render(
        request,
        "billing/invoice_new.html",
        {"form": form, "matters": matters, "is_owner": actor.role == Role.OWNER},
        status=status,
    )


# --- One invoice -------------------------------------------------------------------------------


def _load(actor: Actor, invoice_id: int, action: Action = Action.VIEW) -> Invoice:
    invoice = fetch(
        actor,
        Invoice,
        action,
        related=("organization", "client", "matter__responsible_attorney", "created_by"),
        pk=invoice_id,
    )
    prefetch_related_objects(
        [invoice], "lines", "payments__recorded_by", "credit_notes", "reminders"
    )
    return invoice


def _state_forms(invoice: Invoice, may_change: bool) -> dict[str, forms.Form]:
    """The forms the invoice's state offers to someone who may change it."""
    today = timezone.localdate()
    if not may_change:
        return {}
    if invoice.is_draft:
        return {
            "draft": DraftForm(
                initial={
                    "discount_percent": f"{invoice.discount_percent.normalize():f}",
                    "tax_percent": f"{invoice.tax_percent.normalize():f}",
                    "payment_terms_days": invoice.payment_terms_days,
                    "notes": invoice.notes,
                },
                auto_id="draft-%s",
            ),
            "expense": ExpenseForm(initial={"date": today}, auto_id="expense-%s"),
            "send": SendForm(initial={"issued_on": today}, auto_id="send-%s"),
        }
    if invoice.state in OPEN_INVOICE_STATES:
        balance = dollars(invoice.balance_cents)
        return {
            "payment": PaymentForm(
                initial={"received_on": today, "amount_cents": balance, "method": "check"},
                auto_id="payment-%s",
            ),
            "credit": CreditNoteForm(auto_id="credit-%s"),
        }
    return {}


def _trust(actor: Actor, invoice: Invoice) -> dict[str, Any] | None:
    """The client's trust money that could pay this invoice, for those who see trust."""
    if invoice.is_draft:
        return None
    ledger = trust_journal.ledger_for_invoice(invoice)
    if ledger is None or not can(actor, Action.VIEW, ledger):
        return None
    pending = list(
        visible(actor, TrustRequest)
        .filter(invoice=invoice, state=RequestState.PENDING)
        .select_related("requested_by")
    )
    open_invoice = invoice.state in OPEN_INVOICE_STATES and invoice.balance_cents > 0
    return {
        "ledger": ledger,
        "balance_cents": ledger.balance_cents,
        "applies_cents": min(ledger.balance_cents, invoice.balance_cents) if open_invoice else 0,
        "pending": pending,
        "may_pay": open_invoice
        and not pending
        and ledger.balance_cents > 0
        and can(actor, Action.CHANGE, invoice),
        "posts_at_once": actor.role in (Role.OWNER, Role.ATTORNEY),
    }


def _invoice_page(
    request: ActorRequest,
    invoice_id: int,
    *,
    status: int = 200,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    actor = request.actor
    invoice = _load(actor, invoice_id)
    may_change = can(actor, Action.CHANGE, invoice)
    page_forms = _state_forms(invoice, may_change)
    if bound is not None:
        name, form = bound
        if name in page_forms:
            page_forms[name] = form
        else:  # a form this state does not show: say what was refused above the invoice
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    # Contractor lines share a few pricing notes (why the rate is what it is): numbered once.
    pricing_notes: list[str] = []
    for line in invoice.lines.all():
        if line.contractor_work and line.pricing_note:
            if line.pricing_note not in pricing_notes:
                pricing_notes.append(line.pricing_note)
            line.note_number = pricing_notes.index(line.pricing_note) + 1  # type: ignore[attr-defined]
    today = timezone.localdate()
    return render(
        request,
        "billing/invoice.html",
        {
            "invoice": invoice,
            "show_pricing": True,
            "pricing_notes": pricing_notes,
            "may_change": may_change,
            "may_delete": invoice.is_draft and can(actor, Action.DELETE, invoice),
            "forms": page_forms,
            "open_form": bound[0] if bound else "",
            "trust": _trust(actor, invoice),
            "client_link": None if invoice.is_draft else client_url(invoice),
            "days_overdue": (today - invoice.due_on).days
            if invoice.state in OPEN_INVOICE_STATES and invoice.due_on and invoice.due_on < today
            else 0,
        },
        status=status,
    )


@login_required
@require_GET
def invoice_detail(request: ActorRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, invoice_id)


def _form_post(
    request: ActorRequest,
    invoice_id: int,
    name: str,
    form: forms.Form,
    act: Callable[[dict], str],
) -> HttpResponse:
    """A form on the invoice page: done, back to the invoice with a message; invalid or refused,
    the page again with the errors on the form and nothing changed."""
    status = 422
    if form.is_valid():
        try:
            done = act(form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            if error.fields:
                add_domain_error(form, error)
            else:  # a rule of the invoice's state, not of what was typed: said above the invoice
                messages.error(request, refusal_text(error))
            status = error.status
        else:
            messages.success(request, done)
            return redirect(_invoice_url(invoice_id))
    return _invoice_page(request, invoice_id, status=status, bound=(name, form))


def _invoice_url(invoice_id: int) -> str:
    return reverse("billing:invoice", args=[invoice_id])


def _action(
    request: ActorRequest, invoice_id: int, act: Callable[[], str], to: str = ""
) -> HttpResponse:
    """A button on the invoice page (no form): done or refused, said in a message."""
    try:
        done = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, refusal_text(error))
        return redirect(_invoice_url(invoice_id))
    messages.success(request, done)
    return redirect(to or _invoice_url(invoice_id))


@login_required
@require_POST
def update_invoice(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act(data: dict) -> str:
        services.update_draft(request.actor, invoice_id=invoice.pk, changes=data, request=request)
        return "Draft saved."

    return _form_post(
        request, invoice_id, "draft", DraftForm(request.POST, auto_id="draft-%s"), act
    )


@login_required
@require_POST
def add_expense(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act(data: dict) -> str:
        line = services.add_expense(
            request.actor,
            invoice_id=invoice.pk,
            data=services.ExpenseInput(
                date=data["date"],
                description=data["description"],
                amount_cents=data["amount_cents"],
            ),
            request=request,
        )
        return f"Expense added: {line.description}, {_usd(line.amount_cents)}."

    form = ExpenseForm(request.POST, auto_id="expense-%s")
    return _form_post(request, invoice_id, "expense", form, act)


@login_required
@require_POST
def remove_line(request: ActorRequest, invoice_id: int, line_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act() -> str:
        services.remove_line(request.actor, invoice_id=invoice.pk, line_id=line_id, request=request)
        return "Line removed; its time can go on a later invoice."

    return _action(request, invoice_id, act)


@login_required
@require_POST
def delete_invoice(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.DELETE, pk=invoice_id)

    def act() -> str:
        services.delete_draft(request.actor, invoice_id=invoice.pk, request=request)
        return "Draft deleted; its time is free to invoice again."

    return _action(request, invoice_id, act, to=reverse("billing:invoices"))


@login_required
@require_POST
def send_invoice(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id, related=("client",))

    def act(data: dict) -> str:
        sent = services.send_invoice(
            request.actor, invoice_id=invoice.pk, issued_on=data["issued_on"], request=request
        )
        assert sent.due_on is not None
        due = f"{sent.due_on:%b} {sent.due_on.day}, {sent.due_on.year}"
        what = f"Invoice {sent.number} for {_usd(sent.total_cents)} is due {due}."
        if invoice.client.email:
            return f"{what} The client gets a link by email at {invoice.client.email}."
        return (
            f"{what} {invoice.client.name} has no email on file: send them the client link or "
            "the PDF yourself."
        )

    return _form_post(request, invoice_id, "send", SendForm(request.POST, auto_id="send-%s"), act)


@login_required
@require_POST
def record_payment(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act(data: dict) -> str:
        payment = services.record_payment(
            request.actor,
            invoice_id=invoice.pk,
            data=services.PaymentInput(
                amount_cents=data["amount_cents"],
                received_on=data["received_on"],
                method=data["method"],
                reference=data["reference"],
            ),
            request=request,
        )
        invoice.refresh_from_db()
        return (
            f"Payment of {_usd(payment.amount_cents)} recorded; "
            f"{_usd(invoice.balance_cents)} still due."
            if invoice.balance_cents
            else f"Payment of {_usd(payment.amount_cents)} recorded; the invoice is paid."
        )

    form = PaymentForm(request.POST, auto_id="payment-%s")
    return _form_post(request, invoice_id, "payment", form, act)


@login_required
@require_POST
def credit_invoice(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act(data: dict) -> str:
        note = services.issue_credit_note(
            request.actor,
            invoice_id=invoice.pk,
            amount_cents=data["amount_cents"],
            reason=data["reason"],
            request=request,
        )
        return f"Credit note {note.number} for {_usd(note.amount_cents)} issued."

    form = CreditNoteForm(request.POST, auto_id="credit-%s")
    return _form_post(request, invoice_id, "credit", form, act)


@login_required
@require_POST
def pay_from_trust(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = fetch(request.actor, Invoice, Action.CHANGE, pk=invoice_id)

    def act() -> str:
        result = trust_requests.pay_from_trust(
            request.actor, invoice_id=invoice.pk, request=request
        )
        if isinstance(result, TrustTransaction):
            return (
                f"{_usd(-result.amount_cents)} paid from trust to the operating account "
                f"(trust entry #{result.sequence})."
            )
        return (
            f"Asked an attorney to approve paying {_usd(result.amount_cents)} from trust; it is "
            "applied to the invoice once they approve."
        )

    return _action(request, invoice_id, act)


@login_required
@require_GET
def invoice_pdf(request: ActorRequest, invoice_id: int) -> HttpResponse:
    invoice = _load(request.actor, invoice_id)
    return pdf_response(
        request, "billing/invoice_pdf.html", {"invoice": invoice}, filename=invoice.label
    )


# --- The client's view, by the invoice's secret link (no sign-in) ------------------------------


def _for_client(response: HttpResponse) -> HttpResponse:
    # The link is the key: keep it out of search engines, shared caches and Referer headers.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def client_invoice(request: ActorRequest, key: str) -> HttpResponse:
    invoice = selectors.client_invoice(key)
    services.mark_viewed(invoice, viewer=request.actor)
    return _for_client(
        render(request, "billing/client_invoice.html", {"invoice": invoice, "key": key})
    )


@require_GET
def client_invoice_pdf(request: ActorRequest, key: str) -> HttpResponse:
    invoice = selectors.client_invoice(key)
    services.mark_viewed(invoice, viewer=request.actor)
    return _for_client(
        pdf_response(
            request, "billing/invoice_pdf.html", {"invoice": invoice}, filename=invoice.label
        )
    )
