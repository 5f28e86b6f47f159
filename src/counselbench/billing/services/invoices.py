"""Client invoices (PRODUCT §2.6): drafted from a matter's approved, billable time and its
expenses; sent with the firm's next number (no gaps: the number is taken under a row lock in the
transaction that sends); immutable once sent, so a credit note takes an amount off instead of an
edit; paid in part or in full, by the client or from trust (trust.services.journal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.billing.error_codes import BillingErrorCode as Code
from counselbench.billing.models import (
    CreditNote,
    EntryState,
    Invoice,
    InvoiceLine,
    InvoiceState,
    LineKind,
    NumberSequence,
    Payment,
    PaymentMethod,
    TimeEntry,
)
from counselbench.billing.services.pricing import invoice_totals, price_entry
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.core.money import MAX_AMOUNT_CENTS, format_usd
from counselbench.matters.models import Consent, Matter
from counselbench.organizations.models import Membership

PREFIXES = {"invoice": "INV-", "credit_note": "CN-", "statement": "ST-"}
MAX_TERMS_DAYS = 120


def next_number(organization_id: int, kind: str) -> str:
    """The firm's next number of this kind. Call inside the issuing transaction: the row lock
    makes concurrent issuers wait, and a rollback gives the number back (no gap)."""
    NumberSequence.objects.get_or_create(
        organization_id=organization_id, kind=kind, defaults={"prefix": PREFIXES[kind]}
    )
    sequence = NumberSequence.objects.select_for_update().get(
        organization_id=organization_id, kind=kind
    )
    value = sequence.next_value
    NumberSequence.objects.filter(pk=sequence.pk).update(next_value=F("next_value") + 1)
    return f"{sequence.prefix}{value:05d}"


def _live_consent(matter: Matter) -> Consent | None:
    return Consent.objects.filter(matter=matter, withdrawn_at__isnull=True).first()


def _recompute(invoice: Invoice) -> None:
    totals = invoice_totals(
        list(invoice.lines.values_list("amount_cents", flat=True)),
        discount_percent=invoice.discount_percent,
        tax_percent=invoice.tax_percent,
    )
    invoice.subtotal_cents, invoice.discount_cents = totals.subtotal_cents, totals.discount_cents
    invoice.tax_cents, invoice.total_cents = totals.tax_cents, totals.total_cents
    invoice.save(update_fields=["subtotal_cents", "discount_cents", "tax_cents", "total_cents"])


def _billable_entries(matter: Matter, through: date, entry_ids: list[int] | None):
    entries = TimeEntry.objects.filter(
        matter=matter,
        state=EntryState.APPROVED,
        billable=True,
        date__lte=through,
        invoice_line__isnull=True,
    ).select_related("author", "engagement")
    if entry_ids is not None:
        entries = entries.filter(pk__in=entry_ids)
    return list(entries.order_by("date", "pk"))


def _line_for(entry: TimeEntry, matter: Matter, consent: Consent | None) -> InvoiceLine:
    pricing = price_entry(entry, matter, consent)
    if pricing is None:
        raise Invalid.field(
            "entry_ids",
            f"{entry.author.display_name} has no billing rate on {entry.date}: set one under "
            "Billing → Rates first.",
            Code.NO_BILLING_RATE,
        )
    return InvoiceLine(
        kind=LineKind.FEE,
        time_entry=entry,
        date=entry.date,
        timekeeper=entry.author.display_name,
        description=entry.description,
        minutes=entry.minutes,
        rate_cents=pricing.rate_cents,
        amount_cents=pricing.amount_cents,
        contractor_work=pricing.contractor_work,
        cost_rate_cents=pricing.cost_rate_cents,
        markup_percent=pricing.markup_percent,
        pricing_note=pricing.note[:500],
    )


def draft_invoice(
    actor: Actor,
    *,
    matter_id: int,
    through: date | None = None,
    entry_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Invoice:
    """A draft for the matter's client from its approved, billable, not yet invoiced time up to
    `through` (today by default), or only the entries named."""
    require(actor, Action.CREATE, Invoice, "Owners and billing staff prepare invoices.")
    matter = fetch(actor, Matter, pk=matter_id)
    through = through or timezone.localdate()
    entries = _billable_entries(matter, through, entry_ids)
    if entry_ids is not None:
        missing = set(entry_ids) - {e.pk for e in entries}
        if missing:
            raise Invalid.field(
                "entry_ids",
                "Not approved, billable and uninvoiced time on this matter: "
                f"{', '.join(map(str, sorted(missing)))}.",
            )
    consent = _live_consent(matter)
    lines = [_line_for(entry, matter, consent) for entry in entries]
    with transaction.atomic():
        invoice = Invoice.objects.create(
            organization_id=matter.organization_id,
            client_id=matter.client_id,
            matter=matter,
            created_by=actor.user,
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        _recompute(invoice)
        log.record(
            "invoice.drafted",
            actor=actor,
            organization=matter.organization_id,
            obj=invoice,
            request=request,
            detail={"matter_id": matter.pk, "lines": len(lines)},
        )
    return invoice


def _draft(actor: Actor, invoice_id: int, action: Action = Action.CHANGE) -> Invoice:
    invoice = fetch(actor, Invoice, action, pk=invoice_id)
    if not invoice.is_draft:
        raise RuleViolation(
            Code.INVOICE_SENT,
            f"Invoice {invoice.number} was sent and cannot be changed.",
            unblock="Issue a credit note for what should come off.",
        )
    return invoice


def _percent(value: Any, path: str, upper: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Invalid.field(path, "A percentage.") from None
    if not number.is_finite() or not 0 <= number <= upper or number != round(number, 3):
        raise Invalid.field(path, f"From 0 to {upper}%, at most three decimals.")
    return number


def update_draft(
    actor: Actor, *, invoice_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> Invoice:
    """Discount, tax, payment terms and notes of a draft."""
    invoice = _draft(actor, invoice_id)
    if "discount_percent" in changes:
        invoice.discount_percent = _percent(changes["discount_percent"], "discount_percent", 100)
    if "tax_percent" in changes:
        invoice.tax_percent = _percent(changes["tax_percent"], "tax_percent", 30)
    if "payment_terms_days" in changes:
        days = changes["payment_terms_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_TERMS_DAYS:
            raise Invalid.field("payment_terms_days", f"Whole days from 0 to {MAX_TERMS_DAYS}.")
        invoice.payment_terms_days = days
    if "notes" in changes:
        notes = changes["notes"] or ""
        if len(notes) > 2000:
            raise Invalid.field("notes", "At most 2,000 characters.")
        invoice.notes = notes
    with transaction.atomic():
        invoice.save(
            update_fields=["discount_percent", "tax_percent", "payment_terms_days", "notes"]
        )
        _recompute(invoice)
    return invoice


@dataclass(frozen=True)
class ExpenseInput:
    date: date
    description: str
    amount_cents: int
    currency: str = "USD"


def add_expense(
    actor: Actor, *, invoice_id: int, data: ExpenseInput, request: HttpRequest | None = None
) -> InvoiceLine:
    invoice = _draft(actor, invoice_id)
    errors = []
    if data.currency != invoice.currency:
        errors.append(FieldError("currency", f"This invoice is in {invoice.currency}."))
    if (
        not isinstance(data.amount_cents, int)
        or isinstance(data.amount_cents, bool)
        or not 1 <= data.amount_cents <= MAX_AMOUNT_CENTS
    ):
        errors.append(FieldError("amount_cents", "From $0.01 to $100,000,000."))
    if data.date > timezone.localdate():
        errors.append(FieldError("date", "An expense already incurred (not in the future)."))
    description = (data.description or "").strip()
    if not description or len(description) > 1000:
        errors.append(FieldError("description", "What the expense was (at most 1,000)."))
    if errors:
        raise Invalid("Some expense details are not valid.", fields=errors)
    with transaction.atomic():
        line = InvoiceLine.objects.create(
            invoice=invoice,
            kind=LineKind.EXPENSE,
            date=data.date,
            description=description,
            amount_cents=data.amount_cents,
        )
        _recompute(invoice)
    return line


def remove_line(
    actor: Actor, *, invoice_id: int, line_id: int, request: HttpRequest | None = None
) -> None:
    """Takes a line off a draft; its time entry is free for a later invoice."""
    invoice = _draft(actor, invoice_id)
    line = invoice.lines.filter(pk=line_id).first()
    if line is None:
        raise Invalid.field("line_id", "No such line on this invoice.")
    with transaction.atomic():
        line.delete()
        _recompute(invoice)


def delete_draft(actor: Actor, *, invoice_id: int, request: HttpRequest | None = None) -> None:
    invoice = _draft(actor, invoice_id, Action.DELETE)
    with transaction.atomic():
        invoice.lines.all().delete()
        log.record(
            "invoice.draft_deleted",
            actor=actor,
            organization=invoice.organization_id,
            object_type="billing.invoice",
            object_id=str(invoice.pk),
            request=request,
        )
        invoice.delete()


def send_invoice(
    actor: Actor,
    *,
    invoice_id: int,
    issued_on: date | None = None,
    request: HttpRequest | None = None,
) -> Invoice:
    """Numbers the draft, fixes its dates and emails the client a link (after commit). From here
    the invoice is immutable and its time entries are billed."""
    from counselbench.billing.tasks import send_invoice_email

    invoice = _draft(actor, invoice_id)
    issued_on = issued_on or timezone.localdate()
    today = timezone.localdate()
    if issued_on > today or issued_on < today - timedelta(days=31):
        raise Invalid.field("issued_on", "Today, or within the last 31 days.")
    if not invoice.lines.exists():
        raise RuleViolation(
            Code.INVOICE_EMPTY,
            "The invoice has no lines.",
            unblock="Add approved time or an expense first.",
        )
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not invoice.is_draft:  # sent by someone else meanwhile
            raise RuleViolation(Code.INVOICE_SENT, f"Invoice {invoice.number} was already sent.")
        _recompute(invoice)
        if invoice.total_cents <= 0:
            raise RuleViolation(
                Code.INVOICE_EMPTY,
                "The invoice totals nothing to pay (corrections outweigh the time).",
                unblock="Remove the correction lines, or add the time they correct.",
            )
        invoice.number = next_number(invoice.organization_id, "invoice")
        invoice.issued_on = issued_on
        invoice.due_on = issued_on + timedelta(days=invoice.payment_terms_days)
        invoice.state, invoice.sent_at = InvoiceState.SENT, timezone.now()
        invoice.save(update_fields=["number", "issued_on", "due_on", "state", "sent_at"])
        TimeEntry.objects.filter(invoice_line__invoice=invoice).update(state=EntryState.BILLED)
        log.record(
            "invoice.sent",
            actor=actor,
            organization=invoice.organization_id,
            obj=invoice,
            request=request,
            detail={"number": invoice.number, "total_cents": invoice.total_cents},
        )
        transaction.on_commit(lambda: send_invoice_email.enqueue(invoice.pk))
    return invoice


def mark_viewed(invoice: Invoice, *, viewer: Actor | None = None) -> None:
    """The client opened the invoice's link (the first time counts). The firm's own people
    checking the link do not count as the client having seen it."""
    user = viewer.user if viewer is not None else None
    if user and Membership.objects.filter(user=user, organization=invoice.organization_id).exists():
        return
    if invoice.state == InvoiceState.SENT:
        Invoice.objects.filter(pk=invoice.pk, state=InvoiceState.SENT).update(
            state=InvoiceState.VIEWED, viewed_at=timezone.now()
        )
    elif invoice.viewed_at is None and not invoice.is_draft:
        Invoice.objects.filter(pk=invoice.pk, viewed_at__isnull=True).update(
            viewed_at=timezone.now()
        )


def _settle_state(invoice: Invoice) -> None:
    if invoice.balance_cents == 0:
        invoice.state = InvoiceState.PAID if invoice.paid_cents else InvoiceState.VOID
        invoice.paid_at = invoice.paid_at or (timezone.now() if invoice.paid_cents else None)
    elif invoice.paid_cents:
        invoice.state = InvoiceState.PARTIALLY_PAID


def _payable(invoice: Invoice, amount_cents: int, path: str = "amount_cents") -> None:
    if invoice.is_draft or invoice.state == InvoiceState.VOID:
        raise RuleViolation(
            Code.INVOICE_NOT_OPEN,
            "Only a sent invoice takes payments.",
            unblock="Send the invoice first.",
        )
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents < 1:
        raise Invalid.field(path, "A positive amount (at least $0.01).")
    if amount_cents > invoice.balance_cents:
        raise Invalid.field(
            path,
            f"More than the balance due ({format_usd(invoice.balance_cents, exact=True)}): a "
            "payment never exceeds what the invoice still asks.",
            Code.OVERPAYMENT,
        )


def apply_payment(
    invoice: Invoice,
    *,
    amount_cents: int,
    received_on: date,
    method: str,
    reference: str,
    recorded_by: Any,
    trust_transaction: Any = None,
) -> Payment:
    """Inside a transaction, with the invoice locked: records the payment and settles the
    state. The trust journal calls this for an earned-fee transfer."""
    _payable(invoice, amount_cents)
    payment = Payment.objects.create(
        invoice=invoice,
        amount_cents=amount_cents,
        received_on=received_on,
        method=method,
        reference=reference,
        recorded_by=recorded_by,
        trust_transaction=trust_transaction,
    )
    invoice.paid_cents += amount_cents
    _settle_state(invoice)
    invoice.save(update_fields=["paid_cents", "state", "paid_at"])
    return payment


@dataclass(frozen=True)
class PaymentInput:
    amount_cents: int
    received_on: date
    method: str
    reference: str = ""
    currency: str = "USD"


def record_payment(
    actor: Actor, *, invoice_id: int, data: PaymentInput, request: HttpRequest | None = None
) -> Payment:
    """A payment the client made (check, transfer, card...). From trust it is an earned-fee
    transfer instead, which only an attorney authorizes (trust.services.journal)."""
    invoice = fetch(actor, Invoice, Action.CHANGE, pk=invoice_id)
    errors = []
    if data.method == PaymentMethod.TRUST:
        errors.append(
            FieldError(
                "method",
                "A payment from trust is an earned-fee transfer: use Pay from "
                "trust, which an attorney authorizes.",
            )
        )
    elif data.method not in PaymentMethod.values:
        errors.append(FieldError("method", "check, ach, wire, card or cash."))
    if data.currency != invoice.currency:
        errors.append(FieldError("currency", f"This invoice is in {invoice.currency}."))
    if data.received_on > timezone.localdate():
        errors.append(FieldError("received_on", "A payment already received (not in the future)."))
    elif invoice.issued_on and data.received_on < invoice.issued_on - timedelta(days=366):
        errors.append(FieldError("received_on", "Too long before the invoice was issued."))
    if len(data.reference or "") > 100:
        errors.append(FieldError("reference", "At most 100 characters."))
    if errors:
        raise Invalid("Some payment details are not valid.", fields=errors)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment = apply_payment(
            invoice,
            amount_cents=data.amount_cents,
            received_on=data.received_on,
            method=data.method,
            reference=(data.reference or "").strip(),
            recorded_by=actor.user,
        )
        log.record(
            "invoice.payment_recorded",
            actor=actor,
            organization=invoice.organization_id,
            obj=invoice,
            request=request,
            detail={"amount_cents": data.amount_cents, "method": data.method},
        )
    return payment


def issue_credit_note(
    actor: Actor,
    *,
    invoice_id: int,
    amount_cents: int,
    reason: str,
    request: HttpRequest | None = None,
) -> CreditNote:
    """Takes up to the balance due off a sent invoice; the whole balance voids an unpaid one."""
    invoice = fetch(actor, Invoice, Action.CHANGE, pk=invoice_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise Invalid.field("reason", "Why the credit is given (at most 2,000 characters).")
    _payable(invoice, amount_cents)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _payable(invoice, amount_cents)
        note = CreditNote.objects.create(
            invoice=invoice,
            organization_id=invoice.organization_id,
            number=next_number(invoice.organization_id, "credit_note"),
            amount_cents=amount_cents,
            reason=reason,
            issued_on=timezone.localdate(),
            issued_by=actor.authenticated_user,
        )
        invoice.credited_cents += amount_cents
        _settle_state(invoice)
        invoice.save(update_fields=["credited_cents", "state", "paid_at"])
        log.record(
            "invoice.credited",
            actor=actor,
            organization=invoice.organization_id,
            obj=invoice,
            request=request,
            detail={"credit_note": note.number, "amount_cents": amount_cents},
        )
    return note
