"""Staff ask, an attorney approves (and never their own request); an invoice is paid from trust
with one approval; an evergreen retainer below its floor asks the client to replenish; trust
records outlive the engagement."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.models import ProtectedError

from counselbench.billing.models import InvoiceState, Payment
from counselbench.billing.services import invoices
from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.trust.models import (
    EntryKind,
    Replenishment,
    RequestState,
    TrustRequest,
    TrustTransaction,
)
from counselbench.trust.services import accounts, journal, requests, retainers
from tests.billing.conftest import approved_time
from tests.trust.conftest import entry, refreshed


def _disbursement(ledger, amount=25_000):
    return entry(ledger, amount, payee_payor="Travis County Clerk", purpose="Filing fee")


def test_staff_ask_and_the_attorneys_approval_posts_with_both_names(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 100_000))
    asked = requests.ask(cast.actor("staff"), kind="disbursement", data=_disbursement(books.ledger))
    assert (
        asked.state == RequestState.PENDING
        and not TrustTransaction.objects.filter(kind="disbursement").exists()
    )
    with pytest.raises(PermissionDenied) as own:
        requests.approve(cast.actor("staff"), request_id=asked.pk)
    assert own.value.code in {"own_request", "attorney_authorization_required"}
    posted = requests.approve(cast.actor("attorney"), request_id=asked.pk, note="OK per Luis")
    assert posted.posted_by == cast.staff and posted.authorized_by == cast.attorney
    assert posted.amount_cents == -25_000 and refreshed(books.ledger).balance_cents == 75_000
    assert refreshed(asked).state == RequestState.APPROVED and asked.transaction == posted
    with pytest.raises(RuleViolation) as again:
        requests.approve(cast.actor("owner"), request_id=asked.pk)
    assert again.value.code == "request_decided"


def test_an_owner_does_not_approve_their_own_request(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 100_000))
    asked = requests.ask(cast.actor("owner"), kind="disbursement", data=_disbursement(books.ledger))
    with pytest.raises(PermissionDenied) as refused:
        requests.approve(cast.actor("owner"), request_id=asked.pk)
    assert refused.value.code == "own_request"
    assert (
        requests.approve(cast.actor("attorney"), request_id=asked.pk).authorized_by == cast.attorney
    )


def test_approval_rechecks_the_balance_when_the_money_moves(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 30_000))
    asked = requests.ask(cast.actor("staff"), kind="disbursement", data=_disbursement(books.ledger))
    journal.withdraw(
        cast.actor("owner"), kind=EntryKind.DISBURSEMENT, data=_disbursement(books.ledger, 10_000)
    )
    with pytest.raises(Invalid) as refused:
        requests.approve(cast.actor("attorney"), request_id=asked.pk)
    assert refused.value.code == "trust_overdraft"
    assert refreshed(asked).state == RequestState.PENDING


def test_rejection_needs_a_reason_and_cancelling_is_for_the_asker(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 30_000))
    asked = requests.ask(cast.actor("staff"), kind="disbursement", data=_disbursement(books.ledger))
    with pytest.raises(Invalid):
        requests.reject(cast.actor("attorney"), request_id=asked.pk, note=" ")
    with pytest.raises(PermissionDenied):
        requests.cancel(cast.actor("attorney"), request_id=asked.pk)
    assert requests.cancel(cast.actor("staff"), request_id=asked.pk).state == "cancelled"


@pytest.fixture
def invoice(cast, books, delegation, contractor_task):
    """A sent $150 invoice for the contractor's work on the delegation's matter, whose trust
    ledger is in the books' account."""
    approved_time(cast, contractor_task, 225)  # $150.00
    draft = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    sent = invoices.send_invoice(cast.actor("owner"), invoice_id=draft.pk)
    sent.ledger = accounts.open_ledger(
        cast.actor("owner"),
        account_id=books.account.pk,
        client_id=delegation.matter.client_id,
        matter_id=delegation.matter.pk,
    )
    return sent


def test_an_invoice_is_paid_from_trust_with_one_approval(cast, invoice, billing_staff):
    journal.deposit(billing_staff, data=entry(invoice.ledger, 10_000))
    asked = requests.pay_from_trust(billing_staff, invoice_id=invoice.pk)
    assert isinstance(asked, TrustRequest) and asked.amount_cents == 10_000  # all trust holds
    posted = requests.approve(cast.actor("owner"), request_id=asked.pk)
    assert posted.kind == EntryKind.EARNED_FEE and posted.invoice_id == invoice.pk
    payment = Payment.objects.get(trust_transaction=posted)
    assert payment.method == "trust" and payment.amount_cents == 10_000
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PARTIALLY_PAID and invoice.balance_cents == 5_000
    # The owner's own click is the approval: it posts at once.
    journal.deposit(billing_staff, data=entry(invoice.ledger, 20_000))
    posted = requests.pay_from_trust(cast.actor("owner"), invoice_id=invoice.pk)
    assert isinstance(posted, TrustTransaction) and posted.amount_cents == -5_000
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert refreshed(invoice.ledger).balance_cents == 15_000


def test_an_earned_fee_goes_only_against_the_clients_own_invoice(cast, books, invoice):
    journal.deposit(cast.actor("owner"), data=entry(books.other_ledger, 50_000))
    with pytest.raises(Invalid) as refused:
        journal.withdraw(
            cast.actor("owner"),
            kind=EntryKind.EARNED_FEE,
            data=entry(books.other_ledger, 5_000, invoice_id=invoice.pk),
        )
    assert refused.value.code == "invoice_not_this_client"
    journal.deposit(cast.actor("owner"), data=entry(invoice.ledger, 50_000))
    with pytest.raises(Invalid) as too_much:
        journal.withdraw(
            cast.actor("owner"),
            kind=EntryKind.EARNED_FEE,
            data=entry(invoice.ledger, 15_001, invoice_id=invoice.pk),
        )
    assert too_much.value.code == "exceeds_invoice_balance"
    assert "earned and billed" in too_much.value.fields[0].message


def test_a_retainer_below_its_floor_asks_the_client_once(
    cast, books, django_capture_on_commit_callbacks
):
    type(books.matter.client).objects.filter(pk=books.matter.client_id).update(
        email="ap@harbor.example"
    )
    owner = cast.actor("owner")
    journal.deposit(owner, data=entry(books.ledger, 500_000))
    retainers.set_retainer(
        owner, matter_id=books.matter.pk, target_cents=500_000, floor_cents=200_000
    )
    assert not Replenishment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        journal.withdraw(
            owner, kind=EntryKind.DISBURSEMENT, data=_disbursement(books.ledger, 350_000)
        )
    request = Replenishment.objects.get()
    assert request.amount_cents == 350_000 and request.balance_cents == 150_000
    (email,) = mail.outbox
    assert email.to == ["ap@harbor.example"] and "$3,500.00" in email.body
    request.refresh_from_db()
    assert request.sent_at is not None and request.recipient == "ap@harbor.example"
    # Further withdrawals do not ask again while a request is open.
    with django_capture_on_commit_callbacks(execute=True):
        journal.withdraw(
            owner, kind=EntryKind.DISBURSEMENT, data=_disbursement(books.ledger, 50_000)
        )
    assert Replenishment.objects.count() == 1 and len(mail.outbox) == 1
    # The client's deposit back above the floor settles it.
    journal.deposit(owner, data=entry(books.ledger, 400_000))
    assert Replenishment.objects.get().satisfied_at is not None


def test_a_retainer_set_below_the_balance_asks_at_once_and_bad_amounts_are_refused(cast, books):
    owner = cast.actor("owner")
    retainers.set_retainer(
        owner, matter_id=books.matter.pk, target_cents=300_000, floor_cents=100_000
    )
    assert Replenishment.objects.get().amount_cents == 300_000
    with pytest.raises(Invalid) as refused:
        retainers.set_retainer(owner, matter_id=books.matter.pk, target_cents=100, floor_cents=100)
    assert refused.value.fields[0].path == "floor_cents"


def test_trust_records_outlive_the_engagement(cast, books, delegation):
    from counselbench.engagements.services import ending

    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 10_000))
    ending.on_end(delegation.engagement, by=cast.owner)
    assert TrustTransaction.objects.count() == 1
    with pytest.raises(ProtectedError) as kept:
        books.matter.delete()
    assert any(type(obj).__name__ == "TrustLedger" for obj in kept.value.protected_objects)


def test_trust_records_are_kept_at_least_five_years(settings):
    from django.core.exceptions import ImproperlyConfigured

    assert settings.TRUST_RETENTION_YEARS >= 5
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup()"],
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "counselbench.settings",
            "DEBUG": "true",
            "TRUST_RETENTION_YEARS": "2",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "TRUST_RETENTION_YEARS" in result.stderr
    assert ImproperlyConfigured.__name__ in result.stderr
