"""The trust pages: the overview, the client ledger card and its forms (deposit, money out, ask,
reverse), requests and approvals, the three-way reconciliation working page, its report and PDF,
and evergreen retainers. Every rule is the services'; these tests check that the pages call
them, show each refusal on the field it concerns, and post nothing when refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from counselbench.billing.models import Invoice
from counselbench.trust.models import (
    BankStatementLine,
    Reconciliation,
    Replenishment,
    RequestState,
    TrustAccount,
    TrustLedger,
    TrustRequest,
    TrustTransaction,
)
from counselbench.trust.services import accounts, journal, reconciliation, requests, retainers
from tests.factories import ClientFactory
from tests.trust.conftest import entry

URL = "/trust/"


def last_month():
    today = timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def ledger_url(ledger, action=""):
    return f"{URL}ledgers/{ledger.pk}/{action + '/' if action else ''}"


def deposit_form(amount="5000", *, on=None, **more):
    data = {
        "amount": amount,
        "date": (on or timezone.localdate()).isoformat(),
        "payee_payor": "Harbor Logistics LLC",
        "purpose": "Retainer",
        "method": "check",
        "reference": "1042",
        "currency": "USD",
        **more,
    }
    return {f"deposit-{k}": v for k, v in data.items()}


def out_form(kind="disbursement", amount="250", *, prefix="out", on=None, **more):
    data = {
        "kind": kind,
        "amount": amount,
        "payee_payor": "Lone Star Court Reporting",
        "purpose": "Deposition transcript",
        "method": "check",
        "reference": "2001",
        "currency": "USD",
        **more,
    }
    if prefix == "out":
        data.setdefault("date", (on or timezone.localdate()).isoformat())
    return {f"{prefix}-{k}": v for k, v in data.items()}


def field_errors(response, form_name):
    return {name: list(errors) for name, errors in response.context[form_name].errors.items()}


def entries(ledger):
    return TrustTransaction.objects.filter(ledger=ledger).count()


# --- The overview --------------------------------------------------------------------------


def test_the_overview_shows_each_account_with_its_integrity_check_and_ledgers(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 500_000))
    response = cast.client("owner").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "IOLTA" in html and "Frost Bank" in html and "account ending 4321" in html
    assert 'class="integrity ok"' in html and "In balance." in html
    assert books.matter.number in html and "Eleanor Finch" in html
    assert "$5,000.00" in html
    assert "no month signed off yet" in html
    [account] = response.context["accounts"]
    assert account.integrity["consistent"] is True
    assert account.firm_funds.kind == "firm_funds"


def test_an_attorney_reads_the_overview_and_billing_staff_see_it_too(cast, books):
    for who in ("attorney", "staff"):
        assert cast.client(who).get(URL).status_code == 200


def test_with_no_account_the_owner_is_offered_to_open_one(cast):
    response = cast.client("owner").get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "No trust account yet" in html
    assert f"{URL}accounts/new/" in html
    attorney_html = cast.client("attorney").get(URL).content.decode()
    assert "The firm's owner opens the trust account" in attorney_html


def test_the_owner_opens_an_account_and_bad_details_show_on_their_fields(cast):
    client = cast.client("owner")
    assert client.get(f"{URL}accounts/new/").status_code == 200
    bad = {"name": "IOLTA", "bank_name": "Frost Bank", "account_last4": "43x1"}
    bad["opened_on"] = timezone.localdate().isoformat()
    response = client.post(f"{URL}accounts/new/", bad)
    assert response.status_code == 422
    assert "account_last4" in response.context["form"].errors
    assert not TrustAccount.objects.exists()
    response = client.post(f"{URL}accounts/new/", {**bad, "account_last4": "4321"})
    assert response.status_code == 302
    account = TrustAccount.objects.get()
    assert account.ledgers.filter(kind="firm_funds").exists()
    # The same name again: the service's refusal, on the name.
    response = client.post(f"{URL}accounts/new/", {**bad, "account_last4": "4321"})
    assert response.status_code == 422 and "name" in response.context["form"].errors
    assert cast.client("attorney").get(f"{URL}accounts/new/").status_code == 403


def test_billing_opens_a_ledger_for_a_client_and_a_matter_not_theirs_is_refused(cast, books):
    client = cast.client("staff")
    url = f"{URL}accounts/{books.account.pk}/ledgers/new/"
    assert client.get(url).status_code == 200
    newcomer = ClientFactory(organization=cast.firm, name="Marisol Vega")
    response = client.post(url, {"client": newcomer.pk, "matter": books.matter.pk})
    assert response.status_code == 422
    assert "not Marisol Vega's" in " ".join(response.context["form"].errors["matter"])
    response = client.post(url, {"client": newcomer.pk})
    ledger = TrustLedger.objects.get(client=newcomer)
    assert response.status_code == 302 and response["Location"] == ledger_url(ledger)
    response = client.post(url, {"client": newcomer.pk})
    assert response.status_code == 409  # a second ledger for the client as a whole
    assert cast.client("attorney").get(url).status_code == 403


# --- The ledger card and its forms ---------------------------------------------------------


def test_a_deposit_then_an_overdrawing_disbursement_is_refused_on_the_amount(cast, books):
    response = cast.client("staff").post(ledger_url(books.ledger, "deposit"), deposit_form("5,000"))
    assert response.status_code == 302 and response["Location"] == ledger_url(books.ledger)
    books.ledger.refresh_from_db()
    assert books.ledger.balance_cents == 500_000

    response = cast.client("attorney").post(
        ledger_url(books.ledger, "withdraw"), out_form(amount="6000")
    )
    assert response.status_code == 422
    [message] = field_errors(response, "out_form")["amount"]
    assert "holds $5,000.00" in message and "below zero" in message
    assert escape(message) in response.content.decode()
    assert entries(books.ledger) == 1  # nothing posted
    books.ledger.refresh_from_db()
    assert books.ledger.balance_cents == 500_000


def test_the_ledger_card_lists_every_entry_with_who_posted_and_the_running_balance(cast, books):
    staff, attorney = cast.actor("staff"), cast.actor("attorney")
    journal.deposit(staff, data=entry(books.ledger, 500_000, reference="1042"))
    journal.withdraw(
        attorney,
        kind="disbursement",
        data=entry(books.ledger, 25_000, payee_payor="Lone Star Court Reporting",
                   purpose="Deposition transcript", reference="2001"),
    )  # fmt: skip
    response = cast.client("owner").get(ledger_url(books.ledger))
    assert response.status_code == 200
    html = response.content.decode()
    expected = ["Lone Star Court Reporting", "Deposition transcript", "2001", "$250.00"]
    expected += ["$4,750.00", cast.staff.display_name, books.matter.number]
    expected += [f"authorized by {cast.attorney.display_name}"]
    for text in expected:
        assert text in html, text
    assert [e.sequence for e in response.context["page"]] == [1, 2]


def test_the_ledger_card_is_paginated_and_opens_on_its_newest_page(cast, books):
    staff = cast.actor("staff")
    for i in range(55):
        journal.deposit(staff, data=entry(books.ledger, 100 + i))
    client = cast.client("owner")
    newest = client.get(ledger_url(books.ledger)).context["page"]
    assert newest.number == 2 and [e.sequence for e in newest] == list(range(51, 56))
    oldest = client.get(ledger_url(books.ledger) + "?page=1").context["page"]
    assert oldest[0].sequence == 1 and oldest[0].ledger_balance_after_cents == 100


def test_an_amount_in_fractions_of_a_cent_is_a_field_error(cast, books):
    response = cast.client("staff").post(
        ledger_url(books.ledger, "deposit"), deposit_form("10.005")
    )
    assert response.status_code == 422
    assert "Whole cents only" in field_errors(response, "deposit_form")["amount"][0]
    assert entries(books.ledger) == 0


@pytest.mark.parametrize(
    ("form", "field", "text"),
    [
        (deposit_form(method="card", processor_fee="30"), "processor_fee", "never come out of"),
        (deposit_form(currency="EUR"), "currency", "holds USD"),
    ],
)
def test_a_card_fee_or_a_foreign_currency_deposit_is_refused_on_its_field(
    cast, books, form, field, text
):
    response = cast.client("staff").post(ledger_url(books.ledger, "deposit"), form)
    assert response.status_code == 422
    assert text in " ".join(field_errors(response, "deposit_form")[field])
    assert entries(books.ledger) == 0


def test_a_bank_charge_from_client_money_is_refused_on_the_kind(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 10_000))
    response = cast.client("owner").post(
        ledger_url(books.ledger, "withdraw"),
        out_form("bank_fee", "15", payee_payor="Frost Bank", purpose="Service charge"),
    )
    assert response.status_code == 422
    assert "never from a client" in field_errors(response, "out_form")["kind"][0]
    assert entries(books.ledger) == 1


def test_a_withdrawal_dated_before_the_ledgers_newest_entry_is_refused_on_the_date(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 10_000))
    yesterday = timezone.localdate() - timedelta(days=1)
    response = cast.client("owner").post(
        ledger_url(books.ledger, "withdraw"), out_form(amount="20", on=yesterday)
    )
    assert response.status_code == 422
    assert (
        "cannot be dated before its newest entry" in field_errors(response, "out_form")["date"][0]
    )
    assert entries(books.ledger) == 1


def test_an_earned_fee_pays_one_of_the_clients_sent_invoices(cast, books):
    from counselbench.billing.services import invoices

    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 500_000))
    owner = cast.actor("owner")
    draft = invoices.draft_invoice(owner, matter_id=books.matter.pk, entry_ids=[])
    invoices.add_expense(
        owner,
        invoice_id=draft.pk,
        data=invoices.ExpenseInput(
            description="Filing fee", amount_cents=35_000, date=timezone.localdate()
        ),
    )
    invoices.send_invoice(owner, invoice_id=draft.pk)
    page = cast.client("owner").get(ledger_url(books.ledger))
    assert [c for c, _ in page.context["out_form"].fields["invoice"].choices][1:] == [draft.pk]
    # Without the invoice: refused on the invoice field.
    form = out_form("earned_fee", "350", payee_payor="Operating account", purpose="Earned fees")
    response = cast.client("owner").post(ledger_url(books.ledger, "withdraw"), form)
    assert response.status_code == 422
    assert "against an invoice" in field_errors(response, "out_form")["invoice"][0]
    response = cast.client("owner").post(
        ledger_url(books.ledger, "withdraw"), {**form, "out-invoice": draft.pk}
    )
    assert response.status_code == 302
    assert Invoice.objects.get(pk=draft.pk).balance_cents == 0


def test_billing_staff_ask_instead_and_an_attorney_approves_from_the_requests_page(cast, books):
    staff = cast.client("staff")
    staff.post(ledger_url(books.ledger, "deposit"), deposit_form("5000"))
    page = staff.get(ledger_url(books.ledger))
    assert page.context["out_form"] is None and page.context["ask_form"] is not None
    assert "Ask for a disbursement" in page.content.decode()
    # Staff may not take money out themselves.
    assert staff.post(ledger_url(books.ledger, "withdraw"), out_form()).status_code == 403

    response = staff.post(ledger_url(books.ledger, "ask"), out_form(prefix="ask"))
    assert response.status_code == 302
    asked = TrustRequest.objects.get()
    assert entries(books.ledger) == 1

    attorney = cast.client("attorney")
    listing = attorney.get(f"{URL}requests/")
    html = listing.content.decode()
    assert "Lone Star Court Reporting" in html and "$250.00" in html
    assert "$5,000.00" in html  # the ledger's balance next to the request
    response = attorney.post(f"{URL}requests/{asked.pk}/approve/", {"note": "Per the invoice"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == RequestState.APPROVED

    card = cast.client("owner").get(ledger_url(books.ledger)).content.decode()
    assert cast.staff.display_name in card
    assert f"authorized by {cast.attorney.display_name}" in card
    assert "$4,750.00" in card


def test_a_request_for_more_than_the_ledger_holds_is_refused_on_the_amount(cast, books):
    response = cast.client("staff").post(
        ledger_url(books.ledger, "ask"), out_form(prefix="ask", amount="1")
    )
    assert response.status_code == 422
    [message] = field_errors(response, "ask_form")["amount"]
    assert message == f"{books.ledger} holds only $0.00."  # dollars, as typed, not cents
    assert not TrustRequest.objects.exists()


def test_nobody_approves_their_own_request_and_the_page_says_so(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 50_000))
    asked = requests.ask(cast.actor("owner"), kind="disbursement", data=entry(books.ledger, 1_000))
    response = cast.client("owner").post(f"{URL}requests/{asked.pk}/approve/", {})
    assert response.status_code == 403
    assert "Nobody approves or rejects their own request." in response.content.decode()
    asked.refresh_from_db()
    assert asked.state == RequestState.PENDING and entries(books.ledger) == 1


def test_a_rejection_needs_a_note_and_the_asker_cancels_their_own(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 50_000))
    first = requests.ask(cast.actor("staff"), kind="disbursement", data=entry(books.ledger, 1_000))
    second = requests.ask(cast.actor("staff"), kind="disbursement", data=entry(books.ledger, 500))
    attorney = cast.client("attorney")
    response = attorney.post(f"{URL}requests/{first.pk}/reject/", {"note": ""})
    assert response.status_code == 422
    response = attorney.post(f"{URL}requests/{first.pk}/reject/", {"note": "Wrong payee"})
    assert response.status_code == 302
    # Deciding it again: the service's refusal, said on the page.
    again = attorney.post(f"{URL}requests/{first.pk}/approve/", {})
    assert again.status_code == 302 or again.status_code == 409
    assert cast.client("attorney").post(f"{URL}requests/{second.pk}/cancel/").status_code == 403
    assert cast.client("staff").post(f"{URL}requests/{second.pk}/cancel/").status_code == 302
    states = dict(TrustRequest.objects.values_list("pk", "state"))
    assert states == {first.pk: RequestState.REJECTED, second.pk: RequestState.CANCELLED}
    html = attorney.get(f"{URL}requests/").content.decode()
    assert "Wrong payee" in html and "Cancelled" in html


def test_an_attorney_reverses_an_entry_with_a_reason_and_it_is_marked(cast, books):
    deposit = journal.deposit(cast.actor("staff"), data=entry(books.ledger, 10_000))
    url = f"{URL}entries/{deposit.pk}/reverse/"
    assert cast.client("staff").post(url, {"reason": "Bounced"}).status_code == 403
    response = cast.client("attorney").post(url, {"reason": ""})
    assert response.status_code == 422 and entries(books.ledger) == 1
    response = cast.client("attorney").post(url, {"reason": "The check bounced"})
    assert response.status_code == 302
    html = cast.client("owner").get(ledger_url(books.ledger)).content.decode()
    assert "Reversed by #2" in html and "Reverses #1" in html
    assert "Reversal of #1: The check bounced" in html
    response = cast.client("attorney").post(url, {"reason": "Again"})
    assert response.status_code == 409 and "already reversed" in response.content.decode()


# --- Reconciliation ------------------------------------------------------------------------


def month_with_a_deposit(cast, books, *, statement_cents=500_000):
    month = last_month()
    posted = journal.deposit(
        cast.actor("staff"), data=entry(books.ledger, 500_000, on=month + timedelta(days=4))
    )
    made = reconciliation.start(
        cast.actor("owner"),
        account_id=books.account.pk,
        month=month,
        statement_balance_cents=statement_cents,
    )
    return made, posted


def recon_url(made, action=""):
    return f"{URL}reconciliations/{made.pk}/{action + '/' if action else ''}"


def test_the_months_page_lists_reconciliations_and_billing_starts_one(cast, books):
    client = cast.client("staff")
    url = f"{URL}accounts/{books.account.pk}/reconciliations/"
    response = client.get(url)
    assert response.status_code == 200 and "No month reconciled yet" in response.content.decode()
    month = last_month()
    response = client.post(f"{url}new/", {"month": f"{month:%Y-%m}", "statement_balance": ""})
    made = Reconciliation.objects.get()
    assert response.status_code == 302 and response["Location"] == recon_url(made)
    response = client.post(f"{url}new/", {"month": f"{month:%Y-%m}"})
    assert (
        response.status_code == 409 and "already has a reconciliation" in response.content.decode()
    )
    response = client.post(f"{url}new/", {"month": "2025-13"})
    assert response.status_code == 422
    # The form now offers the month after the newest one.
    this_month = f"{timezone.localdate():%Y-%m}"
    assert client.get(url).context["form"].initial["month"] == this_month
    assert month.strftime("%B %Y") in client.get(url).content.decode()


def test_a_bank_csv_with_a_bad_row_lists_its_line_and_imports_nothing(cast, books):
    made, _ = month_with_a_deposit(cast, books)
    day = last_month() + timedelta(days=6)
    text = (
        "Date,Description,Amount,Reference\n"
        f"{day.isoformat()},Deposit,5000.00,1042\n"
        f"{day.isoformat()},Service charge,-15.00,\n"
        "31/31/2020,Nonsense,12.00,\n"
        f"{day.isoformat()},Wire,abc,\n"
    )
    upload = SimpleUploadedFile("march.csv", text.encode(), content_type="text/csv")
    response = cast.client("staff").post(recon_url(made, "import"), {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "Line 4:" in html and "is not a date" in html
    assert "Line 5:" in html and "not a number of dollars" in html
    assert not BankStatementLine.objects.exists()


def test_a_good_bank_csv_imports_and_clears_the_entries_it_matches(cast, books):
    made, posted = month_with_a_deposit(cast, books)
    day = last_month() + timedelta(days=6)
    text = f'Date,Description,Amount,Reference\n{day.isoformat()},Deposit,"5,000.00",1042\n'
    upload = SimpleUploadedFile("march.csv", text.encode(), content_type="text/csv")
    response = cast.client("staff").post(recon_url(made, "import"), {"file": upload})
    assert response.status_code == 302
    assert BankStatementLine.objects.get().entry_id == posted.pk
    page = cast.client("staff").get(recon_url(made))
    assert page.context["figures"]["balanced"] is True


def test_a_balanced_month_signs_off_and_a_deposit_dated_in_it_is_then_refused(cast, books):
    made, posted = month_with_a_deposit(cast, books)
    staff = cast.client("staff")
    page = staff.get(recon_url(made))
    assert [i["id"] for i in page.context["outstanding"]] == [posted.pk]
    assert staff.post(recon_url(made, "clear"), {"entry_ids": [posted.pk]}).status_code == 302
    # Billing staff do not sign off.
    assert staff.post(recon_url(made, "sign-off")).status_code == 403
    response = cast.client("attorney").post(recon_url(made, "sign-off"))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == "locked" and made.signed_off_by == cast.attorney

    page = cast.client("owner").get(recon_url(made))
    html = page.content.decode()
    assert "Signed off and locked" in html and cast.attorney.display_name in html
    assert page.context["may_change"] is False and page.context["may_sign"] is False
    for action in ("balance/", "import/", "clear/", "sign-off/", "/remove/"):
        assert action not in html, action  # nothing on the page is editable
    assert staff.post(recon_url(made, "balance"), {"statement_balance": "1"}).status_code == 409

    in_month = last_month() + timedelta(days=10)
    response = staff.post(ledger_url(books.ledger, "deposit"), deposit_form("10", on=in_month))
    assert response.status_code == 422
    assert "The books are closed through" in field_errors(response, "deposit_form")["date"][0]
    assert entries(books.ledger) == 1


def test_an_unbalanced_month_is_refused_with_the_differences_shown(cast, books):
    made, posted = month_with_a_deposit(cast, books, statement_cents=498_500)
    reconciliation.clear_entries(
        cast.actor("staff"), reconciliation_id=made.pk, entry_ids=[posted.pk]
    )
    response = cast.client("owner").post(recon_url(made, "sign-off"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not signed off." in html and "does not reconcile" in html
    assert "Adjusted bank − journal" in html and "−$15.00" in html
    made.refresh_from_db()
    assert made.state == "open"


def test_a_month_not_yet_over_is_not_signed_off(cast, books):
    made = reconciliation.start(
        cast.actor("owner"),
        account_id=books.account.pk,
        month=timezone.localdate(),
        statement_balance_cents=0,
    )
    response = cast.client("owner").post(recon_url(made, "sign-off"))
    assert response.status_code == 409 and "is not over yet" in response.content.decode()


def test_the_statement_balance_is_typed_in_dollars(cast, books):
    made, _ = month_with_a_deposit(cast, books, statement_cents=None)
    client = cast.client("staff")
    response = client.post(recon_url(made, "balance"), {"statement_balance": "4,985.001"})
    assert response.status_code == 422
    response = client.post(recon_url(made, "balance"), {"statement_balance": "4,985.00"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.statement_balance_cents == 498_500


def test_removing_a_bank_line_puts_its_entry_back_outstanding(cast, books):
    made, posted = month_with_a_deposit(cast, books)
    (line,) = reconciliation.clear_entries(
        cast.actor("staff"), reconciliation_id=made.pk, entry_ids=[posted.pk]
    )
    response = cast.client("staff").post(recon_url(made, f"lines/{line.pk}/remove"))
    assert response.status_code == 302 and not BankStatementLine.objects.exists()
    response = cast.client("staff").post(recon_url(made, "lines/999999/remove"))
    assert response.status_code == 422


def test_the_report_reads_as_a_report_on_screen_and_as_a_pdf(cast, books):
    made, posted = month_with_a_deposit(cast, books)
    reconciliation.clear_entries(
        cast.actor("staff"), reconciliation_id=made.pk, entry_ids=[posted.pk]
    )
    reconciliation.sign_off(cast.actor("attorney"), reconciliation_id=made.pk)
    response = cast.client("owner").get(recon_url(made, "report"))
    assert response.status_code == 200
    html = response.content.decode()
    expected = ["Three-way reconciliation of the client trust account", "Adjusted bank balance"]
    expected += ["Schedule A", "Schedule C", "Reconciled:"]
    expected += [f"Signed off by {cast.attorney.display_name}"]
    for text in expected:
        assert text in html, text
    pdf = cast.client("owner").get(f"{URL}reconciliations/{made.pk}.pdf")
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


# --- Retainers -----------------------------------------------------------------------------


def test_billing_sets_a_retainer_and_a_balance_below_its_floor_asks_the_client(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 50_000))
    client = cast.client("staff")
    data = {"matter": books.matter.pk, "target": "5000", "floor": "5000"}
    response = client.post(f"{URL}retainers/set/", data)
    assert response.status_code == 422
    assert "below the target" in response.context["form"].errors["floor"][0]
    response = client.post(f"{URL}retainers/set/", {**data, "floor": "1,000"})
    assert response.status_code == 302
    assert Replenishment.objects.get().amount_cents == 450_000
    html = client.get(f"{URL}retainers/").content.decode()
    assert "below floor" in html and "$4,500.00" in html and "$500.00" in html
    # The "change" link opens the form on that retainer.
    changing = client.get(f"{URL}retainers/?matter={books.matter.pk}")
    assert changing.context["form"].initial["target"] == "5000.00"
    assert cast.client("attorney").post(f"{URL}retainers/set/", data).status_code == 403


# --- Who sees what -------------------------------------------------------------------------


def test_staff_without_the_billing_permission_get_404_on_trust_data_and_403_on_posting(cast, books):
    journal.deposit(cast.actor("staff"), data=entry(books.ledger, 10_000))
    made = reconciliation.start(
        cast.actor("owner"), account_id=books.account.pk, month=last_month()
    )
    cast.staff.memberships.update(billing=False)
    client = cast.client("staff")
    assert client.get(URL).status_code == 403
    assert client.get(ledger_url(books.ledger)).status_code == 404
    assert client.get(recon_url(made)).status_code == 404
    assert client.get(f"{URL}accounts/{books.account.pk}/reconciliations/").status_code == 404
    assert client.post(ledger_url(books.ledger, "deposit"), deposit_form()).status_code == 403
    assert client.post(recon_url(made, "sign-off")).status_code == 403
    assert entries(books.ledger) == 1


def test_the_outsider_gets_404_on_our_ledger(cast, books):
    outsider = cast.client("outsider")
    assert outsider.get(ledger_url(books.ledger)).status_code == 404
    assert outsider.post(ledger_url(books.ledger, "deposit"), deposit_form()).status_code == 404
    assert outsider.get(URL).status_code == 200  # their own firm's (empty) trust page


# --- Query counts --------------------------------------------------------------------------


def queries(client, url) -> int:
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def grow(cast, books, n):
    """n more client ledgers with a deposit and a request each, n entries on the matter's
    ledger, a retainer per new matter ledger, and n bank lines on last month's reconciliation."""
    staff, owner = cast.actor("staff"), cast.actor("owner")
    for _ in range(n):
        other = ClientFactory(organization=cast.firm)
        ledger = accounts.open_ledger(owner, account_id=books.account.pk, client_id=other.pk)
        journal.deposit(staff, data=entry(ledger, 10_000))
        requests.ask(staff, kind="disbursement", data=entry(ledger, 100))
        journal.deposit(staff, data=entry(books.ledger, 1_000))


def test_list_pages_queries_do_not_grow_with_rows(cast, books, django_assert_max_num_queries):
    from tests.matters.conftest import open_matter

    made = reconciliation.start(
        cast.actor("owner"), account_id=books.account.pk, month=last_month()
    )
    client = cast.client("owner")
    urls = [
        URL,
        ledger_url(books.ledger),
        f"{URL}requests/",
        f"{URL}accounts/{books.account.pk}/reconciliations/",
        recon_url(made),
        recon_url(made, "report"),
        f"{URL}retainers/",
    ]

    def add_rows(n):
        grow(cast, books, n)
        for _ in range(n):
            matter = open_matter(cast)
            retainers.set_retainer(
                cast.actor("owner"), matter_id=matter.pk, target_cents=10_000, floor_cents=5_000
            )
        day = last_month() + timedelta(days=3)
        reconciliation.add_bank_lines(
            cast.actor("owner"),
            reconciliation_id=made.pk,
            lines=[reconciliation.BankLineInput(day, f"Line {i}", 100 + i) for i in range(n)],
        )

    add_rows(1)
    few = {url: queries(client, url) for url in urls}
    add_rows(12)
    for url in urls:  # twelve times the rows, not one query more
        with django_assert_max_num_queries(few[url]):
            assert client.get(url).status_code == 200
    assert max(few.values()) <= 30
