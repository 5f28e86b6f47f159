"""The money pages, as the people using them notice: billing staff draft an invoice from the
matter's waiting time, add an expense and send it; refused payments leave the invoice as it was;
contractors see their own statements and when they were paid; the client's link; AR aging; the
owner's billing rates; list pages whose query count does not grow with their rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counselbench.billing.models import (
    BillingRate,
    ContractorStatement,
    CreditNote,
    Invoice,
    InvoiceState,
    Payment,
    StatementState,
    TimeEntry,
)
from counselbench.billing.services import invoices as invoice_services
from counselbench.billing.services.time import EntryInput, approve, log_time, submit
from counselbench.trust.models import RequestState, TrustRequest
from tests.billing.money_world import money_world
from tests.factories import (
    EngagementFactory,
    MatterFactory,
    MembershipFactory,
    ProfessionalFactory,
    UserFactory,
)


def today():
    return timezone.localdate()


def invoice_url(pk: int, action: str = "") -> str:
    return f"/billing/invoices/{pk}/{action}"


def dollars(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


# --- Invoices --------------------------------------------------------------------------------


def test_billing_staff_drafts_an_invoice_from_waiting_time_adds_an_expense_and_sends_it(cast):
    w = money_world(cast)
    staff = cast.client("staff")

    page = staff.get("/billing/invoices/new/")
    assert page.status_code == 200
    [matter] = page.context["matters"]
    assert matter.pk == w["matter"] and matter.waiting_minutes >= 30

    response = staff.post("/billing/invoices/new/", {"matter_id": w["matter"]})
    invoice = Invoice.objects.order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == invoice_url(invoice.pk)
    assert invoice.is_draft
    assert invoice.lines.filter(time_entry_id=w["unbilled"]).exists()
    html = staff.get(invoice_url(invoice.pk)).content.decode()
    # Contractor work is a legal fee, and the firm sees why it is priced as it is.
    assert "Contract professional · billed as a legal fee" in html
    assert "How the contractor work is priced" in html

    response = staff.post(
        invoice_url(invoice.pk, "expenses/"),
        {"date": today().isoformat(), "description": "Court reporter", "amount_cents": "412.50"},
    )
    assert response.status_code == 302
    assert invoice.lines.get(kind="expense").amount_cents == 41_250

    response = staff.post(invoice_url(invoice.pk, "send/"), {"issued_on": today().isoformat()})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.SENT and invoice.number.startswith("INV-")
    assert TimeEntry.objects.get(pk=w["unbilled"]).state == "billed"
    page = staff.get(invoice_url(invoice.pk))
    html = page.content.decode()
    assert f"Invoice {invoice.number}" in html and "Record a payment" in html
    assert f"/billing/i/{invoice.view_key}/" in html  # the client's link, to copy
    assert any("is due" in str(m) for m in page.context["messages"])


def test_a_payment_over_the_balance_is_refused_next_to_the_amount_and_changes_nothing(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    payments = Payment.objects.count()
    response = cast.client("staff").post(
        invoice_url(sent.pk, "payments/"),
        {
            "amount_cents": dollars(sent.balance_cents + 1),
            "received_on": today().isoformat(),
            "method": "check",
        },
    )
    assert response.status_code == 422
    form = response.context["forms"]["payment"]
    assert "More than the balance due" in form.errors["amount_cents"][0]
    assert 'id="payment-amount_cents"' in response.content.decode()  # the form is shown again
    after = Invoice.objects.get(pk=sent.pk)
    assert (after.paid_cents, after.state) == (sent.paid_cents, sent.state)
    assert Payment.objects.count() == payments


def test_a_payment_within_the_balance_is_recorded(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    response = cast.client("owner").post(
        invoice_url(sent.pk, "payments/"),
        {
            "amount_cents": dollars(sent.balance_cents),
            "received_on": today().isoformat(),
            "method": "ach",
            "reference": "ACH 8812",
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.balance_cents == 0 and sent.state == InvoiceState.PAID
    html = cast.client("owner").get(invoice_url(sent.pk)).content.decode()
    assert "Paid in full" in html and "ACH 8812" in html


def test_typed_amounts_that_are_not_money_are_refused_on_the_field(cast):
    w = money_world(cast)
    response = cast.client("owner").post(
        invoice_url(w["draft"], "expenses/"),
        {"date": today().isoformat(), "description": "Courier", "amount_cents": "12.345"},
    )
    assert response.status_code == 422
    assert response.context["forms"]["expense"].errors["amount_cents"]
    assert not Invoice.objects.get(pk=w["draft"]).lines.filter(kind="expense").exists()


def test_a_draft_takes_a_discount_and_tax_and_refuses_a_tax_over_thirty_percent(cast):
    w = money_world(cast)
    owner = cast.client("owner")
    url = invoice_url(w["draft"], "update/")
    data = {"discount_percent": "10", "tax_percent": "8.25", "payment_terms_days": "15"}
    response = owner.post(url, {**data, "notes": "Thank you."})
    assert response.status_code == 302
    draft = Invoice.objects.get(pk=w["draft"])
    assert draft.discount_cents == round(draft.subtotal_cents * 0.10)
    assert draft.payment_terms_days == 15 and draft.notes == "Thank you."
    html = owner.get(invoice_url(draft.pk)).content.decode()
    assert "Discount (10%)" in html and "Tax (8.25%)" in html

    response = owner.post(url, {**data, "tax_percent": "45"})
    assert response.status_code == 422
    assert response.context["forms"]["draft"].errors["tax_percent"]
    assert Invoice.objects.get(pk=draft.pk).tax_percent == draft.tax_percent


def test_removing_a_line_frees_its_time_and_deleting_the_draft_goes_back_to_the_list(cast):
    w = money_world(cast)
    owner = cast.client("owner")
    draft = Invoice.objects.get(pk=w["draft"])
    entry_id = draft.lines.get(pk=w["line"]).time_entry_id
    response = owner.post(invoice_url(draft.pk, f"lines/{w['line']}/remove/"))
    assert response.status_code == 302
    assert not TimeEntry.objects.filter(pk=entry_id, invoice_line__isnull=False).exists()
    response = owner.post(invoice_url(draft.pk, "delete/"))
    assert response.status_code == 302 and response["Location"] == "/billing/invoices/"
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_sending_an_empty_draft_is_refused_with_what_to_do(cast):
    w = money_world(cast)
    empty = invoice_services.draft_invoice(cast.actor("owner"), matter_id=w["matter"], entry_ids=[])
    response = cast.client("owner").post(invoice_url(empty.pk, "send/"), {})
    assert response.status_code == 409
    [message] = [str(m) for m in response.context["messages"]]
    assert "no lines" in message and "Add approved time or an expense" in message
    assert Invoice.objects.get(pk=empty.pk).is_draft


def test_a_sent_invoice_is_never_edited_but_takes_a_credit_note(cast):
    w = money_world(cast)
    owner = cast.client("owner")
    sent = Invoice.objects.get(pk=w["sent"])
    response = owner.post(
        invoice_url(sent.pk, "update/"),
        {"discount_percent": "50", "tax_percent": "0", "payment_terms_days": "30"},
    )
    assert response.status_code == 409
    assert Invoice.objects.get(pk=sent.pk).discount_percent == 0
    response = owner.post(
        invoice_url(sent.pk, "credit/"), {"amount_cents": "5.00", "reason": "Courtesy discount"}
    )
    assert response.status_code == 302
    note = CreditNote.objects.get(invoice=sent)
    assert note.amount_cents == 500 and note.number.startswith("CN-")
    html = owner.get(invoice_url(sent.pk)).content.decode()
    assert f"Credit note {note.number}" in html


def test_pay_from_trust_by_billing_staff_waits_for_an_attorney(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    staff = cast.client("staff")
    assert "Pay $" in staff.get(invoice_url(sent.pk)).content.decode()
    response = staff.post(invoice_url(sent.pk, "pay-from-trust/"))
    assert response.status_code == 302
    asked = TrustRequest.objects.get(invoice=sent)
    assert asked.state == RequestState.PENDING and asked.amount_cents == sent.balance_cents
    page = staff.get(invoice_url(sent.pk))
    html = page.content.decode()
    assert "Waiting for an attorney's approval" in html
    assert "Pay $" not in html  # one request at a time
    assert Invoice.objects.get(pk=sent.pk).paid_cents == sent.paid_cents
    # A second click (or the owner's, beside the request) is refused: approve the request.
    for who in ("staff", "owner"):
        response = cast.client(who).post(invoice_url(sent.pk, "pay-from-trust/"), follow=True)
        assert "already waits for an attorney" in response.content.decode()
    assert TrustRequest.objects.filter(invoice=sent).count() == 1
    assert Invoice.objects.get(pk=sent.pk).paid_cents == sent.paid_cents


def test_pay_from_trust_by_the_owner_posts_at_once(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    response = cast.client("owner").post(invoice_url(sent.pk, "pay-from-trust/"))
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.state == InvoiceState.PAID
    assert sent.payments.filter(method="trust").exists()


def test_the_responsible_attorney_reads_the_invoice_but_cannot_change_it(cast):
    w = money_world(cast)
    attorney = cast.client("attorney")
    page = attorney.get(invoice_url(w["sent"]))
    assert page.status_code == 200 and page.context["forms"] == {}
    assert "Record a payment" not in page.content.decode()
    response = attorney.post(
        invoice_url(w["sent"], "payments/"),
        {"amount_cents": "1.00", "received_on": today().isoformat(), "method": "check"},
    )
    assert response.status_code == 403
    assert cast.client("attorney").get("/billing/invoices/new/").status_code == 403


def test_the_invoice_list_filters_by_state_and_searches_by_number(cast):
    w = money_world(cast)
    owner = cast.client("owner")
    sent = Invoice.objects.get(pk=w["sent"])
    page = owner.get("/billing/invoices/")
    assert {i.pk for i in page.context["page"]} == {w["sent"], w["draft"]}
    assert page.context["sums"]["balance_cents"] == sent.balance_cents  # drafts owe nothing
    page = owner.get("/billing/invoices/", {"state": "draft"})
    assert [i.pk for i in page.context["page"]] == [w["draft"]]
    page = owner.get("/billing/invoices/", {"q": sent.number})
    assert [i.pk for i in page.context["page"]] == [sent.pk]
    page = owner.get("/billing/invoices/", {"q": "no such thing"})
    assert "No invoice matches" in page.content.decode()


def test_the_invoice_pdf_is_a_letter_pdf_named_for_the_invoice(cast):
    w = money_world(cast)
    response = cast.client("owner").get(f"/billing/invoices/{w['sent']}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    number = Invoice.objects.get(pk=w["sent"]).number.lower()
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert response.content.startswith(b"%PDF")


# --- The client's link -----------------------------------------------------------------------


def test_the_clients_link_shows_only_the_invoice_and_marks_it_viewed(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    assert sent.viewed_at is None
    response = cast.client("anonymous").get(f"/billing/i/{sent.view_key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert sent.number in html and "Balance due" in html
    assert "Sign in" not in html and "Pricing" not in html  # no firm navigation, no cost notes
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Invoice.objects.get(pk=sent.pk).viewed_at is not None
    pdf = cast.client("anonymous").get(f"/billing/i/{sent.view_key}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_clients_link_is_404_for_a_draft_or_an_unknown_key(cast):
    w = money_world(cast)
    draft = Invoice.objects.get(pk=w["draft"])
    anonymous = cast.client("anonymous")
    assert anonymous.get(f"/billing/i/{draft.view_key}/").status_code == 404
    assert anonymous.get(f"/billing/i/{draft.view_key}.pdf").status_code == 404
    assert anonymous.get("/billing/i/not-a-key/").status_code == 404


def test_the_firm_checking_the_clients_link_does_not_count_as_the_client_viewing(cast):
    w = money_world(cast)
    sent = Invoice.objects.get(pk=w["sent"])
    assert cast.client("owner").get(f"/billing/i/{sent.view_key}/").status_code == 200
    assert Invoice.objects.get(pk=sent.pk).viewed_at is None


# --- AR aging ----------------------------------------------------------------------------------


def test_ar_aging_shows_each_invoice_in_the_bucket_of_its_age(cast):
    w = money_world(cast)
    owner = cast.actor("owner")
    old = Invoice.objects.get(pk=w["sent"])
    Invoice.objects.filter(pk=old.pk).update(issued_on=today() - timedelta(days=75))
    new = invoice_services.draft_invoice(owner, matter_id=w["matter"], entry_ids=[w["unbilled"]])
    new = invoice_services.send_invoice(owner, invoice_id=new.pk)
    page = cast.client("owner").get("/billing/receivables/")
    assert page.status_code == 200
    [row] = page.context["rows"]
    cells = dict(row["cells"])
    assert cells == {"0–30": new.total_cents, "31–60": 0, "61–90": old.balance_cents, "90+": 0}
    assert page.context["total_cents"] == new.total_cents + old.balance_cents
    html = page.content.decode()
    assert "61–90 days" in html and old.number in html and new.number in html

    # Forty days ago the new invoice did not exist and the check had not come in.
    then = (today() - timedelta(days=40)).isoformat()
    page = cast.client("owner").get("/billing/receivables/", {"as_of": then})
    assert dict(page.context["rows"][0]["cells"])["31–60"] == old.total_cents

    csv = cast.client("owner").get("/billing/receivables.csv").content.decode()
    header, first, second, total = csv.strip().splitlines()
    assert header == "client,invoice,issued_on,due_on,age_days,0–30,31–60,61–90,90+,balance"
    assert old.number in first and dollars(old.balance_cents) in first  # oldest first
    assert new.number in second and dollars(new.total_cents) in second
    assert total.startswith("Total,")


def test_ar_aging_refuses_a_day_in_the_future(cast):
    money_world(cast)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = cast.client("owner").get("/billing/receivables/", {"as_of": tomorrow})
    assert response.status_code == 422 and response.context["as_of"] == today()
    assert cast.client("owner").get("/billing/receivables.csv", {"as_of": "x"}).status_code == 422


def test_ar_aging_is_empty_when_nothing_is_owed(cast):
    money_world(cast)
    html = cast.client("outsider").get("/billing/receivables/").content.decode()
    assert "Nothing was owed" in html


# --- Contractor statements ---------------------------------------------------------------------


def _someone_elses_statement(cast) -> ContractorStatement:
    other = EngagementFactory(
        organization=cast.firm,
        professional=ProfessionalFactory(user=UserFactory(email="other@pros.example")),
        supervising_attorney=cast.attorney,
    )
    return ContractorStatement.objects.create(
        organization=cast.firm,
        number="ST-09999",
        engagement=other,
        period_start=today() - timedelta(days=30),
        period_end=today() - timedelta(days=16),
        amount_cents=50_000,
        due_on=today() + timedelta(days=3),
    )


def test_the_contractor_sees_their_own_statements_and_when_they_were_paid(cast):
    w = money_world(cast)
    other = _someone_elses_statement(cast)
    contractor = cast.client("contractor")
    page = contractor.get("/billing/statements/")
    assert page.status_code == 200
    assert [s.pk for s in page.context["page"]] == [w["statement"]]
    assert "My statements" in page.content.decode()
    assert contractor.get(f"/billing/statements/{other.pk}/").status_code == 404

    statement = ContractorStatement.objects.get(pk=w["statement"])
    page = contractor.get(f"/billing/statements/{statement.pk}/")
    assert page.status_code == 200 and page.context["pay_form"] is None
    days = (statement.due_on - today()).days
    expected = f"Due in {days} day" if days > 0 else "Overdue by" if days < 0 else "Due today"
    assert expected in page.content.decode()

    response = cast.client("owner").post(
        f"/billing/statements/{statement.pk}/pay/",
        {"paid_on": today().isoformat(), "method": "ach", "reference": "TRACE 0913"},
    )
    assert response.status_code == 302
    html = contractor.get(f"/billing/statements/{statement.pk}/").content.decode()
    assert (
        f"Paid on {today():%b} {today().day}, {today().year} by ACH transfer, ref TRACE 0913"
        in (html)
    )
    # The contractor sees their statement but records nothing on it.
    assert contractor.post(f"/billing/statements/{statement.pk}/pay/", {}).status_code == 403


def test_billing_people_see_overdue_and_due_soon_statements_flagged(cast):
    w = money_world(cast)
    _someone_elses_statement(cast)  # due in 3 days
    ContractorStatement.objects.filter(pk=w["statement"]).update(due_on=today() - timedelta(days=2))
    page = cast.client("staff").get("/billing/statements/")
    assert page.context["alerts"]["late"]["count"] == 1
    texts = {s.pk: s.status_text for s in page.context["page"]}
    assert texts[w["statement"]] == "Overdue by 2 days"
    assert "Due in 3 days" in texts.values()
    assert "1 statement overdue" in page.content.decode()
    page = cast.client("staff").get("/billing/statements/", {"state": "paid"})
    assert list(page.context["page"]) == []


def test_the_supervising_attorney_reads_statements_but_records_no_payment(cast):
    w = money_world(cast)
    attorney = cast.client("attorney")
    page = attorney.get(f"/billing/statements/{w['statement']}/")
    assert page.status_code == 200 and page.context["may_pay"] is False
    response = attorney.post(
        f"/billing/statements/{w['statement']}/pay/",
        {"paid_on": today().isoformat(), "method": "ach"},
    )
    assert response.status_code == 403
    assert ContractorStatement.objects.get(pk=w["statement"]).state == StatementState.ISSUED


def test_a_payment_dated_in_the_future_is_refused_on_the_field(cast):
    w = money_world(cast)
    response = cast.client("owner").post(
        f"/billing/statements/{w['statement']}/pay/",
        {"paid_on": (today() + timedelta(days=1)).isoformat(), "method": "ach"},
    )
    assert response.status_code == 422
    assert response.context["pay_form"].errors["paid_on"]
    assert ContractorStatement.objects.get(pk=w["statement"]).state == StatementState.ISSUED


def test_issuing_a_statement_for_a_finished_period_and_refusing_an_unfinished_one(cast):
    w = money_world(cast)
    contractor, attorney = cast.actor("contractor"), cast.actor("attorney")
    long_ago = today() - timedelta(days=100)
    entry = log_time(
        contractor,
        data=EntryInput(minutes=90, date=long_ago, description="Index", task_id=w["task"]),
    )
    submit(contractor, entry_ids=[entry.pk])
    approve(attorney, entry_ids=[entry.pk])
    owner = cast.client("owner")
    data = {"engagement_id": w["engagement"], "on": long_ago.isoformat()}
    response = owner.post("/billing/statements/issue/", data)
    assert response.status_code == 302
    statement = ContractorStatement.objects.get(lines__time_entry=entry)
    assert response["Location"] == f"/billing/statements/{statement.pk}/"

    response = owner.post("/billing/statements/issue/", {**data, "on": today().isoformat()})
    assert response.status_code == 409
    assert "is not over yet" in response.context["issue_form"].non_field_errors()[0]
    assert cast.client("attorney").post("/billing/statements/issue/", data).status_code == 403


def test_the_payout_batch_lists_the_unpaid_statements_for_the_bank(cast):
    w = money_world(cast)
    response = cast.client("staff").get("/billing/statements/payout-batch.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    number = ContractorStatement.objects.get(pk=w["statement"]).number
    assert number in body and cast.contractor.email in body
    assert cast.client("contractor").get("/billing/statements/payout-batch.csv").status_code == 403


# --- Billing rates -----------------------------------------------------------------------------


def test_the_owner_sets_a_billing_rate_and_sees_its_history(cast):
    money_world(cast)
    owner = cast.client("owner")
    later = today() + timedelta(days=10)
    response = owner.post(
        "/billing/rates/",
        {"user_id": cast.attorney.pk, "rate_cents": "395", "effective_from": later.isoformat()},
    )
    assert response.status_code == 302
    assert BillingRate.objects.get(user=cast.attorney, effective_from=later).rate_cents == 39_500
    page = owner.get("/billing/rates/")
    [row] = [r for r in page.context["rows"] if r["person"] == cast.attorney]
    assert row["current"].rate_cents == 35_000 and [r.rate_cents for r in row["upcoming"]] == [
        39_500
    ]
    assert "2 rates" in page.content.decode()


def test_a_rate_out_of_range_is_refused_on_the_field(cast):
    money_world(cast)
    response = cast.client("owner").post(
        "/billing/rates/",
        {"user_id": cast.staff.pk, "rate_cents": "9000", "effective_from": today().isoformat()},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["rate_cents"]
    assert not BillingRate.objects.filter(user=cast.staff).exists()


@pytest.mark.parametrize("who", ["attorney", "staff", "contractor"])
def test_only_the_owner_sees_the_billing_rates(cast, who):
    money_world(cast)
    assert cast.client(who).get("/billing/rates/").status_code == 403


# --- Query counts ------------------------------------------------------------------------------


def _more_rows(cast, w, count: int) -> None:
    """`count` more invoices (each its own client and matter), statements (each its own
    professional) and timekeepers with rates."""
    engagement_pay = ContractorStatement.objects.get(pk=w["statement"])
    for n in range(count):
        matter = MatterFactory(
            organization=cast.firm, responsible_attorney=cast.attorney, number=f"Q-{n:04d}"
        )
        Invoice.objects.create(
            organization=cast.firm,
            client=matter.client,
            matter=matter,
            number=f"INV-9{n:04d}",
            state=InvoiceState.SENT,
            issued_on=today() - timedelta(days=10 * n),
            due_on=today() - timedelta(days=10 * n - 30),
            subtotal_cents=10_000,
            total_cents=10_000,
        )
        engagement = EngagementFactory(organization=cast.firm, supervising_attorney=cast.attorney)
        ContractorStatement.objects.create(
            organization=cast.firm,
            number=f"ST-9{n:04d}",
            engagement=engagement,
            period_start=engagement_pay.period_start,
            period_end=engagement_pay.period_end,
            amount_cents=10_000,
            due_on=today() + timedelta(days=n - 5),
        )
        member = MembershipFactory(organization=cast.firm, role="staff").user
        BillingRate.objects.create(
            organization=cast.firm, user=member, rate_cents=9_000, effective_from=today()
        )


@pytest.mark.parametrize(
    "url",
    ["/billing/invoices/", "/billing/statements/", "/billing/receivables/", "/billing/rates/"],
)
def test_list_pages_make_as_many_queries_for_many_rows_as_for_few(
    cast, url, django_assert_max_num_queries
):
    w = money_world(cast)
    owner = cast.client("owner")
    owner.get(url)
    with CaptureQueriesContext(connection) as few:
        assert owner.get(url).status_code == 200
    _more_rows(cast, w, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = owner.get(url)
    assert response.status_code == 200
