"""Trust bank accounts and their ledgers: one per client (or per matter), plus the firm's own
small deposit for bank charges (Model Rule 1.15(b))."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
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


# --- Retention (ABA Model Rule 1.15(a): records "preserved for a period of five years after
# termination of the representation"; TRUST_RETENTION_YEARS, at least 5). -------------------


def with_retention(ledgers: QuerySet[TrustLedger]) -> QuerySet[TrustLedger]:
    """What `records_kept_until` needs about a client's matters, in the ledgers' own query."""
    matters = Matter.objects.filter(client_id=OuterRef("client_id"))
    return ledgers.annotate(
        retention_open_matter=Exists(matters.filter(closed_on__isnull=True)),
        retention_last_closed=Subquery(
            matters.order_by().values("client_id").annotate(last=Max("closed_on")).values("last")
        ),
    )


def records_kept_until(ledger: TrustLedger) -> date | None:
    """The day until which the ledger's records must be kept: TRUST_RETENTION_YEARS after the
    representation ends — the matter's closing for a matter ledger; for the client's ledger as
    a whole, the last of the client's matters to close — or the ledger's last entry, if later.
    None while the representation goes on (a matter still open), or with nothing to keep.
    The firm's own funds are kept that long after their last entry."""
    if ledger.kind == LedgerKind.FIRM_FUNDS:
        ends = [ledger.last_entry_on]
    elif ledger.matter is not None:
        closed_on = ledger.matter.closed_on
        if closed_on is None:
            return None
        ends = [closed_on, ledger.last_entry_on]
    else:
        if not hasattr(ledger, "retention_open_matter"):
            ledger = with_retention(TrustLedger.objects.filter(pk=ledger.pk)).get()
        if ledger.retention_open_matter:  # type: ignore[attr-defined]
            return None
        ends = [ledger.retention_last_closed, ledger.last_entry_on]  # type: ignore[attr-defined]
    known = [day for day in ends if day is not None]
    return _years_after(max(known), settings.TRUST_RETENTION_YEARS) if known else None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29th into a common year: the 1st of March, never a day short
        return date(day.year + years, 3, 1)
