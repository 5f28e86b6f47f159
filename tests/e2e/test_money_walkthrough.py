"""Money's "Done means", in a real browser against the real server: the owner pays the contract
paralegal's statement for last week before it is due (and she sees it paid on her phone); the
billing staff member invoices the client with the contractor work marked up as Texas allows
(cost $40 × 1.25 = $50/h, billed as a legal fee), sends it, and the client opens the emailed link;
the staff member asks to pay it from trust, the supervising attorney approves, the earned fee
moves to operating, the retainer drops below its floor and the client is asked to replenish it;
last month's three-way reconciliation (bank CSV imported through the page) balances, the owner
signs it off, and a deposit dated in the locked month is refused. No console errors.

The cast is a firm of its own, seeded straight into the server's database (the paralegal's week
of time already logged, submitted and approved through the time services; a trust account with a
retainer deposit dated last month and an evergreen retainer on the matter), so nothing here
depends on, or disturbs, the demo data the other walkthroughs use.
"""

from __future__ import annotations

import json
import re
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DESKTOP, ConsoleLog, Server, sign_in
from tests.e2e.test_matters_walkthrough import PHONE, SHOTS, _run_in_server
from tests.factories import PASSWORD

FIRM = "Lone Star Ledger LLP"
OWNER = "olivia.marsh@lonestarledger.example"
ATTORNEY = "arturo.vega@lonestarledger.example"
STAFF = "bea.nguyen@lonestarledger.example"
PARALEGAL = "rosa.delgado@delgadoparalegal.example"
CLIENT = "Bluebonnet Freight LLC"
CLIENT_EMAIL = "ap@bluebonnetfreight.example"
MATTER_TITLE = "Bluebonnet Freight v. Caddo Rail"
# Last week, Monday to Friday, in minutes: 8 hours, $320.00 at cost, $400.00 billed.
WEEK_MINUTES = [120, 90, 150, 60, 60]
RETAINER = 500_000  # cents, deposited last month
FLOOR = 475_000  # above $5,000 − $400: the earned-fee transfer takes the ledger below it
TARGET = 500_000

# Run inside the server's database (its DATA_DIR). Prints the dates and numbers the steps check.
SEED = textwrap.dedent(
    f"""
    import django
    django.setup()
    import json
    from datetime import timedelta
    from decimal import Decimal
    from django.utils import timezone
    from counselbench.access.policy import actor_for
    from counselbench.billing.services.time import EntryInput, approve, log_time, submit
    from counselbench.matters.services import matters as matter_services
    from counselbench.matters.services import tasks as task_services
    from counselbench.matters.services.conflicts import check_matter
    from counselbench.organizations.models import Role
    from counselbench.trust.services import accounts, journal, retainers
    from tests.factories import (
        ClientFactory, EngagementFactory, MembershipFactory, OrganizationFactory,
        ProfessionalFactory, UserFactory, category,
    )
    today = timezone.localdate()
    firm = OrganizationFactory(name="{FIRM}", slug="lone-star-ledger-e2e")
    owner = MembershipFactory(organization=firm, role=Role.OWNER,
                              user=UserFactory(email="{OWNER}", full_name="Olivia Marsh")).user
    attorney = MembershipFactory(organization=firm, role=Role.ATTORNEY,
                                 user=UserFactory(email="{ATTORNEY}", full_name="Arturo Vega")).user
    staff = MembershipFactory(organization=firm, role=Role.STAFF, billing=True,
                              user=UserFactory(email="{STAFF}", full_name="Bea Nguyen")).user
    paralegal = ProfessionalFactory(user=UserFactory(email="{PARALEGAL}",
                                                     full_name="Rosa Delgado"))
    engagement = EngagementFactory(
        organization=firm, professional=paralegal, supervising_attorney=attorney,
        title="Discovery support", jurisdiction="TX", rate_cents=4000,
        markup_percent=Decimal("25"), pay_period="weekly", payment_terms_days=10,
        start_date=today - timedelta(days=60),
    )
    as_attorney = actor_for(attorney, firm)
    client = ClientFactory(organization=firm, name="{CLIENT}", email="{CLIENT_EMAIL}")
    matter = matter_services.open_matter(
        as_attorney,
        data={{"client_id": client.pk, "title": "{MATTER_TITLE}", "jurisdiction": "TX",
               "practice_area": "litigation", "opened_on": today - timedelta(days=45)}},
        parties=[{{"name": "Caddo Rail Co.", "role": "adverse"}}],
    )
    matter_services.record_consent(as_attorney, matter_id=matter.pk, data={{
        "consented_by": "Jo Ellen Pryor, CFO", "consented_on": today - timedelta(days=44),
        "method": "written", "markup_disclosed": True,
        "scope": "Contract paralegal support on discovery, billed at cost plus 25%.",
    }})
    check_matter(matter, run_by=attorney, professional=paralegal)
    task = task_services.create_task(as_attorney, matter_id=matter.pk, data={{
        "title": "Index the Caddo Rail production",
        "category_id": category(firm, "deposition-summaries").pk,
        "engagement_id": engagement.pk,
    }})
    as_paralegal = actor_for(paralegal.user)
    monday = today - timedelta(days=today.weekday() + 7)
    ids = []
    for day, minutes in enumerate({WEEK_MINUTES}):
        entry = log_time(as_paralegal, data=EntryInput(
            minutes=minutes, date=monday + timedelta(days=day), task_id=task.pk,
            description=f"Production index, volume {{day + 1}}",
        ))
        ids.append(entry.pk)
    submit(as_paralegal, entry_ids=ids)
    approve(as_attorney, entry_ids=ids)

    as_owner, as_staff = actor_for(owner, firm), actor_for(staff, firm)
    account = accounts.open_account(as_owner, name="IOLTA", bank_name="Frost Bank",
                                    account_last4="7788", opened_on=today - timedelta(days=365))
    ledger = accounts.open_ledger(as_owner, account_id=account.pk, client_id=client.pk,
                                  matter_id=matter.pk)
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    deposited = month + timedelta(days=4)
    journal.deposit(as_staff, data=journal.EntryInput(
        ledger_id=ledger.pk, amount_cents={RETAINER}, date=deposited,
        payee_payor="{CLIENT}", purpose="Evergreen retainer", method="check", reference="2231",
    ))
    retainers.set_retainer(as_owner, matter_id=matter.pk, target_cents={TARGET},
                           floor_cents={FLOOR})
    print(json.dumps({{
        "today": today.isoformat(),
        "monday": monday.isoformat(),
        "sunday": (monday + timedelta(days=6)).isoformat(),
        "month": month.isoformat(),
        "deposited": deposited.isoformat(),
        "matter": matter.number,
    }}))
    """
)


def _day(d: date) -> str:
    """As the pages write a date: "Dec 4, 2026"."""
    return f"{d:%b} {d.day}, {d.year}"


@pytest.fixture(scope="module")
def world(server: Server) -> dict:
    out = _run_in_server(server, SEED)
    facts = json.loads(out.strip().splitlines()[-1])
    for key in ("today", "monday", "sunday", "month", "deposited"):
        facts[key] = date.fromisoformat(facts[key])
    return facts


@pytest.fixture(scope="module")
def tabs(
    browser: Browser, server: Server, console: ConsoleLog, world: dict
) -> Iterator[dict[str, Page]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    pages = {}
    people = (
        ("owner", OWNER, DESKTOP),
        ("attorney", ATTORNEY, DESKTOP),
        ("staff", STAFF, DESKTOP),
        ("paralegal", PARALEGAL, PHONE),
    )
    for name, email, viewport in people:
        context = browser.new_context(base_url=server.base_url, viewport=viewport)
        context.set_default_timeout(15_000)
        console.watch(context)
        contexts.append(context)
        pages[name] = page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm buttons
        sign_in(page, email, PASSWORD)
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="module")
def paths(tabs) -> dict[str, str]:
    return {}


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def both_widths(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width, for a person to look at; the page must not
    scroll sideways on the phone."""
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"money-{name}-{label}.png", full_page=True)
        if label == "phone":
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], f"{name}: {wide}px wide on a 390px phone"
    if original:
        page.set_viewport_size(original)


def _mail_to(server: Server, address: str, subject: str) -> EmailMessage:
    """The email to `address` whose subject contains `subject` (the task queue runs inside the
    request, so it is there once the page answered; a short wait covers a slow file write)."""
    deadline = time.monotonic() + 10
    while True:
        found = [
            m for m in server.mail() if address in str(m["To"]) and subject in str(m["Subject"])
        ]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found, [(str(m["To"]), str(m["Subject"])) for m in server.mail()]
    return found[-1]


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return (part or message).get_content()


def test_1_the_owner_issues_last_weeks_statement_and_pays_it_before_it_is_due(
    tabs: dict[str, Page], paths: dict[str, str], world: dict
) -> None:
    tab = tabs["owner"]
    tab.locator("nav").get_by_role("link", name="Billing", exact=True).click()
    tab.locator(".subnav").get_by_role("link", name="Contractor statements").click()
    expect(tab.locator("h1")).to_have_text("Contractor statements")
    issue = tab.locator("#issue")
    issue.locator("summary", has_text="Issue a statement").click()
    engagement = issue.get_by_label("Engagement")
    engagement.select_option(
        engagement.locator("option", has_text="Rosa Delgado").first.get_attribute("value")
    )
    issue.get_by_label("A day in the pay period").fill(world["monday"].isoformat())
    both_widths(tab, "01-statements-issue")
    issue.get_by_role("button", name="Issue statement").click()
    due = world["sunday"].toordinal() + 10
    due_on = date.fromordinal(due)
    assert due_on > world["today"], "the statement must still be ahead of its due date"
    flash = tab.locator(".flash-success")
    expect(flash).to_contain_text("issued: $320.00")
    expect(flash).to_contain_text(f"due {_day(due_on)}")
    number = re.search(r"ST-\d{5}", flash.inner_text())
    assert number, flash.inner_text()
    paths["statement_number"] = number[0]

    # Open it from the list, as the owner would on another day.
    tab.get_by_role("link", name="← All statements").click()
    row = tab.locator("tr", has_text=paths["statement_number"])
    expect(row).to_contain_text("Rosa Delgado")
    expect(row).to_contain_text("$320.00")
    expect(row).to_contain_text(f"Due in {(due_on - world['today']).days} days")
    both_widths(tab, "02-statements-unpaid")
    row.get_by_role("link", name=paths["statement_number"]).click()
    expect(tab.locator("h1")).to_have_text(f"Statement {paths['statement_number']}")
    expect(tab.locator(".pay-headline")).to_contain_text(f"$320.00 due {due_on:%B} {due_on.day}")
    expect(tab.locator(".statement-lines tbody tr")).to_have_count(5)
    expect(tab.locator(".statement-facts")).to_contain_text("Hourly, $40.00/h")
    both_widths(tab, "03-statement-issued")

    pay = tab.locator("#pay")
    expect(pay.get_by_label("Paid on")).to_have_value(world["today"].isoformat())
    pay.get_by_label("Method").select_option("ach")
    pay.get_by_label("Bank reference").fill("ACH 0917-4410")
    pay.get_by_role("button", name="Record payment").click()
    expect(tab.locator(".flash-success")).to_contain_text(
        f"{paths['statement_number']} recorded as paid on {_day(world['today'])} ($320.00)."
    )
    paid = f"Paid on {_day(world['today'])} by ACH transfer, ref ACH 0917-4410"
    expect(tab.locator(".pay-headline")).to_have_text(paid)
    expect(tab.locator("#pay")).to_have_count(0)
    both_widths(tab, "04-statement-paid")


def test_2_the_paralegal_sees_her_statement_paid_on_her_phone(
    tabs: dict[str, Page], paths: dict[str, str], world: dict
) -> None:
    tab = tabs["paralegal"]
    tab.get_by_role("link", name="Statements", exact=True).click()
    expect(tab.locator("h1")).to_have_text("My statements")
    row = tab.locator("tr", has_text=paths["statement_number"])
    expect(row).to_contain_text(FIRM)
    expect(row).to_contain_text("$320.00")
    expect(row.locator(".pay-status")).to_have_text(
        f"Paid on {_day(world['today'])} by ACH transfer, ref ACH 0917-4410"
    )
    both_widths(tab, "05-paralegal-statements")
    row.get_by_role("link", name=paths["statement_number"]).click()
    expect(tab.locator(".pay-headline")).to_contain_text(f"Paid on {_day(world['today'])}")
    both_widths(tab, "06-paralegal-statement")


def test_3_the_staff_member_drafts_the_invoice_with_the_contractor_work_marked_up(
    tabs: dict[str, Page], paths: dict[str, str], world: dict
) -> None:
    tab = tabs["staff"]
    tab.locator("nav").get_by_role("link", name="Billing", exact=True).click()
    expect(tab.locator("h1")).to_have_text("Invoices")
    tab.get_by_role("button", name="New invoice").click()
    expect(tab.locator("h1")).to_have_text("New invoice")
    waiting = tab.locator("tr", has_text=world["matter"])
    expect(waiting).to_contain_text(CLIENT)
    expect(waiting.locator("td[data-label=Hours]")).to_have_text("8.00")
    both_widths(tab, "07-invoice-new")
    matter = tab.get_by_label("Matter")
    matter.select_option(
        matter.locator("option", has_text=world["matter"]).first.get_attribute("value")
    )
    tab.get_by_role("button", name="Draft the invoice").click()
    expect(tab).to_have_url(re.compile(r"/billing/invoices/\d+/$"))
    paths["invoice"] = _path(tab)
    expect(tab.locator(".flash-success")).to_contain_text("Draft invoice with 5 lines ($400.00)")
    expect(tab.locator("h1")).to_contain_text("Draft invoice")

    lines = tab.locator(".invoice-paper tr.contractor-line")
    expect(lines).to_have_count(5)
    for i in range(5):
        line = lines.nth(i)
        expect(line).to_contain_text("Contract professional · billed as a legal fee")
        expect(line.locator("td[data-label=Rate]")).to_have_text("$50.00")
        expect(line.locator(".pricing-note")).to_contain_text(
            "Costs the firm $40.00/h · billed $50.00/h, a markup of 25%"
        )
    # A legal fee, never a disbursement: nothing lands among the expenses.
    expect(tab.locator(".invoice-paper .expense-lines")).to_have_count(0)
    notes = tab.locator(".pricing-notes")
    expect(notes).to_contain_text("Cost $40.00/h × (1 + 25.00%), allowed in TX")
    expect(notes).to_contain_text("ABA Formal Opinion 08-451")
    expect(notes).to_contain_text("markup disclosed in the client's consent")
    expect(tab.locator(".invoice-totals .grand")).to_contain_text("$400.00")
    both_widths(tab, "08-invoice-draft")


def test_4_she_sends_it_as_inv_00001_and_the_client_opens_the_emailed_link(
    tabs: dict[str, Page],
    paths: dict[str, str],
    browser: Browser,
    server: Server,
    console: ConsoleLog,
) -> None:
    tab = tabs["staff"]
    send = tab.locator("#send")
    send.get_by_role("button", name="Send invoice · $400.00").click()
    flash = tab.locator(".flash-success")
    expect(flash).to_contain_text("Invoice INV-00001 for $400.00 is due")
    expect(flash).to_contain_text(f"The client gets a link by email at {CLIENT_EMAIL}.")
    expect(tab.locator("h1")).to_contain_text("Invoice INV-00001")
    expect(tab.locator("h1 .badge")).to_have_text("Sent")
    both_widths(tab, "09-invoice-sent")

    message = _mail_to(server, CLIENT_EMAIL, "invoice INV-00001")
    body = _body(message)
    link = re.search(r"https?://\S+/billing/i/[^/\s]+/", body)
    assert link, body
    assert link[0] == tab.locator("#client-link").input_value()

    client = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
    console.watch(client)
    try:
        anonymous = client.new_page()
        anonymous.goto(link[0])
        expect(anonymous.locator(".client-bar")).to_contain_text("invoice INV-00001")
        expect(anonymous.locator(".client-bar")).to_contain_text("$400.00")
        expect(anonymous.locator(".invoice-doc")).to_contain_text(CLIENT)
        expect(anonymous.locator("tr.contractor-line")).to_have_count(5)
        # The firm's pricing notes are for the firm only.
        expect(anonymous.locator("main")).not_to_contain_text("Costs the firm")
        expect(anonymous.locator(".pricing-notes")).to_have_count(0)
        both_widths(anonymous, "10-client-view")
    finally:
        client.close()
    tab.reload()
    expect(tab.locator(".invoice-timeline")).to_contain_text("Viewed by the client")


def test_5_pay_from_trust_waits_for_an_attorney(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["staff"]
    trust = tab.locator("#trust")
    expect(trust).to_contain_text("$5,000.00")
    expect(trust).to_contain_text("An owner or attorney approves it before the money moves")
    trust.get_by_role("button", name="Pay $400.00 from trust").click()
    expect(tab.locator(".flash-success")).to_contain_text(
        "Asked an attorney to approve paying $400.00 from trust"
    )
    expect(tab.locator("#trust")).to_contain_text(
        "Waiting for an attorney's approval: $400.00 from trust, asked by Bea Nguyen"
    )
    expect(
        tab.locator("#trust").get_by_role("button", name=re.compile("from trust"))
    ).to_have_count(0)
    expect(tab.locator(".invoice-totals .balance")).to_contain_text("$400.00")
    both_widths(tab, "11-invoice-trust-waiting")


def test_6_the_attorney_approves_it_on_trust_requests(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["attorney"]
    tab.locator("nav").get_by_role("link", name="Trust", exact=True).click()
    tab.locator(".subnav").get_by_role("link", name="Requests").click()
    card = tab.locator(".request-card", has_text="INV-00001")
    expect(card).to_contain_text("Earned fee to operating of $400.00")
    expect(card).to_contain_text("Asked by Bea Nguyen")
    expect(card).to_contain_text("$5,000.00")
    both_widths(tab, "12-trust-requests")
    card.get_by_label("Note for the record").fill("Fees earned per INV-00001.")
    card.get_by_role("button", name="Approve and post").click()
    expect(tab.locator(".flash-success")).to_contain_text(
        "Approved: earned fee to operating #2 of $400.00"
    )
    expect(tab.locator("main")).to_contain_text("Nothing is waiting.")
    decided = tab.locator("tr", has_text="asked by Bea Nguyen")
    expect(decided).to_contain_text("Approved")
    expect(decided).to_contain_text("by Arturo Vega · entry #2")


def test_7_the_invoice_is_paid_from_trust_and_the_ledger_card_names_both(
    tabs: dict[str, Page], paths: dict[str, str]
) -> None:
    tab = tabs["staff"]
    tab.goto(paths["invoice"])
    expect(tab.locator("h1 .badge")).to_have_text("Paid")
    expect(tab.locator(".banner-ok")).to_contain_text("Paid in full")
    expect(tab.locator(".invoice-account")).to_contain_text("Payment · From trust · Trust entry #2")
    expect(tab.locator(".invoice-totals .balance")).to_contain_text("$0.00")
    both_widths(tab, "13-invoice-paid-from-trust")

    tab.locator("nav").get_by_role("link", name="Trust", exact=True).click()
    tab.locator("table").get_by_role("link", name=CLIENT).click()
    expect(tab).to_have_url(re.compile(r"/trust/ledgers/\d+/$"))
    paths["ledger"] = _path(tab)
    expect(tab.locator(".ledger-balance")).to_contain_text("$4,600.00")
    fee = tab.locator(".ledger-card tbody tr", has_text="Earned fee to operating")
    expect(fee).to_contain_text("Earned fees, invoice INV-00001")
    expect(fee).to_contain_text("invoice INV-00001")
    expect(fee.locator("td[data-label='Posted · authorized']")).to_contain_text("Bea Nguyen")
    expect(fee.locator("td[data-label='Posted · authorized']")).to_contain_text(
        "authorized by Arturo Vega"
    )
    expect(fee.locator("td[data-label=Out]")).to_have_text("$400.00")
    expect(fee.locator("td[data-label=Balance]")).to_have_text("$4,600.00")
    expect(tab.locator(".ledger-facts")).to_contain_text("below the floor")
    both_widths(tab, "14-ledger-card")


def test_8_the_retainer_is_below_its_floor_and_the_client_was_asked_to_replenish(
    tabs: dict[str, Page], server: Server, world: dict
) -> None:
    tab = tabs["staff"]
    tab.locator(".subnav").get_by_role("link", name="Retainers").click()
    expect(tab.locator("h1")).to_have_text("Evergreen retainers")
    row = tab.locator("tr.below-floor", has_text=world["matter"])
    expect(row.locator("td[data-label=Floor]")).to_have_text("$4,750.00")
    expect(row.locator("td[data-label=Balance]")).to_contain_text("$4,600.00")
    expect(row.locator("td[data-label=Balance]")).to_contain_text("below floor")
    expect(row.locator("td[data-label=Replenishment]")).to_contain_text("$400.00 asked, sent")
    expect(row.locator("td[data-label=Replenishment]")).to_contain_text(f"to {CLIENT_EMAIL}")
    both_widths(tab, "15-retainers")

    message = _mail_to(
        server, CLIENT_EMAIL, f"please replenish your retainer for {world['matter']}"
    )
    body = _body(message)
    assert "$4,600.00" in body and "$4,750.00" in body, body
    assert "Please deposit $400.00 to bring it back to $5,000.00" in body, body


def test_9_last_months_three_way_reconciliation_balances_and_is_locked(
    tabs: dict[str, Page],
    paths: dict[str, str],
    world: dict,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    month, deposited = world["month"], world["deposited"]
    tab = tabs["staff"]
    tab.locator(".subnav").get_by_role("link", name="Trust accounts").click()
    tab.locator(".account-card").get_by_role("button", name="Reconciliations").click()
    expect(tab.locator("h1")).to_have_text("Monthly reconciliations")
    start = tab.locator("form[action$='/reconciliations/new/']")
    expect(start.get_by_label("Month")).to_have_value(f"{month:%Y-%m}")
    start.get_by_role("button", name="Start the reconciliation").click()
    expect(tab.locator(".flash-success")).to_contain_text(f"{month:%B %Y} started")
    expect(tab).to_have_url(re.compile(r"/trust/reconciliations/\d+/$"))
    paths["reconciliation"] = _path(tab)
    expect(tab.locator(".integrity.bad")).to_contain_text("Enter the bank statement's closing")

    # The bank's export: the retainer check cleared the day after it was deposited.
    cleared = date.fromordinal(deposited.toordinal() + 1)
    csv_path: Path = tmp_path_factory.mktemp("money-bank") / f"frost-{month:%Y-%m}.csv"
    csv_path.write_text(
        f"Date,Description,Amount,Reference\n{cleared:%m/%d/%Y},Deposit - {CLIENT},5000.00,2231\n",
        encoding="utf-8",
    )
    imported = tab.locator("#import")
    imported.get_by_label("The bank's CSV export").set_input_files(csv_path)
    imported.get_by_role("button", name="Import the lines").click()
    expect(tab.locator(".flash-success")).to_contain_text(
        "1 bank line imported; 1 matched and cleared a journal entry, 0 did not."
    )
    line = tab.locator("#bank-lines tbody tr")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("entry #1")

    balance = tab.locator("#statement")
    balance.get_by_label("Closing balance on the bank statement ($)").fill("5,000.00")
    balance.get_by_role("button", name="Save the balance").click()
    expect(tab.locator(".flash-success")).to_contain_text("Statement balance set to $5,000.00.")
    amounts = tab.locator(".figures.balanced .figure-amount")
    expect(amounts).to_have_text(["$5,000.00", "$5,000.00", "$5,000.00"])
    expect(tab.locator(".integrity.ok")).to_contain_text(
        "Reconciled. The adjusted bank balance, the trust journal and the client ledgers agree "
        "at $5,000.00."
    )
    # Staff prepare the month; an owner or attorney signs it off.
    expect(tab.locator("#sign-off")).to_have_count(0)
    expect(tab.locator("main")).to_contain_text("An owner or attorney signs the month off")
    both_widths(tab, "16-reconciliation-balanced")

    owner = tabs["owner"]
    owner.goto(paths["reconciliation"])
    expect(owner.locator(".figures.balanced")).to_be_visible()
    owner.get_by_role("button", name=f"Sign off and lock {month:%B %Y}").click()
    end = date.fromordinal(world["today"].replace(day=1).toordinal() - 1)
    expect(owner.locator(".flash-success")).to_contain_text(
        f"{month:%B %Y} signed off and locked: nothing more is posted dated on or before "
        f"{end:%B} {end.day}, {end.year}."
    )
    locked = owner.locator(".banner-locked")
    expect(locked).to_contain_text("Signed off and locked")
    expect(locked).to_contain_text("By Olivia Marsh")
    expect(owner.locator("#statement")).to_have_count(0)  # nothing on the page can change
    expect(owner.locator("#import")).to_have_count(0)
    both_widths(owner, "17-reconciliation-locked")

    owner.get_by_role("button", name="Report", exact=True).click()
    expect(owner).to_have_url(re.compile(r"/trust/reconciliations/\d+/report/$"))
    report = owner.locator("article.report")
    expect(report.locator("h1")).to_have_text(
        "Three-way reconciliation of the client trust account"
    )
    expect(report.locator(".result.ok")).to_contain_text("agree at $5,000.00")
    expect(report).to_contain_text("Signed off by Olivia Marsh")
    expect(report).to_contain_text(CLIENT)
    both_widths(owner, "18-reconciliation-report")

    owner.get_by_role("button", name="← Working page").click()
    owner.locator(".breadcrumb").get_by_role("link", name="IOLTA reconciliations").click()
    expect(owner.locator("tr", has_text=f"{month:%B %Y}")).to_contain_text("Signed off and locked")
    expect(owner.locator("main")).to_contain_text(
        f"Books closed through {end:%B} {end.day}, {end.year}"
    )


def test_10_a_deposit_dated_in_the_locked_month_is_refused(
    tabs: dict[str, Page], paths: dict[str, str], world: dict
) -> None:
    tab = tabs["staff"]
    tab.goto(paths["ledger"])
    end = date.fromordinal(world["today"].replace(day=1).toordinal() - 1)
    expect(tab.locator(".ledger-facts")).to_contain_text(
        f"Books closed through {end:%B} {end.day}, {end.year}"
    )
    tab.locator("summary", has_text="Record a deposit").click()
    form = tab.locator("form[action$='/deposit/']")
    form.get_by_label("Amount ($)").fill("250.00")
    late = date.fromordinal(world["deposited"].toordinal() + 15)  # still in the locked month
    form.get_by_label("Date").fill(late.isoformat())
    form.get_by_label("Received from").fill(CLIENT)
    form.get_by_label("Purpose").fill("Late-recorded retainer top-up")
    form.get_by_role("button", name="Post the deposit").click()
    error = tab.locator("form[action$='/deposit/'] .field-error")
    expect(error).to_contain_text(f"The books are closed through {end:%B} {end.day}, {end.year}")
    expect(error).to_contain_text("reconciliation was signed off")
    expect(tab.locator(".ledger-balance")).to_contain_text("$4,600.00")  # nothing was posted
    expect(tab.locator(".ledger-card tbody tr")).to_have_count(2)
    both_widths(tab, "19-ledger-locked-deposit-refused")


def test_11_no_console_errors_in_money(console: ConsoleLog) -> None:
    # The refused deposit comes back with HTTP 422, as every refused form here does; Chromium
    # logs it. It is the refusal the step wants, not an error.
    refused = "status of 422 (Unprocessable Entity) (source: "
    console.forget(
        lambda e: refused in e and re.search(r"/trust/ledgers/\d+/deposit/", e) is not None
    )
    assert not console.errors, console.errors
