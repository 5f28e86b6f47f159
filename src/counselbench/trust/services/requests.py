"""Money out asked for by billing staff and posted on an attorney's approval (ABA Model Rule 5.3:
staff act under a lawyer's authority, and the approval is the record of it). "Pay from trust" on
an invoice is one such request, or, clicked by an owner or attorney, the approval itself."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch
from counselbench.billing.models import Invoice
from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.core.money import format_usd
from counselbench.organizations.models import Role
from counselbench.trust.error_codes import TrustErrorCode as Code
from counselbench.trust.models import (
    EntryKind,
    RequestState,
    TrustLedger,
    TrustRequest,
    TrustTransaction,
)
from counselbench.trust.services import journal
from counselbench.trust.services.journal import EntryInput

REQUESTABLE = (EntryKind.DISBURSEMENT, EntryKind.EARNED_FEE)


def ask(
    actor: Actor,
    *,
    kind: str,
    data: EntryInput,
    request: HttpRequest | None = None,
) -> TrustRequest:
    """Billing staff ask for a disbursement or an earned-fee transfer. Checked now as the
    posting will be (the balance again at approval, when the money moves)."""
    if kind not in REQUESTABLE:
        raise Invalid.field("kind", "disbursement or earned_fee.")
    ledger = fetch(actor, TrustLedger, pk=data.ledger_id)
    if not can(actor, Action.CHANGE, ledger):
        raise PermissionDenied("Owners and staff with the billing permission ask for trust money.")
    invoice = journal.check_outgoing(ledger, EntryKind(kind), data)
    matter_id = journal.matter_for(ledger, data, invoice, actor=actor)
    if data.amount_cents > ledger.balance_cents:
        raise Invalid.field(
            "amount_cents",
            f"{ledger} holds only {format_usd(ledger.balance_cents, exact=True)}.",
            Code.OVERDRAFT,
        )
    with transaction.atomic():
        asked = TrustRequest.objects.create(
            organization_id=ledger.organization_id,
            ledger=ledger,
            kind=kind,
            amount_cents=data.amount_cents,
            payee_payor=data.payee_payor.strip(),
            purpose=data.purpose.strip(),
            method=data.method,
            reference=(data.reference or "").strip(),
            invoice=invoice,
            matter_id=matter_id,
            requested_by=actor.authenticated_user,
        )
        log.record(
            "trust.requested",
            actor=actor,
            organization=ledger.organization_id,
            obj=asked,
            request=request,
            detail={"kind": kind, "amount_cents": data.amount_cents},
        )
    return asked


def _pending(actor: Actor, request_id: int, action: Action) -> TrustRequest:
    asked = fetch(actor, TrustRequest, pk=request_id)
    if not can(actor, action, asked):
        if action == Action.AUTHORIZE and asked.requested_by_id == actor.authenticated_user.pk:
            raise PermissionDenied(
                "Nobody approves or rejects their own request.",
                code=Code.OWN_REQUEST,
                unblock="Another owner or attorney approves it.",
            )
        raise PermissionDenied(
            "Only an owner or attorney approves trust requests."
            if action == Action.AUTHORIZE
            else "Only the person who asked cancels a request.",
            code=Code.ATTORNEY_REQUIRED if action == Action.AUTHORIZE else "permission_denied",
        )
    if asked.state != RequestState.PENDING:
        raise RuleViolation(
            Code.REQUEST_DECIDED, f"This request is already {asked.get_state_display().lower()}."
        )
    return asked


def approve(
    actor: Actor, *, request_id: int, note: str = "", request: HttpRequest | None = None
) -> TrustTransaction:
    """The attorney's approval posts the entry, dated today, in the same transaction."""
    asked = _pending(actor, request_id, Action.AUTHORIZE)
    if len(note or "") > 500:
        raise Invalid.field("note", "At most 500 characters.")
    data = EntryInput(
        ledger_id=asked.ledger_id,
        amount_cents=asked.amount_cents,
        date=timezone.localdate(),
        payee_payor=asked.payee_payor,
        purpose=asked.purpose,
        method=asked.method,
        reference=asked.reference,
        invoice_id=asked.invoice_id,
        currency=asked.ledger.account.currency,
        matter_id=asked.matter_id,
    )
    with transaction.atomic():
        claimed = TrustRequest.objects.select_for_update().get(pk=asked.pk)
        if claimed.state != RequestState.PENDING:
            raise RuleViolation(Code.REQUEST_DECIDED, "This request was decided meanwhile.")
        entry = journal.post_outgoing(
            ledger=asked.ledger,
            kind=EntryKind(asked.kind),
            data=data,
            posted_by=asked.requested_by,
            authorized_by=actor.authenticated_user,
        )
        claimed.state, claimed.transaction = RequestState.APPROVED, entry
        claimed.decided_by, claimed.decided_at = actor.user, timezone.now()
        claimed.decision_note = (note or "").strip()
        claimed.save(
            update_fields=["state", "transaction", "decided_by", "decided_at", "decision_note"]
        )
        log.record(
            "trust.request_approved",
            actor=actor,
            organization=asked.organization_id,
            obj=claimed,
            request=request,
            detail={"entry": entry.sequence, "amount_cents": asked.amount_cents},
        )
    return entry


def reject(
    actor: Actor, *, request_id: int, note: str, request: HttpRequest | None = None
) -> TrustRequest:
    asked = _pending(actor, request_id, Action.AUTHORIZE)
    note = (note or "").strip()
    if not note or len(note) > 500:
        raise Invalid.field("note", "Say why, so billing can fix it (at most 500 characters).")
    return _decide(actor, asked, RequestState.REJECTED, note, request)


def cancel(actor: Actor, *, request_id: int, request: HttpRequest | None = None) -> TrustRequest:
    asked = _pending(actor, request_id, Action.CHANGE)
    return _decide(actor, asked, RequestState.CANCELLED, "", request)


def _decide(
    actor: Actor, asked: TrustRequest, to: RequestState, note: str, request: HttpRequest | None
) -> TrustRequest:
    with transaction.atomic():
        updated = TrustRequest.objects.filter(pk=asked.pk, state=RequestState.PENDING).update(
            state=to, decided_by=actor.user, decided_at=timezone.now(), decision_note=note
        )
        if not updated:
            raise RuleViolation(Code.REQUEST_DECIDED, "This request was decided meanwhile.")
        log.record(
            f"trust.request_{to}",
            actor=actor,
            organization=asked.organization_id,
            obj=asked,
            request=request,
        )
    asked.refresh_from_db()
    return asked


def pay_from_trust(
    actor: Actor, *, invoice_id: int, request: HttpRequest | None = None
) -> TrustRequest | TrustTransaction:
    """Applies the client's trust money to a sent invoice (up to its balance and the ledger's).
    An owner or attorney's click is the approval and posts at once; billing staff's click asks
    for that one approval."""
    invoice = fetch(actor, Invoice, Action.CHANGE, pk=invoice_id)
    ledger = journal.ledger_for_invoice(invoice)
    if ledger is None or ledger.balance_cents <= 0:
        raise RuleViolation(
            Code.NO_TRUST_FUNDS,
            f"{invoice.client} has no money in trust for this matter.",
            unblock="Record the client's payment instead, or ask for a replenishment.",
        )
    if invoice.is_draft or invoice.balance_cents <= 0:
        raise RuleViolation("invoice_not_open", "Only a sent, unpaid invoice is paid from trust.")
    # A second request (or a posting beside one) would leave a request nobody can approve.
    if TrustRequest.objects.filter(invoice=invoice, state=RequestState.PENDING).exists():
        raise RuleViolation(
            Code.REQUEST_PENDING,
            f"A request to pay invoice {invoice.label} from trust already waits for an attorney.",
            unblock="An owner or attorney approves or rejects it under Trust → Requests.",
        )
    data = journal.earned_fee_input(invoice, ledger, journal.amount_from_trust(invoice, ledger))
    if actor.role in (Role.OWNER, Role.ATTORNEY):
        return journal.withdraw(actor, kind=EntryKind.EARNED_FEE, data=data, request=request)
    return ask(actor, kind=EntryKind.EARNED_FEE, data=data, request=request)
