"""Trust bank accounts and their ledgers: one per client (or per matter), plus the firm's own
small deposit for bank charges (Model Rule 1.15(b))."""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.matters.models import Client, Matter
from counselbench.trust.error_codes import TrustErrorCode as Code
from counselbench.trust.models import LedgerKind, TrustAccount, TrustLedger

CURRENCIES = ("USD",)


def open_account(
    actor: Actor,
    *,
    name: str,
    bank_name: str,
    account_last4: str,
    opened_on: date | None = None,
    currency: str = "USD",
    request: HttpRequest | None = None,
) -> TrustAccount:
    require(actor, Action.CREATE, TrustAccount, "The owner opens trust accounts.")
    opened_on = opened_on or timezone.localdate()
    errors = []
    name, bank_name = (name or "").strip(), (bank_name or "").strip()
    if not name or len(name) > 120:
        errors.append(FieldError("name", "A name for the account (at most 120 characters)."))
    if not bank_name or len(bank_name) > 120:
        errors.append(FieldError("bank_name", "The bank (at most 120 characters)."))
    if not re.fullmatch(r"\d{4}", account_last4 or ""):
        errors.append(FieldError("account_last4", "The last four digits of the account number."))
    if currency not in CURRENCIES:
        errors.append(FieldError("currency", "Trust accounts here are in USD."))
    if opened_on > timezone.localdate():
        errors.append(FieldError("opened_on", "Not in the future."))
    if errors:
        raise Invalid("Some account details are not valid.", fields=errors)
    organization = actor.current_organization
    try:
        with transaction.atomic():
            account = TrustAccount.objects.create(
                organization=organization,
                name=name,
                bank_name=bank_name,
                account_last4=account_last4,
                currency=currency,
                opened_on=opened_on,
                created_by=actor.authenticated_user,
            )
            TrustLedger.objects.create(
                account=account, organization=organization, kind=LedgerKind.FIRM_FUNDS
            )
            log.record("trust.account_opened", actor=actor, obj=account, request=request)
    except IntegrityError:
        raise Invalid.field("name", "The firm already has a trust account of that name.") from None
    return account


def matter_ledger(account: TrustAccount, matter: Matter) -> TrustLedger:
    ledger, _ = TrustLedger.objects.get_or_create(
        account=account,
        matter=matter,
        defaults={"organization_id": account.organization_id, "client_id": matter.client_id},
    )
    return ledger


def open_ledger(
    actor: Actor,
    *,
    account_id: int,
    client_id: int,
    matter_id: int | None = None,
    request: HttpRequest | None = None,
) -> TrustLedger:
    """A ledger for a client's money in the account, for one matter or the client as a whole."""
    account = fetch(actor, TrustAccount, Action.CHANGE, pk=account_id)
    client = fetch(actor, Client, pk=client_id)
    matter = None
    if matter_id is not None:
        matter = fetch(actor, Matter, pk=matter_id)
        if matter.client_id != client.pk:
            raise Invalid.field("matter_id", f"That matter is not {client.name}'s.")
    try:
        with transaction.atomic():
            ledger = TrustLedger.objects.create(
                account=account,
                organization_id=account.organization_id,
                client=client,
                matter=matter,
            )
    except IntegrityError:
        raise RuleViolation(
            Code.LEDGER_EXISTS,
            f"{client.name} already has a ledger "
            f"{'for ' + matter.number if matter else 'for the client as a whole'} in this account.",
        ) from None
    return ledger


def firm_funds_ledger(account: TrustAccount) -> TrustLedger:
    return TrustLedger.objects.get(account=account, kind=LedgerKind.FIRM_FUNDS)
