"""Accounts-receivable aging (0–30, 31–60, 61–90, 90+ days since issue, as of a date) and the
invoice reminder schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from counselbench.billing import selectors
from counselbench.billing.models import Invoice, InvoiceReminder
from counselbench.billing.services import invoices, reminders
from tests.billing.conftest import approved_time
from tests.trust.conftest import TODAY


@pytest.mark.parametrize(
    ("age", "bucket"),
    [(0, "0–30"), (30, "0–30"), (31, "31–60"), (60, "31–60"), (61, "61–90"), (90, "61–90"),
     (91, "90+"), (400, "90+")],
)  # fmt: skip
def test_bucket_boundaries(age, bucket):
    assert selectors.bucket_of(age) == bucket


def _sent(cast, delegation, task, minutes, issued_days_ago) -> Invoice:
    owner = cast.actor("owner")
    approved_time(cast, task, minutes)
    draft = invoices.draft_invoice(owner, matter_id=delegation.matter.pk)
    sent = invoices.send_invoice(owner, invoice_id=draft.pk)
    # Backdate the issue as if it had gone out then (send allows 31 days at most).
    day = TODAY() - timedelta(days=issued_days_ago)
    Invoice.objects.filter(pk=sent.pk).update(issued_on=day, due_on=day + timedelta(days=30))
    return Invoice.objects.get(pk=sent.pk)


def test_aging_by_client_and_bucket_as_of_a_date(cast, delegation, contractor_task):
    young = _sent(cast, delegation, contractor_task, 60, 30)  # $40
    middle = _sent(cast, delegation, contractor_task, 120, 31)  # $80
    old = _sent(cast, delegation, contractor_task, 30, 91)  # $20
    invoices.record_payment(
        cast.actor("owner"),
        invoice_id=middle.pk,
        data=invoices.PaymentInput(amount_cents=3_000, received_on=TODAY(), method="check"),
    )
    aging = selectors.ar_aging(cast.actor("owner"), as_of=TODAY())
    (row,) = aging.rows
    assert row.client == "Harbor Logistics LLC"
    assert row.buckets == {"0–30": 4_000, "31–60": 5_000, "61–90": 0, "90+": 2_000}
    assert aging.total_cents == 11_000
    assert {i["number"]: i["bucket"] for i in row.invoices} == {
        young.number: "0–30",
        middle.number: "31–60",
        old.number: "90+",
    }
    # A day earlier the payment had not come in, and each invoice was a day younger.
    before = selectors.ar_aging(cast.actor("owner"), as_of=TODAY() - timedelta(days=1))
    assert before.rows[0].buckets == {"0–30": 4_000 + 8_000, "31–60": 0, "61–90": 2_000, "90+": 0}


def test_aging_shows_only_what_the_actor_may_see(cast, delegation, contractor_task):
    _sent(cast, delegation, contractor_task, 60, 5)
    assert selectors.ar_aging(cast.actor("outsider"), as_of=TODAY()).rows == []
    assert selectors.ar_aging(cast.actor("staff"), as_of=TODAY()).rows == []  # no billing
    assert selectors.ar_aging(cast.actor("attorney"), as_of=TODAY()).total_cents == 4_000


def test_the_reminder_schedule_sends_each_step_once_and_never_after_payment(
    cast, delegation, contractor_task, settings, django_capture_on_commit_callbacks
):
    settings.INVOICE_REMINDER_DAYS = (-3, 0, 7, 30)
    type(delegation.matter.client).objects.filter(pk=delegation.matter.client_id).update(
        email="ap@harbor.example"
    )
    invoice = _sent(cast, delegation, contractor_task, 60, 0)
    due = invoice.due_on

    def run(day):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            return [r.offset_days for r in reminders.claim_due_reminders(day)]

    assert run(due - timedelta(days=4)) == []
    assert run(due - timedelta(days=3)) == [-3]
    assert "is due on" in mail.outbox[0].body and invoice.number in mail.outbox[0].subject
    assert run(due - timedelta(days=2)) == []  # once per step
    # Missed days: the latest step due goes, not a burst of every one missed.
    assert run(due + timedelta(days=8)) == [7]
    assert "8 days past due" not in mail.outbox[0].body  # it names the step's offset
    assert "past due" in mail.outbox[0].body
    invoices.record_payment(
        cast.actor("owner"),
        invoice_id=invoice.pk,
        data=invoices.PaymentInput(
            amount_cents=invoice.balance_cents, received_on=TODAY(), method="ach"
        ),
    )
    assert run(due + timedelta(days=30)) == []
    assert list(
        InvoiceReminder.objects.filter(invoice=invoice).values_list("offset_days", flat=True)
    ) == [-3, 7]
