"""Three-way reconciliation: the adjusted bank balance, the journal and the sum of the client
ledgers as of a month's end; differences found and shown; a balanced month signed off by an
attorney is locked against postings; the bank's CSV export imported all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counselbench.access.models import AccessLogEntry
from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.trust.models import BankStatementLine, EntryKind, ReconciliationState
from counselbench.trust.services import accounts, journal, reconciliation
from tests.trust.conftest import TODAY, entry, grant_billing, refreshed


def last_month():
    return (TODAY().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def month(cast, books):
    """Last month: two deposits, a check that has not cleared, a bank charge (firm funds)."""
    owner, start = cast.actor("owner"), last_month()
    firm_funds = accounts.firm_funds_ledger(books.account)
    posted = {
        "retainer": journal.deposit(
            owner, data=entry(books.ledger, 500_000, on=start + timedelta(days=2), reference="1042")
        ),
        "settlement": journal.deposit(
            owner, data=entry(books.other_ledger, 1_250_000, on=start + timedelta(days=9))
        ),
        "cushion": journal.deposit(
            owner, data=entry(firm_funds, 10_000, on=start + timedelta(days=1))
        ),
        "check": journal.withdraw(
            owner,
            kind=EntryKind.DISBURSEMENT,
            data=entry(
                books.ledger,
                75_000,
                on=start + timedelta(days=20),
                payee_payor="Lone Star Court Reporting",
                reference="5001",
            ),
        ),
        "fee": journal.withdraw(
            owner,
            kind=EntryKind.BANK_FEE,
            data=entry(firm_funds, 1_500, on=start + timedelta(days=25), method="bank"),
        ),
    }
    made = reconciliation.start(owner, account_id=books.account.pk, month=start)
    return made, posted


CSV = """Date,Description,Amount,Reference
{d3},DEPOSIT,"5,000.00",1042
{d10},DEPOSIT,12500.00,
{d2},DEPOSIT,100.00,
{d26},SERVICE CHARGE,(15.00),
"""


def _csv(start):
    days = {f"d{n}": (start + timedelta(days=n - 1)).strftime("%m/%d/%Y") for n in (2, 3, 10, 26)}
    return CSV.format(**days)


def test_a_balanced_month_lists_the_outstanding_check_and_signs_off(cast, books, month):
    made, posted = month
    lines = reconciliation.import_bank_csv(
        cast.actor("staff"), reconciliation_id=made.pk, text=_csv(made.month)
    )
    assert {line.entry_id for line in lines} == {
        posted["retainer"].pk,
        posted["settlement"].pk,
        posted["cushion"].pk,
        posted["fee"].pk,
    }
    # The bank's closing balance: everything but the check, which has not cleared yet.
    reconciliation.set_statement_balance(
        cast.actor("staff"), reconciliation_id=made.pk, statement_balance_cents=1_758_500
    )
    figures = reconciliation.three_way(refreshed(made))
    assert [i.id for i in figures.outstanding_checks] == [posted["check"].pk]
    assert figures.outstanding_deposits == [] and figures.unmatched_bank_lines == []
    assert figures.adjusted_bank_cents == figures.journal_cents == figures.ledgers_total_cents
    assert figures.journal_cents == 500_000 + 1_250_000 + 10_000 - 75_000 - 1_500
    assert figures.balanced
    with pytest.raises(PermissionDenied):
        reconciliation.sign_off(cast.actor("staff"), reconciliation_id=made.pk)
    locked = reconciliation.sign_off(cast.actor("attorney"), reconciliation_id=made.pk)
    assert locked.state == ReconciliationState.LOCKED and locked.signed_off_by == cast.attorney
    assert locked.snapshot["balanced"] and locked.snapshot["journal_cents"] == figures.journal_cents
    assert refreshed(books.account).locked_through == reconciliation.month_end(made.month)


def test_differences_are_found_and_the_month_will_not_sign_off(cast, books, month):
    made, posted = month
    reconciliation.clear_entries(
        cast.actor("owner"),
        reconciliation_id=made.pk,
        entry_ids=[posted["retainer"].pk, posted["settlement"].pk, posted["cushion"].pk],
    )
    # The bank also took a $25 wire fee the journal never recorded.
    reconciliation.add_bank_lines(
        cast.actor("owner"),
        reconciliation_id=made.pk,
        lines=[reconciliation.BankLineInput(made.month + timedelta(days=27), "Wire fee", -2_500)],
    )
    reconciliation.set_statement_balance(
        cast.actor("owner"), reconciliation_id=made.pk, statement_balance_cents=1_757_500
    )
    figures = reconciliation.three_way(refreshed(made))
    assert figures.bank_difference_cents == -2_500  # exactly the wire fee the journal lacks
    assert [line.amount_cents for line in figures.unmatched_bank_lines] == [-2_500]
    assert {i.id for i in figures.outstanding_checks} == {posted["check"].pk, posted["fee"].pk}
    assert not figures.balanced
    with pytest.raises(RuleViolation) as refused:
        reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    assert refused.value.code == "reconciliation_not_balanced"
    assert "match no journal entry" in refused.value.message
    assert refreshed(made).state == ReconciliationState.OPEN


def test_a_locked_month_refuses_postings_dated_in_it_and_edits(cast, books, month):
    made, posted = month
    reconciliation.clear_entries(
        cast.actor("owner"),
        reconciliation_id=made.pk,
        entry_ids=[e.pk for e in posted.values()],
    )
    reconciliation.set_statement_balance(
        cast.actor("owner"), reconciliation_id=made.pk, statement_balance_cents=1_683_500
    )
    reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    with pytest.raises(Invalid) as refused:
        journal.deposit(
            cast.actor("owner"), data=entry(books.ledger, 100, on=made.month + timedelta(days=5))
        )
    assert refused.value.code == "period_locked" and refused.value.fields[0].path == "date"
    with pytest.raises(RuleViolation):
        reconciliation.set_statement_balance(
            cast.actor("owner"), reconciliation_id=made.pk, statement_balance_cents=1
        )
    # A correction of a locked month's entry is a reversal dated today.
    reversal = journal.reverse(
        cast.actor("owner"), entry_id=posted["check"].pk, reason="Paid from operating instead"
    )
    assert reversal.date == TODAY()


def test_the_month_must_be_over_to_sign_off(cast, books):
    made = reconciliation.start(
        cast.actor("owner"), account_id=books.account.pk, month=TODAY(), statement_balance_cents=0
    )
    with pytest.raises(RuleViolation) as refused:
        reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    assert refused.value.code == "month_not_over"


def test_a_bad_csv_imports_nothing_and_names_each_bad_line(cast, books, month):
    made, _ = month
    text = "Date,Description,Amount\nyesterday,DEPOSIT,10.00\n{d},DEPOSIT,ten\n{d},X,0\n".format(
        d=made.month.isoformat()
    )
    with pytest.raises(Invalid) as refused:
        reconciliation.import_bank_csv(cast.actor("owner"), reconciliation_id=made.pk, text=text)
    assert refused.value.code == "bad_csv"
    assert [f.path for f in refused.value.fields] == [
        "file.line 2",
        "file.line 3",
        "file.line 4",
    ]
    assert not made.bank_lines.exists()
    with pytest.raises(Invalid) as no_columns:
        reconciliation.import_bank_csv(
            cast.actor("owner"), reconciliation_id=made.pk, text="When,What\n"
        )
    assert "name the columns" in no_columns.value.message


def test_debit_and_credit_columns_are_read(cast, books, month):
    made, posted = month
    day = (made.month + timedelta(days=22)).isoformat()  # cleared two days after it was written
    text = f"Posting Date,Memo,Debit,Credit,Check Number\n{day},CHECK 5001,750.00,,5001\n"
    (line,) = reconciliation.import_bank_csv(
        cast.actor("owner"), reconciliation_id=made.pk, text=text
    )
    assert line.amount_cents == -75_000 and line.entry_id == posted["check"].pk


def test_a_reconciliation_from_another_firm_is_not_found(cast, books, month):
    made, _ = month
    grant_billing(cast)
    from counselbench.core.errors import NotFound

    with pytest.raises(NotFound):
        reconciliation.set_statement_balance(
            cast.actor("outsider"), reconciliation_id=made.pk, statement_balance_cents=0
        )


def test_a_balance_column_gives_the_statements_closing_balance(cast, books, month):
    made, _ = month
    days = [(made.month + timedelta(days=n)).isoformat() for n in (25, 9, 2)]
    # Newest first, as many banks export: the closing balance is the first row's.
    text = (
        "Date,Description,Amount,Balance\n"
        f'{days[0]},SERVICE CHARGE,-15.00,"17,585.00"\n'
        f"{days[1]},DEPOSIT,12500.00,17600.00\n"
        f"{days[2]},DEPOSIT,5000.00,5100.00\n"
    )
    reconciliation.import_bank_csv(cast.actor("owner"), reconciliation_id=made.pk, text=text)
    assert refreshed(made).statement_balance_cents == 1_758_500


def _balanced(cast, made, posted):
    """Clear every entry and enter the balance that makes the month reconcile."""
    reconciliation.clear_entries(
        cast.actor("owner"), reconciliation_id=made.pk, entry_ids=[e.pk for e in posted.values()]
    )
    reconciliation.set_statement_balance(
        cast.actor("owner"), reconciliation_id=made.pk, statement_balance_cents=1_683_500
    )


def test_a_ledger_whose_balance_disagrees_with_its_entries_shows_and_blocks_sign_off(
    cast, books, month
):
    """The client-ledger figure comes from the ledgers' own balances, not from the journal
    summed a second way: a ledger balance that drifted from its entries is a difference."""
    made, posted = month
    _balanced(cast, made, posted)
    assert reconciliation.three_way(refreshed(made)).balanced
    type(books.ledger).objects.filter(pk=books.ledger.pk).update(balance_cents=425_100)  # +$1
    figures = reconciliation.three_way(refreshed(made))
    assert figures.ledger_difference_cents == 100
    assert figures.bank_difference_cents == 0  # the journal itself is intact
    assert not figures.balanced
    with pytest.raises(RuleViolation) as refused:
        reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    assert refused.value.code == "reconciliation_not_balanced"


def test_postings_after_the_month_leave_its_ledger_figures_alone(cast, books, month):
    made, posted = month
    _balanced(cast, made, posted)
    journal.deposit(cast.actor("owner"), data=entry(books.ledger, 99_900))  # dated today
    figures = reconciliation.three_way(refreshed(made))
    assert figures.ledgers_total_cents == figures.journal_cents == 1_683_500
    assert figures.balanced


def test_months_are_signed_off_in_order_and_a_closed_month_is_not_started_again(cast, books, month):
    made, posted = month
    earlier = reconciliation.start(
        cast.actor("owner"),
        account_id=books.account.pk,
        month=made.month - timedelta(days=1),
        statement_balance_cents=0,
    )
    _balanced(cast, made, posted)
    with pytest.raises(RuleViolation) as refused:
        reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    assert refused.value.code == "earlier_month_open"
    assert f"{earlier.month:%B %Y}" in refused.value.message
    assert refreshed(books.account).locked_through is None
    reconciliation.sign_off(cast.actor("owner"), reconciliation_id=earlier.pk)
    reconciliation.sign_off(cast.actor("owner"), reconciliation_id=made.pk)
    with pytest.raises(Invalid) as closed:
        reconciliation.start(
            cast.actor("owner"), account_id=books.account.pk, month=made.month - timedelta(days=40)
        )
    assert closed.value.code == "period_locked" and closed.value.fields[0].path == "month"


def test_a_month_opens_from_the_last_signed_off_months_frozen_figures(cast, books):
    """Items outstanding across month ends: a check written two months ago clears only this
    month, a deposit made at last month's end is in transit; the two earlier months are signed
    off in order. This month's figures, opened from last month's snapshot, are exactly those
    computed from the first entry, and they do come from the snapshot (the account's past is
    not read again: bench/trust.py --history-months)."""
    owner = cast.actor("owner")
    last = last_month()
    two_ago = (last - timedelta(days=1)).replace(day=1)
    this = TODAY().replace(day=1)

    def deposit(ledger, cents, on):
        return journal.deposit(owner, data=entry(ledger, cents, on=on))

    def check(ledger, cents, on):
        return journal.withdraw(
            owner, kind=EntryKind.DISBURSEMENT, data=entry(ledger, cents, on=on, reference="51")
        )

    first = [deposit(books.ledger, 500_000, two_ago + timedelta(days=1))]
    first.append(deposit(books.other_ledger, 200_000, two_ago + timedelta(days=9)))
    old_check = check(books.ledger, 75_000, two_ago + timedelta(days=19))
    second = [deposit(books.ledger, 100_000, last + timedelta(days=4))]
    second.append(check(books.other_ledger, 30_000, last + timedelta(days=11)))
    in_transit = deposit(books.ledger, 40_000, reconciliation.month_end(last))
    latest = deposit(books.other_ledger, 10_000, TODAY())

    for month, cleared, statement in (
        (two_ago, first, 700_000),
        (last, second, 770_000),
    ):
        made = reconciliation.start(
            owner, account_id=books.account.pk, month=month, statement_balance_cents=statement
        )
        reconciliation.clear_entries(
            owner, reconciliation_id=made.pk, entry_ids=[e.pk for e in cleared]
        )
        reconciliation.sign_off(owner, reconciliation_id=made.pk)
    signed = reconciliation.opening(
        reconciliation.start(owner, account_id=books.account.pk, month=this)
    )
    assert signed is not None and signed.month == last
    assert [i["id"] for i in signed.snapshot["outstanding_checks"]] == [old_check.pk]
    assert [i["id"] for i in signed.snapshot["outstanding_deposits"]] == [in_transit.pk]

    now = type(signed).objects.get(account=books.account, month=this)
    reconciliation.clear_entries(owner, reconciliation_id=now.pk, entry_ids=[old_check.pk])
    reconciliation.set_statement_balance(
        owner, reconciliation_id=now.pk, statement_balance_cents=770_000 - 75_000
    )
    opened = reconciliation.three_way(refreshed(now))
    computed = reconciliation.three_way(refreshed(now), from_snapshot=False)
    assert opened == computed
    assert opened.journal_cents == 700_000 - 75_000 + 100_000 - 30_000 + 40_000 + 10_000
    assert [i.id for i in opened.outstanding_deposits] == [in_transit.pk, latest.pk]
    assert opened.outstanding_checks == []
    assert opened.balanced

    # The journal total is last month's frozen one plus this month's entries.
    frozen = dict(signed.snapshot, journal_cents=signed.snapshot["journal_cents"] + 1)
    type(signed).objects.filter(pk=signed.pk).update(snapshot=frozen)
    assert reconciliation.three_way(refreshed(now)).journal_cents == opened.journal_cents + 1
    assert reconciliation.three_way(now, from_snapshot=False).journal_cents == opened.journal_cents


def test_the_ledgers_a_month_touched_are_read_once_each_not_once_per_entry(cast, books, month):
    """The DISTINCT over the month's ledgers had the entries' default ordering (sequence) in it,
    so it returned a row per entry: 1.3 million on an account with a year's history."""
    made, _ = month
    for from_snapshot in (True, False):
        with CaptureQueriesContext(connection) as queries:
            reconciliation.three_way(refreshed(made), from_snapshot=from_snapshot)
        distinct = [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]
        assert distinct and all('"sequence"' not in sql for sql in distinct)


def test_removing_a_line_not_in_the_reconciliation_is_a_field_error_and_removes_nothing(
    cast, books, month
):
    made, _ = month
    owner = cast.actor("owner")
    reconciliation.import_bank_csv(owner, reconciliation_id=made.pk, text=_csv(made.month))
    other = reconciliation.start(owner, account_id=books.account.pk, month=TODAY().replace(day=1))
    (elsewhere,) = reconciliation.add_bank_lines(
        owner,
        reconciliation_id=other.pk,
        lines=[reconciliation.BankLineInput(TODAY().replace(day=1), "Interest", 1_200)],
    )
    before = BankStatementLine.objects.count()
    logged = AccessLogEntry.objects.filter(action="trust.bank_line_removed")
    for line_id in (elsewhere.pk, 999_999):
        with pytest.raises(Invalid) as refused:
            reconciliation.remove_bank_line(owner, reconciliation_id=made.pk, line_id=line_id)
        assert refused.value.fields[0].path == "line_id"
    assert BankStatementLine.objects.count() == before and not logged.exists()
