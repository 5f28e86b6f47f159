"""Property-based ledger tests (Hypothesis): random sequences of deposits, disbursements,
earned-fee transfers, bank charges, reversals and attempted overdrafts, run through the real
services against the database.

After every step (one aggregate query, so 10,000 sequences stay affordable):
- no ledger is below zero, and a refused step changed nothing;
- the account's stored balance = the sum of its ledgers' balances = the journal's sum.

At the end of each sequence, all of that again entry by entry:
- each entry's running balances are the sums of the entries before it;
- each ledger's stored balance is the sum of its entries;
- every reversal nets its entry to zero.

TRUST_PROPERTY_EXAMPLES sets how many sequences run (10,000 in CI on SQLite; PostgreSQL, where
the point is the same rules under real row locks, runs fewer).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Min, OuterRef, Subquery, Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from counselbench.billing.models import Invoice
from counselbench.core.errors import Invalid, RuleViolation
from counselbench.core.money import MAX_AMOUNT_CENTS
from counselbench.trust.models import EntryKind, TrustAccount, TrustLedger, TrustTransaction
from counselbench.trust.services import accounts, journal
from tests.trust.conftest import TODAY, entry

DEFAULT_EXAMPLES = 10_000 if connection.vendor == "sqlite" else 300
EXAMPLES = int(os.environ.get("TRUST_PROPERTY_EXAMPLES", DEFAULT_EXAMPLES))

amounts = st.one_of(
    st.integers(min_value=1, max_value=500_000),
    st.sampled_from([1, 99, 100_000, 10_000_000_000]),  # edges: a cent, the largest amount
)
steps = st.lists(
    st.tuples(
        st.sampled_from(["deposit", "disburse", "earned_fee", "bank_fee", "reverse", "overdraw"]),
        st.integers(min_value=0, max_value=2),  # which ledger (2: the firm's own funds)
        amounts,
        st.integers(min_value=0, max_value=50),  # which earlier entry a reversal names
    ),
    min_size=1,
    max_size=8,  # long enough to deposit, move, reverse and overdraw across three ledgers
)


EXPECTED_REFUSALS = {
    "trust_overdraft",
    "bank_fee_from_client_funds",
    "firm_funds_limit",
    "already_reversed",
    "not_reversible",
}


@pytest.fixture
def world(cast, books):
    """Two client ledgers and the firm-funds ledger; a sent invoice per client to transfer
    earned fees against (big enough never to be the limit)."""
    from counselbench.billing.models import InvoiceState

    firm_funds = accounts.firm_funds_ledger(books.account)
    invoices = []
    for ledger in (books.ledger, books.other_ledger):
        matter_id = ledger.matter_id or books.matter.pk
        invoices.append(
            Invoice.objects.create(
                organization=cast.firm,
                client_id=ledger.client_id,
                matter_id=matter_id,
                number=f"INV-{ledger.pk:05d}",
                state=InvoiceState.SENT,
                issued_on=TODAY(),
                due_on=TODAY() + timedelta(days=30),
                # More than a whole sequence of the largest transfers can take.
                subtotal_cents=13 * MAX_AMOUNT_CENTS,
                total_cents=13 * MAX_AMOUNT_CENTS,
            )
        )
    return {
        "ledgers": [books.ledger, books.other_ledger, firm_funds],
        "invoices": invoices,
        "account": books.account,
        "owner": cast.actor("owner"),
    }


def _run(world, kind, index, amount, target, posted):
    owner, ledger = world["owner"], world["ledgers"][index]
    if kind == "deposit":
        if index == 2:  # the firm's own money: small amounts, up to the account's limit
            amount = 1 + amount % 20_000
        return journal.deposit(owner, data=entry(ledger, amount))
    if kind == "reverse":
        if not posted:
            return None
        return journal.reverse(owner, entry_id=posted[target % len(posted)].pk, reason="Error")
    if kind == "earned_fee" and index == 2:
        kind = "bank_fee"  # the firm's own funds earn no fees; they pay the bank's charges
    if kind == "overdraw":  # one cent to $10 more than the ledger holds
        amount = TrustLedger.objects.get(pk=ledger.pk).balance_cents + 1 + amount % 1_000
        if amount > MAX_AMOUNT_CENTS:
            return None
        kind = "disburse"
    outgoing = {
        "disburse": EntryKind.DISBURSEMENT,
        "earned_fee": EntryKind.EARNED_FEE,
        "bank_fee": EntryKind.BANK_FEE,
    }[kind]
    invoice = world["invoices"][index].pk if kind == "earned_fee" and index < 2 else None
    return journal.withdraw(
        owner, kind=outgoing, data=entry(ledger, amount, method="ach", invoice_id=invoice)
    )


def _step_check(account_id: int) -> None:
    """The cheap check after each step: one query over the account, its ledgers and its
    journal (the journal's sum is a subquery, so the ledgers' join does not multiply it)."""
    journal_sum = (
        TrustTransaction.objects.filter(account_id=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    stored, ledgers_sum, lowest, journal = (
        TrustAccount.objects.filter(pk=account_id)
        .annotate(
            ledgers_sum=Sum("ledgers__balance_cents"),
            lowest=Min("ledgers__balance_cents"),
            journal=Subquery(journal_sum),
        )
        .values_list("balance_cents", "ledgers_sum", "lowest", "journal")
        .get()
    )
    assert lowest >= 0, f"a ledger is at {lowest}"
    assert stored == ledgers_sum == (journal or 0), (stored, ledgers_sum, journal)


def _assert_invariants(account: TrustAccount) -> None:
    account.refresh_from_db()
    ledgers = TrustLedger.objects.filter(account=account)
    assert not ledgers.filter(balance_cents__lt=0).exists()
    ledger_sum = ledgers.aggregate(s=Sum("balance_cents"))["s"] or 0
    entries = list(TrustTransaction.objects.filter(account=account).order_by("sequence"))
    assert account.balance_cents == ledger_sum == sum(e.amount_cents for e in entries)
    running: dict[int, int] = {}
    total = 0
    for e in entries:
        running[e.ledger_id] = running.get(e.ledger_id, 0) + e.amount_cents
        total += e.amount_cents
        assert e.ledger_balance_after_cents == running[e.ledger_id] >= 0
        assert e.account_balance_after_cents == total
        if e.reverses_id is not None:
            assert e.amount_cents + e.reverses.amount_cents == 0
    for ledger in ledgers:
        assert ledger.balance_cents == running.get(ledger.pk, 0)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(sequence=steps)
def test_ledger_invariants_hold_over_random_sequences(world, sequence):
    with transaction.atomic():
        posted: list[TrustTransaction] = []
        written = TrustTransaction.objects.count()
        for kind, index, amount, target in sequence:
            try:
                made = _run(world, kind, index, amount, target, posted)
            except (Invalid, RuleViolation) as refused:
                refusal = refused
            else:
                refusal = None
            if refusal is not None:
                # Refusals are the rules at work, and change nothing.
                assert refusal.code in EXPECTED_REFUSALS, refusal
                assert kind != "overdraw" or refusal.code == "trust_overdraft"
                continue
            if made is not None:
                posted.append(made)
                written += 1
                assert kind != "overdraw", "an overdraft was posted"
                _step_check(world["account"].pk)
        # Refusals wrote nothing: the journal holds exactly the steps that were accepted.
        assert TrustTransaction.objects.count() == written
        _assert_invariants(world["account"])
        transaction.set_rollback(True)


def test_the_step_check_is_one_query_and_catches_a_drifted_ledger(
    cast, books, django_assert_num_queries
):
    from django.db.models import F

    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 5_000))
    with django_assert_num_queries(1):
        _step_check(books.account.pk)
    TrustLedger.objects.filter(pk=books.ledger.pk).update(balance_cents=F("balance_cents") + 1)
    with pytest.raises(AssertionError):
        _step_check(books.account.pk)
