"""The trust journal's rules: never below zero, attorneys authorize money out, bank charges from
firm funds only, card fees never from trust, immutable entries corrected by reversals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from counselbench.core.errors import Invalid, NotFound, PermissionDenied, RuleViolation
from counselbench.trust.models import EntryKind, TrustTransaction
from counselbench.trust.services import accounts, journal
from tests.trust.conftest import TODAY, entry, refreshed


def test_a_deposit_records_who_when_payor_purpose_and_running_balances(cast, books):
    posted = journal.deposit(
        cast.actor("staff"),
        data=entry(books.ledger, 500_000, purpose="Retainer for trial prep", reference="1042"),
    )
    assert posted.kind == "deposit" and posted.amount_cents == 500_000
    assert posted.posted_by == cast.staff and posted.authorized_by is None
    assert posted.payee_payor == "Harbor Logistics LLC" and posted.reference == "1042"
    assert posted.matter_id == books.matter.pk and posted.sequence == 1
    assert posted.ledger_balance_after_cents == posted.account_balance_after_cents == 500_000
    assert (
        refreshed(books.ledger).balance_cents == refreshed(books.account).balance_cents == 500_000
    )


def test_a_disbursement_that_would_overdraw_a_client_ledger_is_refused_and_changes_nothing(
    cast, books
):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 100_000))
    journal.deposit(cast.actor("owner"), data=entry(books.other_ledger, 900_000))
    with pytest.raises(Invalid) as refused:
        journal.withdraw(
            cast.actor("attorney"),
            kind=EntryKind.DISBURSEMENT,
            data=entry(books.ledger, 100_001, payee_payor="Travis County Clerk", purpose="Filing"),
        )
    assert refused.value.code == "trust_overdraft"
    assert refused.value.fields[0].path == "amount_cents"
    assert "below zero" in refused.value.message
    # The other client's money is in the same bank account, and still may not pay for this one.
    assert refreshed(books.ledger).balance_cents == 100_000
    assert TrustTransaction.objects.count() == 2


def test_the_database_itself_refuses_a_negative_ledger(books):
    with pytest.raises(DatabaseError), transaction.atomic():
        type(books.ledger).objects.filter(pk=books.ledger.pk).update(balance_cents=-1)


def test_only_an_attorney_authorizes_money_out(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 100_000))
    with pytest.raises(PermissionDenied) as refused:
        journal.withdraw(
            cast.actor("staff"),
            kind=EntryKind.DISBURSEMENT,
            data=entry(books.ledger, 10_000, payee_payor="Court reporter", purpose="Transcript"),
        )
    assert refused.value.code == "attorney_authorization_required"
    posted = journal.withdraw(
        cast.actor("attorney"),
        kind=EntryKind.DISBURSEMENT,
        data=entry(books.ledger, 10_000, payee_payor="Court reporter", purpose="Transcript"),
    )
    assert posted.amount_cents == -10_000 and posted.authorized_by == cast.attorney


def test_staff_without_the_billing_permission_post_nothing(cast, books):
    cast.staff.memberships.update(billing=False)
    with pytest.raises(NotFound):  # they cannot see trust at all
        journal.deposit(cast.actor("staff"), data=entry(books.ledger, 100))


def test_bank_charges_come_from_firm_funds_never_client_money(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 100_000))
    fee = {"payee_payor": "Frost Bank", "purpose": "Monthly service charge", "method": "bank"}
    with pytest.raises(Invalid) as refused:
        journal.withdraw(
            cast.actor("owner"), kind=EntryKind.BANK_FEE, data=entry(books.ledger, 1_500, **fee)
        )
    assert refused.value.code == "bank_fee_from_client_funds"
    firm_funds = accounts.firm_funds_ledger(books.account)
    journal.deposit(
        cast.actor("owner"),
        data=entry(firm_funds, 10_000, payee_payor="Whitfield & Moreno LLP", purpose="Fees"),
    )
    charged = journal.withdraw(
        cast.actor("owner"), kind=EntryKind.BANK_FEE, data=entry(firm_funds, 1_500, **fee)
    )
    assert charged.ledger == firm_funds and refreshed(firm_funds).balance_cents == 8_500


def test_firm_money_in_trust_is_limited_to_what_covers_bank_charges(cast, books):
    firm_funds = accounts.firm_funds_ledger(books.account)
    with pytest.raises(Invalid) as refused:
        journal.deposit(cast.actor("owner"), data=entry(firm_funds, 50_001))
    assert refused.value.code == "firm_funds_limit"


def test_card_processing_fees_never_come_out_of_trust(cast, books):
    with pytest.raises(Invalid) as refused:
        journal.deposit(
            cast.actor("staff"),
            data=entry(books.ledger, 250_000, method="card", processor_fee_cents=725),
        )
    assert refused.value.code == "card_fee_from_trust"
    assert refused.value.fields[0].path == "processor_fee_cents"
    assert not TrustTransaction.objects.exists()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": -5}, "amount_cents"),
        ({"amount_cents": 10_000_000_001}, "amount_cents"),
        ({"currency": "EUR"}, "currency"),
        ({"date": TODAY() + timedelta(days=1)}, "date"),
        ({"payee_payor": "  "}, "payee_payor"),
        ({"purpose": ""}, "purpose"),
        ({"method": "bitcoin"}, "method"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(cast, books, change, path):
    data = entry(books.ledger, 1_000)
    data = journal.EntryInput(**{**data.__dict__, **change})
    with pytest.raises(Invalid) as refused:
        journal.deposit(cast.actor("staff"), data=data)
    assert [f.path for f in refused.value.fields] == [path]
    assert not TrustTransaction.objects.exists()


def test_a_currency_mismatch_has_its_own_code(cast, books):
    data = journal.EntryInput(**{**entry(books.ledger, 1_000).__dict__, "currency": "CAD"})
    with pytest.raises(Invalid) as refused:
        journal.deposit(cast.actor("staff"), data=data)
    assert refused.value.code == "currency_mismatch"


def test_money_out_cannot_be_dated_before_the_ledgers_newest_entry(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 50_000, on=TODAY()))
    with pytest.raises(Invalid) as refused:
        journal.withdraw(
            cast.actor("owner"),
            kind=EntryKind.DISBURSEMENT,
            data=entry(books.ledger, 100, on=TODAY() - timedelta(days=3)),
        )
    assert refused.value.code == "backdated_withdrawal"


def test_entries_are_immutable_in_the_database(cast, books):
    posted = journal.deposit(cast.actor("owner"), data=entry(books.ledger, 1_000))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TrustTransaction.objects.filter(pk=posted.pk).update(amount_cents=2_000)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TrustTransaction.objects.filter(pk=posted.pk).delete()


def test_a_reversal_nets_the_entry_to_zero_once_and_only_by_an_attorney(cast, books):
    posted = journal.deposit(cast.actor("staff"), data=entry(books.ledger, 75_000))
    with pytest.raises(PermissionDenied):
        journal.reverse(cast.actor("staff"), entry_id=posted.pk, reason="Check bounced")
    reversal = journal.reverse(cast.actor("attorney"), entry_id=posted.pk, reason="Check bounced")
    assert reversal.amount_cents == -75_000 and reversal.reverses == posted
    assert "Check bounced" in reversal.purpose
    assert refreshed(books.ledger).balance_cents == 0
    with pytest.raises(RuleViolation) as twice:
        journal.reverse(cast.actor("attorney"), entry_id=posted.pk, reason="Again")
    assert twice.value.code == "already_reversed"
    with pytest.raises(RuleViolation) as of_reversal:
        journal.reverse(cast.actor("attorney"), entry_id=reversal.pk, reason="Undo")
    assert of_reversal.value.code == "not_reversible"


def test_reversing_a_deposit_already_spent_would_overdraw_and_is_refused(cast, books):
    posted = journal.deposit(cast.actor("owner"), data=entry(books.ledger, 10_000))
    journal.withdraw(
        cast.actor("owner"), kind=EntryKind.DISBURSEMENT, data=entry(books.ledger, 6_000)
    )
    with pytest.raises(Invalid) as refused:
        journal.reverse(cast.actor("owner"), entry_id=posted.pk, reason="Bounced")
    assert refused.value.code == "trust_overdraft"


def test_other_firms_see_nothing_of_our_trust(cast, books):
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 10_000))
    outsider = cast.actor("outsider")
    with pytest.raises(NotFound):
        journal.deposit(outsider, data=entry(books.ledger, 10_000))


def test_a_wall_hides_an_entry_naming_the_matter_on_the_clients_general_ledger(cast, books):
    from counselbench.access.policy import visible
    from counselbench.matters.models import Screen

    owner = cast.actor("owner")
    general = accounts.open_ledger(
        owner, account_id=books.account.pk, client_id=books.matter.client_id
    )
    named = journal.deposit(owner, data=entry(general, 10_000, matter_id=books.matter.pk))
    unnamed = journal.deposit(owner, data=entry(general, 5_000))
    assert named.matter_id == books.matter.pk
    Screen.objects.create(
        matter=books.matter, user=cast.staff, reason="Wall", created_by=cast.owner
    )
    seen = set(visible(cast.actor("staff"), TrustTransaction).values_list("pk", flat=True))
    assert unnamed.pk in seen and named.pk not in seen
    assert named.pk in set(visible(owner, TrustTransaction).values_list("pk", flat=True))
