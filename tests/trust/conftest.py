"""Trust tests: the cast's firm with a trust account, a client with two matters, and the staff
member given the billing permission (tests/matters/conftest.py provides the matter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.matters.models import Matter
from counselbench.trust.models import TrustAccount, TrustLedger
from counselbench.trust.services import accounts, journal
from tests.billing.conftest import (  # noqa: F401 (fixtures)
    billing_staff,
    contractor_task,
    delegation,
    documents_storage,
)
from tests.matters.conftest import open_matter

TODAY = timezone.localdate


@dataclass
class Books:
    account: TrustAccount
    matter: Matter
    ledger: TrustLedger  # the matter's own ledger
    other_ledger: TrustLedger  # a second client's


def grant_billing(cast) -> None:
    cast.staff.memberships.update(billing=True)


def entry(ledger, amount, *, on=None, **more) -> journal.EntryInput:
    return journal.EntryInput(
        ledger_id=ledger.pk,
        amount_cents=amount,
        date=on or TODAY(),
        payee_payor=more.pop("payee_payor", "Harbor Logistics LLC"),
        purpose=more.pop("purpose", "Retainer"),
        method=more.pop("method", "check"),
        **more,
    )


@pytest.fixture
def books(cast) -> Books:
    grant_billing(cast)
    owner = cast.actor("owner")
    account = accounts.open_account(
        owner,
        name="IOLTA",
        bank_name="Frost Bank",
        account_last4="4321",
        opened_on=TODAY() - timedelta(days=400),
    )
    matter = open_matter(cast)
    ledger = accounts.open_ledger(
        owner, account_id=account.pk, client_id=matter.client_id, matter_id=matter.pk
    )
    from tests.factories import ClientFactory

    other = ClientFactory(organization=cast.firm, name="Eleanor Finch")
    other_ledger = accounts.open_ledger(owner, account_id=account.pk, client_id=other.pk)
    return Books(account, matter, ledger, other_ledger)


def refreshed(obj):
    obj.refresh_from_db()
    return obj
