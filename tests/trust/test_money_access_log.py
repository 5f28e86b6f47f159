"""Money leaves a trace in the access log, written in the same transaction as the money: every
posting (deposits included) and every edit of a reconciliation is logged, and a posting whose log
line cannot be written is not posted at all (nothing moves that the log does not show)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.models import AccessLogEntry
from counselbench.trust.models import BankStatementLine, EntryKind, TrustTransaction
from counselbench.trust.services import journal, reconciliation
from tests.trust.conftest import entry, refreshed


def last_month():
    today = timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def logged(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("seq"))


class LogDown(Exception):
    pass


@pytest.fixture
def log_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise LogDown("the access log could not be written")

    monkeypatch.setattr(log, "record", refuse)


def test_a_deposit_is_logged_with_its_ledger_amount_and_matter(cast, books):
    posted = journal.deposit(cast.actor("staff"), data=entry(books.ledger, 70_000))
    (line,) = logged("trust.deposit")
    assert line.actor_id == cast.staff.pk and line.organization_id == cast.firm.pk
    assert line.object_type == "trust.trusttransaction" and line.object_id == str(posted.pk)
    assert line.detail["amount_cents"] == 70_000 and line.detail["ledger_id"] == books.ledger.pk
    assert line.detail["matter_id"] == books.matter.pk


@pytest.mark.parametrize("kind", ["deposit", "disbursement", "reversal"])
def test_a_posting_whose_log_line_fails_is_not_posted(cast, books, monkeypatch, kind):
    owner = cast.actor("owner")
    first = journal.deposit(owner, data=entry(books.ledger, 50_000))
    before = TrustTransaction.objects.count()

    def refuse(*args, **kwargs):
        raise LogDown("the access log could not be written")

    post = {
        "deposit": lambda: journal.deposit(owner, data=entry(books.ledger, 10_000)),
        "disbursement": lambda: journal.withdraw(
            owner,
            kind=EntryKind.DISBURSEMENT,
            data=entry(books.ledger, 10_000, payee_payor="Court reporter"),
        ),
        "reversal": lambda: journal.reverse(owner, entry_id=first.pk, reason="Bounced"),
    }[kind]
    monkeypatch.setattr(log, "record", refuse)
    with pytest.raises(LogDown):
        post()
    assert TrustTransaction.objects.count() == before
    assert refreshed(books.ledger).balance_cents == 50_000
    assert refreshed(books.account).balance_cents == 50_000
    assert refreshed(books.account).entry_count == 1


def test_every_edit_of_a_reconciliation_is_logged(cast, books):
    owner = cast.actor("owner")
    month = last_month()
    deposit = journal.deposit(owner, data=entry(books.ledger, 40_000, on=month, reference="77"))
    made = reconciliation.start(owner, account_id=books.account.pk, month=month)
    reconciliation.set_statement_balance(
        owner, reconciliation_id=made.pk, statement_balance_cents=40_000
    )
    reconciliation.add_bank_lines(
        owner,
        reconciliation_id=made.pk,
        lines=[reconciliation.BankLineInput(month + timedelta(days=3), "Service charge", -1_500)],
    )
    reconciliation.import_bank_csv(
        owner,
        reconciliation_id=made.pk,
        text=f"Date,Description,Amount\n{month + timedelta(days=4)},Interest,12.00\n",
    )
    line = BankStatementLine.objects.get(description="Service charge")
    reconciliation.remove_bank_line(owner, reconciliation_id=made.pk, line_id=line.pk)
    reconciliation.clear_entries(owner, reconciliation_id=made.pk, entry_ids=[deposit.pk])

    actions = list(
        AccessLogEntry.objects.filter(object_type="trust.reconciliation", object_id=str(made.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "trust.reconciliation_started",
        "trust.statement_balance_set",
        "trust.bank_lines_added",
        "trust.bank_csv_imported",
        "trust.bank_line_removed",
        "trust.entries_cleared",
    ]
    (balance,) = logged("trust.statement_balance_set")
    assert balance.detail["statement_balance_cents"] == [None, 40_000]
    (removed,) = logged("trust.bank_line_removed")
    assert removed.detail["amount_cents"] == -1_500 and removed.detail["line_id"] == line.pk
    (cleared,) = logged("trust.entries_cleared")
    assert cleared.detail["entry_ids"] == [deposit.pk]
    assert log.verify_chain().ok


def test_a_reconciliation_edit_whose_log_line_fails_changes_nothing(cast, books, log_down):
    owner = cast.actor("owner")
    from counselbench.trust.models import Reconciliation

    with pytest.raises(LogDown):
        reconciliation.start(owner, account_id=books.account.pk, month=last_month())
    assert not Reconciliation.objects.exists()
