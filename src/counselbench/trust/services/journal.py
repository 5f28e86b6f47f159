"""The trust journal (ABA Model Rule 1.15; the ABA Model Rules for Client Trust Account Records):
every movement of money in a trust account is one immutable entry that records who, when, payee
or payor, purpose and the related matter or invoice, with the running balances after it.

The rules, each enforced here and where possible by the database as well:
- a client ledger never goes below zero, on any day (money out may not be dated before the
  ledger's newest entry, and the balance is checked under a row lock);
- only an owner or attorney authorizes money out (staff ask; trust.services.requests);
- bank charges come out of the firm's own small deposit, never client money; card processing
  fees never come out of trust at all;
- an earned fee goes to operating against a specific invoice of the same client;
- a month signed off in a reconciliation is locked: nothing is posted dated in it;
- a mistake is corrected by a reversing entry, never an edit.
Every posting locks the account row, so the sequence and running balances have one order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch
from counselbench.accounts.models import User
from counselbench.billing.models import Invoice, PaymentMethod
from counselbench.billing.services.invoices import apply_payment
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.core.money import MAX_AMOUNT_CENTS, format_usd
from counselbench.matters.models import Matter
from counselbench.trust.error_codes import TrustErrorCode as Code
from counselbench.trust.models import (
    OUTGOING_KINDS,
    EntryKind,
    EntryMethod,
    LedgerKind,
    TrustAccount,
    TrustLedger,
    TrustTransaction,
)

# Writes a posting's access-log line (see _recorder).
Recorder = Callable[[TrustTransaction], None]


@dataclass(frozen=True)
class EntryInput:
    ledger_id: int
    amount_cents: int  # how much, always positive: the kind says which way it moves
    date: date
    payee_payor: str
    purpose: str
    method: str
    reference: str = ""
    invoice_id: int | None = None
    currency: str = "USD"
    # A card payment whose processor kept a fee: refused (the fee is charged to operating).
    processor_fee_cents: int = 0
    # The client's matter the money is for. A matter ledger's entries are its matter's; on the
    # client's ledger as a whole, naming it is how the entry records what it relates to.
    matter_id: int | None = None


def _check(data: EntryInput, account: TrustAccount) -> None:
    errors = []
    amount = data.amount_cents
    if (
        not isinstance(amount, int)
        or isinstance(amount, bool)
        or not 1 <= amount <= MAX_AMOUNT_CENTS
    ):
        errors.append(FieldError("amount_cents", "From 1 cent to $100,000,000, in cents."))
    if data.currency != account.currency:
        errors.append(
            FieldError(
                "currency",
                f"{account.name} holds {account.currency}; this entry is in {data.currency}.",
            )
        )
    today = timezone.localdate()
    if not isinstance(data.date, date):
        errors.append(FieldError("date", "A date."))
    elif data.date > today:
        errors.append(FieldError("date", "Not in the future: post money when it moves."))
    elif data.date < account.opened_on:
        errors.append(FieldError("date", f"Before the account was opened ({account.opened_on})."))
    payee = (data.payee_payor or "").strip()
    if not payee or len(payee) > 200:
        errors.append(FieldError("payee_payor", "Who paid the money in, or who it is paid to."))
    purpose = (data.purpose or "").strip()
    if not purpose or len(purpose) > 500:
        errors.append(FieldError("purpose", "What the money is for (at most 500 characters)."))
    if data.method not in EntryMethod.values:
        errors.append(FieldError("method", f"One of: {', '.join(EntryMethod.values)}."))
    if len(data.reference or "") > 100:
        errors.append(FieldError("reference", "At most 100 characters."))
    if errors:
        codes = {e.path for e in errors}
        code = Code.CURRENCY_MISMATCH if codes == {"currency"} else "invalid"
        raise Invalid("Some entry details are not valid.", fields=errors, code=code)


def _post(
    *,
    ledger: TrustLedger,
    kind: EntryKind,
    amount_cents: int,
    data: EntryInput,
    posted_by: User,
    authorized_by: User | None,
    matter_id: int | None,
    invoice: Invoice | None = None,
    reverses: TrustTransaction | None = None,
    record: Recorder | None = None,
) -> TrustTransaction:
    """Writes one entry with the account and ledger locked; `amount_cents` is signed.
    `record` writes the entry's access-log line, in the same transaction."""
    with transaction.atomic():
        account = TrustAccount.objects.select_for_update().get(pk=ledger.account_id)
        ledger = TrustLedger.objects.select_for_update().get(pk=ledger.pk)
        locked = account.locked_through
        if locked is not None and data.date <= locked:
            raise Invalid.field(
                "date",
                f"The books are closed through {locked:%B} {locked.day}, {locked.year}: that "
                "month's reconciliation was signed "
                "off. Date the entry after it (a correction of an old entry is a reversal dated "
                "today).",
                Code.PERIOD_LOCKED,
            )
        if amount_cents < 0 and ledger.last_entry_on and data.date < ledger.last_entry_on:
            raise Invalid.field(
                "date",
                f"Money out of this ledger cannot be dated before its newest entry "
                f"({ledger.last_entry_on}), or the balance could have been negative that day.",
                Code.BACKDATED,
            )
        balance = ledger.balance_cents + amount_cents
        if balance < 0:
            raise Invalid.field(
                "amount_cents",
                f"{ledger} holds {format_usd(ledger.balance_cents, exact=True)}: taking "
                f"{format_usd(-amount_cents, exact=True)} would leave it below zero, and one "
                "client's money never pays for another's.",
                Code.OVERDRAFT,
            )
        account.entry_count += 1
        account.balance_cents += amount_cents
        entry = TrustTransaction.objects.create(
            account=account,
            ledger=ledger,
            organization_id=account.organization_id,
            sequence=account.entry_count,
            kind=kind,
            amount_cents=amount_cents,
            date=data.date,
            payee_payor=data.payee_payor.strip(),
            purpose=data.purpose.strip(),
            method=data.method,
            reference=(data.reference or "").strip(),
            matter_id=matter_id,
            invoice=invoice,
            reverses=reverses,
            posted_by=posted_by,
            authorized_by=authorized_by,
            ledger_balance_after_cents=balance,
            account_balance_after_cents=account.balance_cents,
        )
        last = max(ledger.last_entry_on or data.date, data.date)
        TrustLedger.objects.filter(pk=ledger.pk).update(balance_cents=balance, last_entry_on=last)
        TrustAccount.objects.filter(pk=account.pk).update(
            balance_cents=account.balance_cents, entry_count=account.entry_count
        )
        ledger.balance_cents, ledger.last_entry_on = balance, last
        from counselbench.trust.services.retainers import after_posting

        after_posting(ledger)
        if record is not None:
            record(entry)
    return entry


def _ledger(actor: Actor, ledger_id: int, action: Action = Action.CHANGE) -> TrustLedger:
    ledger = fetch(actor, TrustLedger, pk=ledger_id, related=("account",))
    if not can(actor, action, ledger):
        if action == Action.AUTHORIZE:
            raise PermissionDenied(
                "Only an attorney authorizes money out of trust.",
                code=Code.ATTORNEY_REQUIRED,
                unblock="Ask for it: an owner or attorney approves the request.",
            )
        raise PermissionDenied("Owners and staff with the billing permission post to trust.")
    return ledger


def matter_for(
    ledger: TrustLedger,
    data: EntryInput,
    invoice: Invoice | None = None,
    *,
    actor: Actor | None = None,
) -> int | None:
    """The matter an entry records (Rules for Client Trust Account Records, Rule 1(b): each
    entry names the client matter): a matter ledger's own; on the client's ledger as a whole,
    the one named (of the firm and that client, and not behind a wall from `actor`, the person
    posting), else the invoice's. Field errors on `matter_id`."""
    wanted = data.matter_id
    if wanted is None:
        if ledger.matter_id is not None:
            return ledger.matter_id
        return invoice.matter_id if invoice is not None else None
    if isinstance(wanted, bool) or not isinstance(wanted, int):
        raise Invalid.field("matter_id", "A matter's id.")
    if ledger.kind == LedgerKind.FIRM_FUNDS:
        raise Invalid.field(
            "matter_id",
            "The firm's own funds in the account belong to no client matter.",
            Code.MATTER_MISMATCH,
        )
    if ledger.matter_id is not None:
        if wanted != ledger.matter_id:
            raise Invalid.field(
                "matter_id",
                "This ledger holds one matter's money: its entries are for that matter. Post "
                "to the other matter's ledger (or the client's ledger as a whole).",
                Code.MATTER_MISMATCH,
            )
        return wanted
    matter = (
        Matter.objects.filter(pk=wanted, organization_id=ledger.organization_id)
        .only("pk", "client_id", "number")
        .first()
    )
    if matter is None or (actor is not None and matter.pk in actor.screened_matter_ids()):
        raise Invalid.field("matter_id", "No such matter.")
    if matter.client_id != ledger.client_id:
        raise Invalid.field(
            "matter_id",
            f"Matter {matter.number} is not this ledger's client's.",
            Code.MATTER_MISMATCH,
        )
    if invoice is not None and invoice.matter_id != matter.pk:
        raise Invalid.field(
            "matter_id",
            f"Invoice {invoice.label} is for another matter than {matter.number}.",
            Code.MATTER_MISMATCH,
        )
    return matter.pk


def _recorder(actor: Actor, action: str, request: HttpRequest | None, **detail: Any) -> Recorder:
    """The access-log line of a posting, written inside the posting's own transaction: the
    entry and its line commit together or not at all, so no crash leaves money moved that the
    log does not show."""

    def record(entry: TrustTransaction) -> None:
        log.record(
            action,
            actor=actor,
            organization=entry.organization_id,
            obj=entry,
            request=request,
            detail={
                "ledger_id": entry.ledger_id,
                "sequence": entry.sequence,
                "amount_cents": entry.amount_cents,
                "matter_id": entry.matter_id,
                "invoice_id": entry.invoice_id,
                **detail,
            },
        )

    return record


def deposit(
    actor: Actor, *, data: EntryInput, request: HttpRequest | None = None
) -> TrustTransaction:
    """Money in: a retainer, a settlement, a client's advance for costs (or, on the firm-funds
    ledger, the firm's own money to cover bank charges, up to the account's limit)."""
    ledger = _ledger(actor, data.ledger_id)
    _check(data, ledger.account)
    matter_id = matter_for(ledger, data, actor=actor)
    if data.processor_fee_cents:
        raise Invalid.field(
            "processor_fee_cents",
            "Card processing fees never come out of trust (Model Rule 1.15): deposit the gross "
            "amount and have the processor charge its fee to the operating account.",
            Code.CARD_FEE_FROM_TRUST,
        )
    if ledger.kind == LedgerKind.FIRM_FUNDS:
        limit = ledger.account.firm_funds_limit_cents
        if ledger.balance_cents + data.amount_cents > limit:
            raise Invalid.field(
                "amount_cents",
                f"Firm money in trust is limited to what covers bank charges "
                f"({format_usd(limit, exact=True)}, Model Rule 1.15(b)).",
                Code.FIRM_FUNDS_LIMIT,
            )
    return _post(
        ledger=ledger,
        kind=EntryKind.DEPOSIT,
        amount_cents=data.amount_cents,
        data=data,
        posted_by=actor.authenticated_user,
        authorized_by=None,
        matter_id=matter_id,
        record=_recorder(actor, "trust.deposit", request),
    )


def check_outgoing(ledger: TrustLedger, kind: EntryKind, data: EntryInput) -> Invoice | None:
    _check(data, ledger.account)
    if kind == EntryKind.BANK_FEE and ledger.kind != LedgerKind.FIRM_FUNDS:
        raise Invalid.field(
            "ledger_id",
            "Bank charges are paid from the firm's own funds in the account, never from a "
            "client's ledger (Model Rule 1.15(b)).",
            Code.BANK_FEE_FROM_CLIENT_FUNDS,
        )
    if kind == EntryKind.EARNED_FEE:
        return _invoice_for(ledger, data)
    return None


def _invoice_for(ledger: TrustLedger, data: EntryInput) -> Invoice:
    if data.invoice_id is None:
        raise Invalid.field("invoice_id", "An earned fee goes to operating against an invoice.")
    invoice = Invoice.objects.filter(
        pk=data.invoice_id, organization=ledger.organization_id
    ).first()
    if invoice is None:
        raise Invalid.field("invoice_id", "No such invoice.")
    if invoice.client_id != ledger.client_id or (
        ledger.matter_id is not None and invoice.matter_id != ledger.matter_id
    ):
        raise Invalid.field(
            "invoice_id",
            f"Invoice {invoice.label} is not for this ledger's client and matter.",
            Code.INVOICE_MISMATCH,
        )
    return invoice


def post_outgoing(
    *,
    ledger: TrustLedger,
    kind: EntryKind,
    data: EntryInput,
    posted_by: User,
    authorized_by: User,
    actor: Actor | None = None,
    record: Recorder | None = None,
) -> TrustTransaction:
    """Money out, already authorized by `authorized_by` (an owner or attorney). An earned fee
    also records the invoice's payment, in the same transaction. `actor`: the person posting,
    when it is not an approval of a request already checked; `record`: the access-log line."""
    invoice = check_outgoing(ledger, kind, data)
    matter_id = matter_for(ledger, data, invoice, actor=actor)
    with transaction.atomic():
        if invoice is not None:
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
            if data.amount_cents > invoice.balance_cents or invoice.is_draft:
                raise Invalid.field(
                    "amount_cents",
                    f"Invoice {invoice.label} asks for "
                    f"{format_usd(max(invoice.balance_cents, 0), exact=True)}; transfer no more "
                    "than what is earned and billed.",
                    Code.EXCEEDS_INVOICE,
                )
        entry = _post(
            ledger=ledger,
            kind=kind,
            amount_cents=-data.amount_cents,
            data=data,
            posted_by=posted_by,
            authorized_by=authorized_by,
            matter_id=matter_id,
            invoice=invoice,
            record=record,
        )
        if invoice is not None:
            apply_payment(
                invoice,
                amount_cents=data.amount_cents,
                received_on=data.date,
                method=PaymentMethod.TRUST,
                reference=f"Trust entry #{entry.sequence}",
                recorded_by=posted_by,
                trust_transaction=entry,
            )
    return entry


def withdraw(
    actor: Actor,
    *,
    kind: EntryKind,
    data: EntryInput,
    request: HttpRequest | None = None,
) -> TrustTransaction:
    """An owner or attorney takes money out: a disbursement, an earned fee, a bank charge."""
    if kind not in OUTGOING_KINDS:
        raise Invalid.field("kind", "disbursement, earned_fee or bank_fee.")
    ledger = _ledger(actor, data.ledger_id, Action.AUTHORIZE)
    user = actor.authenticated_user
    return post_outgoing(
        ledger=ledger,
        kind=kind,
        data=data,
        posted_by=user,
        authorized_by=user,
        actor=actor,
        record=_recorder(actor, f"trust.{kind}", request),
    )


def reverse(
    actor: Actor,
    *,
    entry_id: int,
    reason: str,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> TrustTransaction:
    """The correction of an entry: the same amount the other way, on the same ledger, dated
    today (or `on`), authorized by an owner or attorney. Each entry is reversed at most once."""
    original = fetch(actor, TrustTransaction, pk=entry_id, related=("account", "ledger"))
    if not can(actor, Action.AUTHORIZE, original):
        raise PermissionDenied(
            "Only an attorney authorizes a reversal.",
            code=Code.ATTORNEY_REQUIRED,
            unblock="Ask an owner or attorney to reverse the entry.",
        )
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid.field("reason", "Why the entry is reversed (at most 500 characters).")
    if original.kind == EntryKind.REVERSAL:
        raise RuleViolation(
            Code.NOT_REVERSIBLE,
            "A reversal is not reversed again.",
            unblock="Post the entry afresh if the reversal was the mistake.",
        )
    if original.kind == EntryKind.EARNED_FEE:
        raise RuleViolation(
            Code.NOT_REVERSIBLE,
            "An earned-fee transfer paid an invoice: it is not reversed in the journal.",
            unblock="Credit the invoice and deposit the refunded fee back to the client's ledger.",
        )
    if TrustTransaction.objects.filter(reverses=original).exists():
        raise RuleViolation(
            Code.ALREADY_REVERSED, f"Entry #{original.sequence} was already reversed."
        )
    user = actor.authenticated_user
    data = EntryInput(
        ledger_id=original.ledger_id,
        amount_cents=abs(original.amount_cents),
        date=on or timezone.localdate(),
        payee_payor=original.payee_payor,
        purpose=f"Reversal of #{original.sequence}: {reason}"[:500],
        method=original.method,
        reference=original.reference,
        currency=original.account.currency,
    )
    _check(data, original.account)
    return _post(
        ledger=original.ledger,
        kind=EntryKind.REVERSAL,
        amount_cents=-original.amount_cents,
        data=data,
        posted_by=user,
        authorized_by=user,
        # The correction relates to what the entry it corrects related to.
        matter_id=original.matter_id,
        invoice=original.invoice,
        reverses=original,
        record=_recorder(
            actor, "trust.reversed", request, reverses=original.sequence, reason=reason
        ),
    )


def ledger_for_invoice(invoice: Invoice) -> TrustLedger | None:
    """The trust ledger that pays this invoice: the matter's own, else the client's."""
    ledgers = TrustLedger.objects.filter(
        organization=invoice.organization_id, client_id=invoice.client_id, kind=LedgerKind.CLIENT
    )
    return (
        ledgers.filter(matter_id=invoice.matter_id).first()
        or ledgers.filter(matter__isnull=True).first()
    )


def earned_fee_input(invoice: Invoice, ledger: TrustLedger, amount_cents: int) -> EntryInput:
    return EntryInput(
        ledger_id=ledger.pk,
        amount_cents=amount_cents,
        date=timezone.localdate(),
        payee_payor=f"{invoice.organization} operating account",
        purpose=f"Earned fees, invoice {invoice.number}",
        method=EntryMethod.TRANSFER,
        invoice_id=invoice.pk,
        currency=invoice.currency,
        matter_id=invoice.matter_id,
    )


def amount_from_trust(invoice: Invoice, ledger: TrustLedger) -> int:
    return min(invoice.balance_cents, ledger.balance_cents)
