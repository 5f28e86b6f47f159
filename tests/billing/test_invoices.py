"""Client invoices: contractor work billed as a legal fee with the markup the jurisdiction allows,
exact arithmetic, numbering without gaps, immutable once sent, payments and credit notes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from counselbench.billing.models import EntryState, Invoice, InvoiceState, TimeEntry
from counselbench.billing.services import invoices, rates
from counselbench.billing.services.pricing import amount_for, invoice_totals, marked_up
from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.engagements.models import MarkupRule
from counselbench.matters.models import Consent
from tests.billing.conftest import approved_time
from tests.trust.conftest import TODAY


def payment(amount, method="check", **more):
    return invoices.PaymentInput(amount_cents=amount, received_on=TODAY(), method=method, **more)


def test_pricing_arithmetic_is_exact_to_the_cent_half_up():
    assert amount_for(90, 4000) == 6000
    assert amount_for(7, 9500) == 1108  # 1108.33…
    assert amount_for(1, 3) == 0  # 0.05 of a cent rounds down
    assert amount_for(10, 3) == 1  # 0.5 of a cent rounds up
    assert marked_up(4000, Decimal("25")) == 5000
    assert marked_up(2885, Decimal("33.33")) == 3847  # 3846.57…
    totals = invoice_totals(
        [10_000, 5_555], discount_percent=Decimal(10), tax_percent=Decimal("8.25")
    )
    assert totals.discount_cents == 1556  # 1555.5 → half-up
    assert totals.tax_cents == 1155  # 8.25% of 13,999 = 1154.9…
    assert totals.total_cents == 15_555 - 1556 + 1155


@pytest.mark.parametrize(
    ("policy", "disclosed", "markup", "firm_rate", "rate", "why"),
    [
        # The default row: markup allowed when disclosed to the client (ABA Formal Op. 08-451).
        ("disclosure_required", True, "25", None, 5000, "× (1 + 25"),
        ("disclosure_required", False, "25", None, 4000, "requires disclosing"),
        ("allowed", False, "25", None, 5000, "× (1 + 25"),
        ("not_allowed", True, "25", None, 4000, "does not allow a markup"),
        # The firm's own rate for the timekeeper is a markup too, subject to the same rule.
        ("allowed", True, "0", 6500, 6500, "firm's rate"),
        ("not_allowed", True, "0", 6500, 4000, "does not allow a markup"),
        ("allowed", True, "0", None, 4000, "no markup on this engagement"),
    ],
)
def test_contractor_work_is_a_legal_fee_priced_as_the_jurisdiction_allows(
    cast, delegation, contractor_task, policy, disclosed, markup, firm_rate, rate, why
):
    MarkupRule.objects.update_or_create(
        jurisdiction="TX", defaults={"policy": policy, "source": "Test rule"}
    )
    Consent.objects.filter(matter=delegation.matter).update(markup_disclosed=disclosed)
    type(delegation.engagement).objects.filter(pk=delegation.engagement.pk).update(
        markup_percent=Decimal(markup)
    )
    if firm_rate:
        rates.set_billing_rate(
            cast.actor("owner"),
            user_id=cast.contractor.pk,
            rate_cents=firm_rate,
            effective_from=TODAY() - timedelta(days=30),
        )
    approved_time(cast, contractor_task, 90)
    invoice = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    (line,) = invoice.lines.all()
    assert line.kind == "fee" and line.contractor_work  # never a disbursement
    assert line.cost_rate_cents == 4000
    assert line.rate_cents == rate
    assert line.amount_cents == amount_for(90, rate) == invoice.total_cents
    assert why in line.pricing_note


def test_a_draft_takes_approved_billable_uninvoiced_time_only(cast, delegation, contractor_task):
    approved = approved_time(cast, contractor_task, 60, 30)
    TimeEntry.objects.filter(pk=approved[1].pk).update(billable=False)
    contractor = cast.actor("contractor")
    from counselbench.billing.services.time import EntryInput, log_time

    log_time(contractor, data=EntryInput(45, TODAY(), "Draft, not approved", contractor_task.pk))
    first = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    assert [line.time_entry_id for line in first.lines.all()] == [approved[0].pk]
    # The same time is not on two invoices.
    second = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    assert not second.lines.exists()


def test_an_entry_without_a_billing_rate_is_named(cast, delegation):
    from counselbench.billing.services.time import EntryInput, approve, log_time, submit

    entry = log_time(
        cast.actor("attorney"),
        data=EntryInput(60, TODAY(), "Strategy call", matter_id=delegation.matter.pk),
    )
    submit(cast.actor("attorney"), entry_ids=[entry.pk])
    approve(cast.actor("owner"), entry_ids=[entry.pk])
    with pytest.raises(Invalid) as refused:
        invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    assert refused.value.code == "no_billing_rate" and "billing rate" in refused.value.message


def test_numbers_have_no_gaps_and_a_sent_invoice_is_immutable(
    cast, delegation, contractor_task, billing_staff
):
    owner = cast.actor("owner")
    numbers = []
    for minutes in (60, 30, 15):
        approved_time(cast, contractor_task, minutes)
        draft = invoices.draft_invoice(owner, matter_id=delegation.matter.pk)
        if minutes == 30:  # a deleted draft takes no number
            invoices.delete_draft(owner, invoice_id=draft.pk)
            draft = invoices.draft_invoice(owner, matter_id=delegation.matter.pk)
        empty = invoices.draft_invoice(owner, matter_id=delegation.matter.pk)
        with pytest.raises(RuleViolation):  # a failed send takes no number either
            invoices.send_invoice(owner, invoice_id=empty.pk)
        numbers.append(invoices.send_invoice(billing_staff, invoice_id=draft.pk).number)
    assert numbers == ["INV-00001", "INV-00002", "INV-00003"]
    sent = Invoice.objects.get(number="INV-00001")
    assert set(
        TimeEntry.objects.filter(invoice_line__invoice=sent).values_list("state", flat=True)
    ) == {EntryState.BILLED}
    for change in (
        lambda: invoices.update_draft(owner, invoice_id=sent.pk, changes={"tax_percent": "5"}),
        lambda: invoices.add_expense(
            owner,
            invoice_id=sent.pk,
            data=invoices.ExpenseInput(date=TODAY(), description="Copies", amount_cents=100),
        ),
        lambda: invoices.delete_draft(owner, invoice_id=sent.pk),
    ):
        with pytest.raises(RuleViolation) as refused:
            change()
        assert refused.value.code == "invoice_sent" and "credit note" in refused.value.unblock


def test_sending_emails_the_client_a_link_and_the_link_marks_it_viewed(
    cast, delegation, contractor_task, django_capture_on_commit_callbacks
):
    type(delegation.matter.client).objects.filter(pk=delegation.matter.client_id).update(
        email="ap@harbor.example"
    )
    approved_time(cast, contractor_task, 60)
    draft = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    with django_capture_on_commit_callbacks(execute=True):
        sent = invoices.send_invoice(cast.actor("owner"), invoice_id=draft.pk)
    (email,) = mail.outbox
    assert email.to == ["ap@harbor.example"] and sent.number in email.subject
    assert sent.view_key in email.body
    assert cast.client("anonymous").get(f"/billing/i/{sent.view_key}/").status_code == 200
    sent.refresh_from_db()
    assert sent.state == InvoiceState.VIEWED and sent.viewed_at is not None


def test_payments_partial_then_full_and_never_more_than_the_balance(
    cast, delegation, contractor_task
):
    owner = cast.actor("owner")
    approved_time(cast, contractor_task, 150)  # $100.00
    invoice = invoices.send_invoice(
        owner, invoice_id=invoices.draft_invoice(owner, matter_id=delegation.matter.pk).pk
    )
    invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(4_000, reference="1201"))
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PARTIALLY_PAID and invoice.balance_cents == 6_000
    with pytest.raises(Invalid) as refused:
        invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(6_001))
    assert refused.value.code == "overpayment" and refused.value.fields[0].path == "amount_cents"
    with pytest.raises(Invalid) as wrong_currency:
        invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(100, currency="EUR"))
    assert wrong_currency.value.fields[0].path == "currency"
    with pytest.raises(Invalid) as from_trust:
        invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(100, method="trust"))
    assert "earned-fee transfer" in from_trust.value.fields[0].message
    invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(6_000, method="ach"))
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID and invoice.balance_cents == 0
    assert invoice.paid_at is not None


def test_a_credit_note_takes_an_amount_off_and_a_full_one_voids_an_unpaid_invoice(
    cast, delegation, contractor_task
):
    owner = cast.actor("owner")
    approved_time(cast, contractor_task, 60, 60)
    invoice = invoices.send_invoice(
        owner, invoice_id=invoices.draft_invoice(owner, matter_id=delegation.matter.pk).pk
    )
    note = invoices.issue_credit_note(
        owner, invoice_id=invoice.pk, amount_cents=1_000, reason="Rework"
    )
    assert note.number == "CN-00001"
    invoice.refresh_from_db()
    assert invoice.balance_cents == 8_000 - 1_000 and invoice.total_cents == 8_000
    with pytest.raises(Invalid):
        invoices.issue_credit_note(owner, invoice_id=invoice.pk, amount_cents=1, reason="")
    invoices.issue_credit_note(owner, invoice_id=invoice.pk, amount_cents=7_000, reason="Write-off")
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.VOID and invoice.balance_cents == 0
    with pytest.raises(RuleViolation):
        invoices.record_payment(owner, invoice_id=invoice.pk, data=payment(1))


def test_only_billing_people_touch_invoices(cast, delegation, contractor_task):
    approved_time(cast, contractor_task, 60)
    with pytest.raises(PermissionDenied):
        invoices.draft_invoice(cast.actor("staff"), matter_id=delegation.matter.pk)
    with pytest.raises(PermissionDenied):
        invoices.draft_invoice(cast.actor("attorney"), matter_id=delegation.matter.pk)
    draft = invoices.draft_invoice(cast.actor("owner"), matter_id=delegation.matter.pk)
    # The responsible attorney reads it but may not change it.
    from counselbench.access.policy import visible

    assert visible(cast.actor("attorney"), Invoice).filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        invoices.send_invoice(cast.actor("attorney"), invoice_id=draft.pk)
    assert not visible(cast.actor("staff"), Invoice).exists()
    assert not visible(cast.actor("contractor"), Invoice).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_sends_take_consecutive_numbers(committed, cast, delegation, contractor_task):
    import threading

    from django.db import connections

    owner = cast.actor("owner")
    drafts = []
    for minutes in (60, 45, 30, 15):
        approved_time(cast, contractor_task, minutes)
        drafts.append(invoices.draft_invoice(owner, matter_id=delegation.matter.pk).pk)
    barrier, numbers = threading.Barrier(len(drafts)), []

    def send(pk):
        barrier.wait()
        try:
            numbers.append(invoices.send_invoice(owner, invoice_id=pk).number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(pk,)) for pk in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(numbers) == ["INV-00001", "INV-00002", "INV-00003", "INV-00004"]
