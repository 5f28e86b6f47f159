"""Every trust entry records the related matter or invoice (ABA Model Rules for Client Trust
Account Records, Rule 1(b)): a matter ledger's entries are its matter's; on the client's ledger as
a whole, an entry names one of the client's matters (or, for an earned fee, the invoice's), and a
matter of another client, another firm or another ledger is a field error on `matter_id`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counselbench.billing.models import Invoice, InvoiceState
from counselbench.core.errors import Invalid
from counselbench.trust.models import EntryKind, TrustRequest, TrustTransaction
from counselbench.trust.services import accounts, journal, requests
from tests.factories import MatterFactory
from tests.trust.conftest import TODAY, entry


@pytest.fixture
def client_ledger(cast, books):
    """The Harbor client's ledger as a whole (beside the matter's own ledger)."""
    return accounts.open_ledger(
        cast.actor("owner"), account_id=books.account.pk, client_id=books.matter.client_id
    )


@pytest.fixture
def second_matter(cast, books):
    return MatterFactory(
        organization=cast.firm,
        client=books.matter.client,
        number="2026-0777",
        title="Harbor Logistics lease review",
        responsible_attorney=cast.attorney,
    )


def sent_invoice(cast, matter, number="INV-00042"):
    return Invoice.objects.create(
        organization=cast.firm,
        client_id=matter.client_id,
        matter=matter,
        number=number,
        state=InvoiceState.SENT,
        issued_on=TODAY(),
        due_on=TODAY() + timedelta(days=30),
        subtotal_cents=100_000,
        total_cents=100_000,
    )


def refusal(call) -> Invalid:
    with pytest.raises(Invalid) as refused:
        call()
    return refused.value


# --- The service ----------------------------------------------------------------------------


def test_a_deposit_on_the_clients_ledger_records_the_matter_it_names(
    cast, books, client_ledger, second_matter
):
    staff = cast.actor("staff")
    named = journal.deposit(staff, data=entry(client_ledger, 50_000, matter_id=second_matter.pk))
    assert named.matter_id == second_matter.pk and named.ledger_id == client_ledger.pk
    # Naming none stays possible: money for the client as a whole.
    assert journal.deposit(staff, data=entry(client_ledger, 1_000)).matter_id is None


def test_a_matter_of_another_client_or_firm_is_refused_on_matter_id_and_nothing_is_posted(
    cast, books, client_ledger
):
    staff = cast.actor("staff")
    elsewhere = MatterFactory(organization=cast.firm, number="2026-0901")  # another client's
    other_firm = MatterFactory(organization=cast.other_firm, number="2026-0902")
    not_theirs = refusal(
        lambda: journal.deposit(staff, data=entry(client_ledger, 100, matter_id=elsewhere.pk))
    )
    assert not_theirs.code == "matter_not_this_ledger"
    assert [f.path for f in not_theirs.fields] == ["matter_id"]
    assert elsewhere.number in not_theirs.message
    unknown = refusal(
        lambda: journal.deposit(staff, data=entry(client_ledger, 100, matter_id=other_firm.pk))
    )
    assert [f.path for f in unknown.fields] == ["matter_id"]
    assert other_firm.number not in unknown.message  # nothing of another firm is told
    assert TrustTransaction.objects.count() == 0


def test_on_a_matter_ledger_the_matter_defaults_to_and_must_be_the_ledgers(
    cast, books, second_matter
):
    staff = cast.actor("staff")
    assert journal.deposit(staff, data=entry(books.ledger, 100)).matter_id == books.matter.pk
    same = journal.deposit(staff, data=entry(books.ledger, 100, matter_id=books.matter.pk))
    assert same.matter_id == books.matter.pk
    other = refusal(
        lambda: journal.deposit(staff, data=entry(books.ledger, 100, matter_id=second_matter.pk))
    )
    assert other.code == "matter_not_this_ledger" and other.fields[0].path == "matter_id"
    firm_funds = accounts.firm_funds_ledger(books.account)
    own_money = refusal(
        lambda: journal.deposit(staff, data=entry(firm_funds, 100, matter_id=books.matter.pk))
    )
    assert own_money.fields[0].path == "matter_id"
    assert TrustTransaction.objects.count() == 2


def test_money_out_of_the_clients_ledger_records_its_matter_and_a_reversal_keeps_it(
    cast, books, client_ledger, second_matter
):
    journal.deposit(cast.actor("staff"), data=entry(client_ledger, 90_000))
    attorney = cast.actor("attorney")
    paid = journal.withdraw(
        attorney,
        kind=EntryKind.DISBURSEMENT,
        data=entry(client_ledger, 20_000, payee_payor="Recorder", matter_id=second_matter.pk),
    )
    assert paid.matter_id == second_matter.pk
    undone = journal.reverse(attorney, entry_id=paid.pk, reason="Check voided")
    assert undone.matter_id == second_matter.pk


def test_an_earned_fee_from_the_clients_ledger_records_the_invoices_matter(
    cast, books, client_ledger, second_matter
):
    journal.deposit(cast.actor("staff"), data=entry(client_ledger, 90_000))
    invoice = sent_invoice(cast, second_matter)
    owner = cast.actor("owner")
    fee = journal.withdraw(
        owner,
        kind=EntryKind.EARNED_FEE,
        data=entry(client_ledger, 10_000, invoice_id=invoice.pk),
    )
    assert fee.invoice_id == invoice.pk and fee.matter_id == second_matter.pk
    # Naming another matter than the invoice's is refused on the matter.
    wrong = refusal(
        lambda: journal.withdraw(
            owner,
            kind=EntryKind.EARNED_FEE,
            data=entry(client_ledger, 10_000, invoice_id=invoice.pk, matter_id=books.matter.pk),
        )
    )
    assert wrong.fields[0].path == "matter_id" and invoice.number in wrong.message


def test_a_staff_request_keeps_the_matter_and_the_approved_entry_records_it(
    cast, books, client_ledger, second_matter
):
    journal.deposit(cast.actor("staff"), data=entry(client_ledger, 90_000))
    asked = requests.ask(
        cast.actor("staff"),
        kind=EntryKind.DISBURSEMENT,
        data=entry(client_ledger, 5_000, payee_payor="Courier", matter_id=second_matter.pk),
    )
    assert TrustRequest.objects.get(pk=asked.pk).matter_id == second_matter.pk
    listing = cast.client("attorney").get("/trust/requests/").content.decode()
    assert f'matter <span class="nowrap">{second_matter.number}</span>' in listing
    posted = requests.approve(cast.actor("attorney"), request_id=asked.pk)
    assert posted.matter_id == second_matter.pk
    elsewhere = MatterFactory(organization=cast.firm, number="2026-0901")
    refused = refusal(
        lambda: requests.ask(
            cast.actor("staff"),
            kind=EntryKind.DISBURSEMENT,
            data=entry(client_ledger, 5_000, matter_id=elsewhere.pk),
        )
    )
    assert refused.fields[0].path == "matter_id"


# --- The API --------------------------------------------------------------------------------


def post_entry(client, body, key):
    return client.post(
        "/api/v1/trust/transactions",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def deposit_body(ledger, **more):
    return {
        "kind": "deposit",
        "ledger_id": ledger.pk,
        "amount_cents": 25_000,
        "date": TODAY().isoformat(),
        "payee_payor": "Harbor Logistics LLC",
        "purpose": "Advance for costs",
        "method": "wire",
        **more,
    }


def test_the_api_takes_the_matter_and_refuses_another_clients_with_422_on_matter_id(
    cast, books, client_ledger, second_matter
):
    client = cast.client("staff")
    made = post_entry(client, deposit_body(client_ledger, matter_id=second_matter.pk), "m-1")
    assert made.status_code == 201, made.content
    assert made.json()["matter_id"] == second_matter.pk
    elsewhere = MatterFactory(organization=cast.firm, number="2026-0901")
    refused = post_entry(client, deposit_body(client_ledger, matter_id=elsewhere.pk), "m-2")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "matter_not_this_ledger"
    assert [f["path"] for f in error["fields"]] == ["matter_id"]
    assert TrustTransaction.objects.count() == 1


# --- The ledger page ------------------------------------------------------------------------


def test_the_clients_ledger_page_offers_the_clients_matters_and_posts_the_one_chosen(
    cast, books, client_ledger, second_matter
):
    client = cast.client("staff")
    url = f"/trust/ledgers/{client_ledger.pk}/"
    page = client.get(url)
    choices = [c for c, _ in page.context["deposit_form"].fields["matter"].choices]
    assert set(choices) == {"", books.matter.pk, second_matter.pk}
    # A matter ledger's forms offer no choice: the matter is the ledger's.
    matter_page = client.get(f"/trust/ledgers/{books.ledger.pk}/")
    assert "matter" not in matter_page.context["deposit_form"].fields
    form = {
        "deposit-amount": "120",
        "deposit-date": TODAY().isoformat(),
        "deposit-payee_payor": "Harbor Logistics LLC",
        "deposit-purpose": "Filing fee advance",
        "deposit-method": "check",
        "deposit-currency": "USD",
        "deposit-matter": second_matter.pk,
    }
    response = client.post(url + "deposit/", form)
    assert response.status_code == 302
    posted = TrustTransaction.objects.get()
    assert posted.matter_id == second_matter.pk
    assert f"matter {second_matter.number}" in client.get(url).content.decode()
