"""The money world the authorization matrix (API and pages) runs on, built once per cast on top of
the matters world (tests/matters/matrix.py) and the time world (tests/billing/matrix.py):

- the staff member has the billing permission (a firm's billing manager);
- the contractor's approved time: one entry 20 days ago (its pay period is over), with a
  statement issued for it, and one entry today, approved and not yet invoiced;
- a draft invoice and a sent invoice (with a check payment) on the matter; a billing rate;
- a trust account (firm-funds ledger included), the matter's ledger with a deposit, a pending
  disbursement request by the staff member, an open reconciliation of last month (the deposit is
  dated in it; the bank's statement has only an unrecorded service charge), a retainer.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.billing.matrix import time_world
from tests.matters.matrix import world


def money_world(cast) -> dict:
    if getattr(cast, "money_world", None):
        return cast.money_world
    from counselbench.billing.models import InvoiceLine, TimeEntry
    from counselbench.billing.services import invoices, rates, statements
    from counselbench.billing.services.time import EntryInput, approve, log_time, submit
    from counselbench.trust.services import accounts, journal, reconciliation, requests, retainers

    base, times = world(cast), time_world(cast)
    cast.staff.memberships.update(billing=True)
    owner, attorney, staff = cast.actor("owner"), cast.actor("attorney"), cast.actor("staff")
    contractor = cast.actor("contractor")
    today = timezone.localdate()

    def approved(minutes, on, text):
        data = EntryInput(minutes=minutes, date=on, description=text, task_id=times["task"])
        entry = log_time(contractor, data=data)
        submit(contractor, entry_ids=[entry.pk])
        approve(attorney, entry_ids=[entry.pk])
        return entry

    old = approved(120, today - timedelta(days=20), "Deposition summary, volume 1")
    statement = statements.issue_statement(owner, engagement_id=base["engagement"], on=old.date)
    sent = invoices.draft_invoice(owner, matter_id=base["matter"], entry_ids=[old.pk])
    invoices.send_invoice(owner, invoice_id=sent.pk)
    invoices.record_payment(
        owner,
        invoice_id=sent.pk,
        data=invoices.PaymentInput(amount_cents=1_000, received_on=today, method="check"),
    )
    # Approved after that statement went out: the next statement (of its own period) pays it.
    older = approved(45, today - timedelta(days=40), "Deposition digest, earlier volume")
    fresh = approved(60, today, "Deposition summary, volume 2")
    draft = invoices.draft_invoice(owner, matter_id=base["matter"], entry_ids=[fresh.pk])
    unbilled = approved(30, today, "Exhibit index")
    rate = rates.set_billing_rate(
        owner, user_id=cast.attorney.pk, rate_cents=35_000, effective_from=today
    )

    account = accounts.open_account(
        owner,
        name="IOLTA",
        bank_name="Frost Bank",
        account_last4="4321",
        opened_on=today - timedelta(days=90),
    )
    from counselbench.matters.models import Matter

    matter = Matter.objects.get(pk=base["matter"])
    ledger = accounts.open_ledger(
        owner, account_id=account.pk, client_id=matter.client_id, matter_id=matter.pk
    )
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    deposit = journal.deposit(
        staff,
        data=journal.EntryInput(
            ledger_id=ledger.pk,
            amount_cents=500_000,
            date=month + timedelta(days=4),
            payee_payor="Harbor Logistics LLC",
            purpose="Retainer",
            method="check",
            reference="1042",
        ),
    )
    asked = requests.ask(
        staff,
        kind="disbursement",
        data=journal.EntryInput(
            ledger_id=ledger.pk,
            amount_cents=25_000,
            date=today,
            payee_payor="Lone Star Court Reporting",
            purpose="Deposition transcript",
            method="check",
        ),
    )
    recon = reconciliation.start(
        owner, account_id=account.pk, month=month, statement_balance_cents=0
    )
    (bank_fee,) = reconciliation.add_bank_lines(
        owner,
        reconciliation_id=recon.pk,
        lines=[reconciliation.BankLineInput(month + timedelta(days=27), "Service charge", -1_500)],
    )
    retainer = retainers.set_retainer(
        owner, matter_id=matter.pk, target_cents=500_000, floor_cents=100_000
    )
    assert TimeEntry.objects.filter(pk=unbilled.pk, invoice_line__isnull=True).exists()
    cast.money_world = {
        **base,
        "statement": statement.pk,
        "sent": sent.pk,
        "draft": draft.pk,
        "line": InvoiceLine.objects.filter(invoice=draft).first().pk,
        "unbilled": unbilled.pk,
        "older": older.pk,
        "month": month,
        "bank_line": bank_fee.pk,
        "rate": rate.pk,
        "account": account.pk,
        "ledger": ledger.pk,
        "entry": deposit.pk,
        "request": asked.pk,
        "reconciliation": recon.pk,
        "retainer": retainer.pk,
        "invoice_key": sent.view_key,
    }
    return cast.money_world


def M(key: str):  # noqa: N802 - reads like a table column
    return lambda cast: money_world(cast)[key]
