"""The demo firm's money, built through the services a user would drive: billing rates; four
months of approved time (the attorneys', the billing manager's, and Maria Alvarez's, whose work is
billed at cost + 30% as Texas allows with the clients' disclosed consent); her statements (paid on
time, one overdue, the latest just issued); invoices in every state, with payments, a credit note
and earned fees taken from trust; an IOLTA account with client ledgers and the firm's bank-charge
cushion; a staff request waiting for an attorney; last month but one reconciled and locked, last
month's reconciliation open and ready to sign; the estate's evergreen retainer below its floor,
its replenishment request sent.

History needs dates the services only allow as "today" (an invoice is sent today, a statement is
issued today, an approval posts today): those records are re-dated to when they would have
happened, by a plain update of their dates and nothing else.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from counselbench.access.policy import actor_for
from counselbench.billing.models import ContractorStatement, Invoice
from counselbench.billing.services import invoices, rates, statements
from counselbench.billing.services.time import EntryInput, approve, log_time, submit
from counselbench.core.errors import RuleViolation
from counselbench.engagements.models import Engagement, EngagementState
from counselbench.matters.models import Matter, MatterStatus, Task
from counselbench.organizations.models import Organization
from counselbench.trust.models import EntryKind, TrustLedger, TrustRequest
from counselbench.trust.models import TrustTransaction as Entry
from counselbench.trust.services import accounts, journal, reconciliation, requests, retainers
from counselbench.trust.services.reconciliation import BankLineInput, month_end

FIRM = "@whitfieldmoreno.example"
RATES = {"dana.whitfield": 450, "luis.moreno": 375, "priya.shah": 295, "grace.okafor": 125}
# What each person works on: (matter key, description).
WORK = {
    "luis.moreno": [
        ("harbor", "Prepare for the Whitaker deposition"),
        ("harbor", "Call with Lee Harbor on settlement posture"),
        ("harbor", "Revise the summary-judgment response"),
        ("lone_star", "Review the Ruiz medical records summary"),
        ("lone_star", "Mediation statement for the Ruiz claim"),
    ],
    "priya.shah": [
        ("estate", "Inventory and appraisement"),
        ("estate", "Letters testamentary: follow up with the clerk"),
        ("estate", "Call with the executor on creditor claims"),
    ],
    "dana.whitfield": [
        ("harbor", "Strategy meeting on the Brightline claims"),
        ("pecan", "Review the tenants' demand letters"),
        ("pecan", "Lease amendment call with the property manager"),
    ],
    "grace.okafor": [
        ("estate", "Prepare the notice to creditors for publication"),
        ("harbor", "Organize the exhibit binders"),
    ],
}
MARIA = "maria.alvarez@contractors.example"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _weekdays(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def _months(today: date, count: int) -> list[date]:
    """The first days of the `count` months before this one, oldest first."""
    starts, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def _entry(
    ledger: TrustLedger,
    amount: int,
    on: date,
    party: str,
    purpose: str,
    method: str,
    reference: str = "",
) -> journal.EntryInput:
    return journal.EntryInput(
        ledger_id=ledger.pk,
        amount_cents=amount,
        date=on,
        payee_payor=party,
        purpose=purpose,
        method=method,
        reference=reference,
    )


class Books:
    """The demo firm's people, matters and trust ledgers, and the steps that move its money."""

    def __init__(self, firm: Organization, today: date):
        self.firm, self.today = firm, today
        person = {
            m.user.email.split("@")[0]: m.user for m in firm.memberships.select_related("user")
        }
        self.people = person
        self.owner = actor_for(person["dana.whitfield"], firm)
        self.luis = actor_for(person["luis.moreno"], firm)
        grace = firm.memberships.get(user=person["grace.okafor"])
        grace.billing = True  # the office and billing manager
        grace.save(update_fields=["billing"])
        self.grace = actor_for(person["grace.okafor"], firm)
        titles = {m.title.split()[0]: m for m in Matter.objects.filter(organization=firm)}
        self.matters = {
            "harbor": titles["Harbor"],
            "lone_star": titles["Lone"],
            "estate": titles["Estate"],
            "pecan": titles["Pecan"],
        }
        self.maria = Engagement.objects.get(
            organization=firm, professional__user__email=MARIA, state=EngagementState.ACTIVE
        )

    # --- Time ---------------------------------------------------------------------------------

    def log_time(self, start: date, end: date) -> None:
        rng = random.Random(7)
        for who, work in WORK.items():
            author = actor_for(self.people[who], self.firm)
            for day in _weekdays(start, end):
                if rng.random() < 0.45:
                    continue
                key, text = rng.choice(work)
                matter = self.matters[key]
                if matter.status == MatterStatus.CLOSED:
                    continue
                minutes = rng.choice([30, 45, 60, 90, 120, 150])
                entry = log_time(
                    author,
                    data=EntryInput(
                        minutes=minutes, date=day, description=text, matter_id=matter.pk
                    ),
                )
                submit(author, entry_ids=[entry.pk])
                # Nobody approves their own time: the owner's goes to the responsible attorney.
                approver = self.owner
                if author.user == self.owner.user:
                    approver = actor_for(matter.responsible_attorney, self.firm)
                approve(approver, entry_ids=[entry.pk])
        maria = actor_for(self.maria.professional.user)
        tasks = list(
            Task.objects.filter(engagement=self.maria).select_related("supervising_attorney")
        )
        for day in _weekdays(self.maria.start_date, end):
            if rng.random() < 0.25:
                continue
            task = rng.choice(tasks)
            what = rng.choice(["research", "drafting", "cite-check", "revisions"])
            entry = log_time(
                maria,
                data=EntryInput(
                    minutes=rng.choice([60, 90, 120, 180, 240]),
                    date=day,
                    description=f"{task.title}: {what}",
                    task_id=task.pk,
                ),
            )
            submit(maria, entry_ids=[entry.pk])
            approve(actor_for(task.supervising_attorney, self.firm), entry_ids=[entry.pk])

    # --- Invoices -----------------------------------------------------------------------------

    def invoice(self, key: str, through: date, issued_on: date) -> Invoice | None:
        draft = invoices.draft_invoice(self.owner, matter_id=self.matters[key].pk, through=through)
        if not draft.lines.exists():
            invoices.delete_draft(self.owner, invoice_id=draft.pk)
            return None
        sent = invoices.send_invoice(self.owner, invoice_id=draft.pk)
        Invoice.objects.filter(pk=sent.pk).update(
            issued_on=issued_on,
            due_on=issued_on + timedelta(days=sent.payment_terms_days),
            sent_at=_aware(issued_on),
        )
        sent.refresh_from_db()
        return sent

    def pay(self, invoice: Invoice, amount: int, on: date, method: str, reference: str) -> None:
        invoices.record_payment(
            self.owner,
            invoice_id=invoice.pk,
            data=invoices.PaymentInput(
                amount_cents=amount,
                received_on=min(on, self.today),
                method=method,
                reference=reference,
            ),
        )

    def earned_fee(self, invoice: Invoice, ledger: TrustLedger, on: date) -> None:
        """The estate's invoices are paid from its retainer (the owner's click is the approval)."""
        ledger.refresh_from_db()
        invoice.refresh_from_db()
        amount = min(ledger.balance_cents, invoice.balance_cents)
        if amount > 0:
            data = journal.earned_fee_input(invoice, ledger, amount)
            journal.withdraw(
                self.owner,
                kind=EntryKind.EARNED_FEE,
                data=journal.EntryInput(**{**data.__dict__, "date": min(on, self.today)}),
            )

    # --- Trust --------------------------------------------------------------------------------

    def open_trust(self) -> None:
        self.account = accounts.open_account(
            self.owner,
            name="IOLTA",
            bank_name="Frost Bank",
            account_last4="4321",
            opened_on=self.today - timedelta(days=365),
        )
        self.cushion = accounts.firm_funds_ledger(self.account)

        def ledger(key: str, per_matter: bool = True) -> TrustLedger:
            matter = self.matters[key]
            return accounts.open_ledger(
                self.owner,
                account_id=self.account.pk,
                client_id=matter.client_id,
                matter_id=matter.pk if per_matter else None,
            )

        self.ledgers = {
            "harbor": ledger("harbor"),
            "estate": ledger("estate"),
            "lone_star": ledger("lone_star", per_matter=False),
        }

    def trust_month(self, index: int, start: date) -> None:
        """The month's own trust money, in date order."""
        owner, grace, luis, ledgers = self.owner, self.grace, self.luis, self.ledgers
        if index == 0:
            return  # the account's first activity is the month after
        if index == 1:
            journal.deposit(
                owner,
                data=_entry(
                    self.cushion,
                    20_000,
                    start,
                    "Whitfield & Moreno LLP",
                    "Firm funds to cover bank charges",
                    "transfer",
                ),
            )
            journal.deposit(
                grace,
                data=_entry(
                    ledgers["harbor"],
                    1_500_000,
                    start + timedelta(2),
                    "Harbor Logistics LLC",
                    "Advance for litigation costs",
                    "wire",
                    "W-88120",
                ),
            )
            journal.withdraw(
                luis,
                kind=EntryKind.DISBURSEMENT,
                data=_entry(
                    ledgers["harbor"],
                    124_000,
                    start + timedelta(16),
                    "Lone Star Court Reporting",
                    "Whitaker deposition transcript",
                    "check",
                    "5001",
                ),
            )
        if index == 2:
            journal.deposit(
                grace,
                data=_entry(
                    ledgers["lone_star"],
                    4_000_000,
                    start + timedelta(8),
                    "Lone Star Mutual Insurance Co.",
                    "Settlement funds, Ruiz claim",
                    "wire",
                    "W-LSM-5521",
                ),
            )
            self.approved_on(
                requests.ask(
                    grace,
                    kind="disbursement",
                    data=_entry(
                        ledgers["harbor"],
                        350_000,
                        start + timedelta(11),
                        "Freight Safety Experts LLC",
                        "Expert witness retainer",
                        "wire",
                    ),
                ),
                start + timedelta(12),
            )
            journal.withdraw(
                luis,
                kind=EntryKind.DISBURSEMENT,
                data=_entry(
                    ledgers["lone_star"],
                    4_000_000,
                    month_end(start) - timedelta(2),
                    "Gomez Injury Law PLLC IOLTA",
                    "Settlement payment to plaintiff's counsel",
                    "check",
                    "5007",
                ),
            )
        if index == 3:
            journal.withdraw(
                luis,
                kind=EntryKind.DISBURSEMENT,
                data=_entry(
                    ledgers["harbor"],
                    35_000,
                    start + timedelta(9),
                    "Travis County District Clerk",
                    "Jury fee",
                    "check",
                    "5011",
                ),
            )
        # The bank's monthly service charge comes out of the firm's own cushion.
        journal.withdraw(
            owner,
            kind=EntryKind.BANK_FEE,
            data=_entry(
                self.cushion,
                1_500,
                start + timedelta(27),
                "Frost Bank",
                "Monthly account service charge",
                "bank",
            ),
        )

    def approved_on(self, asked: TrustRequest, on: date) -> None:
        """Luis approves Grace's request; in the demo, on a past day."""
        entry = journal.post_outgoing(
            ledger=asked.ledger,
            kind=EntryKind(asked.kind),
            data=_entry(
                asked.ledger, asked.amount_cents, on, asked.payee_payor, asked.purpose, asked.method
            ),
            posted_by=asked.requested_by,
            authorized_by=self.luis.authenticated_user,
        )
        TrustRequest.objects.filter(pk=asked.pk).update(
            state="approved",
            transaction=entry,
            decided_by=self.luis.user,
            decided_at=_aware(on),
            requested_at=_aware(on - timedelta(days=1)),
        )

    def reconcile(self, months: list[date]) -> None:
        """Each month from the account's first activity: the bank's lines for what cleared that
        month (a check clears the month after it is written when written in the last days), the
        statement's closing balance, and, for all but the last, an attorney's sign-off. The last
        balances and waits for its sign-off."""
        entries = Entry.objects.filter(account_id=self.account.pk)
        late: list[Entry] = []
        for position, month in enumerate(months):
            made = reconciliation.start(self.owner, account_id=self.account.pk, month=month)
            these = list(entries.filter(date__gte=month, date__lte=month_end(month)))
            outstanding = [e for e in these if e.reference in ("5007", "5011")]
            lines = [
                BankLineInput(month + timedelta(days=2), e.payee_payor, e.amount_cents, e.reference)
                for e in late
            ]
            lines += [
                BankLineInput(e.date, e.payee_payor, e.amount_cents, e.reference)
                for e in these
                if e not in outstanding
            ]
            if lines:
                reconciliation.add_bank_lines(self.owner, reconciliation_id=made.pk, lines=lines)
            total = sum(e.amount_cents for e in entries.filter(date__lte=month_end(month)))
            reconciliation.set_statement_balance(
                self.owner,
                reconciliation_id=made.pk,
                statement_balance_cents=total - sum(e.amount_cents for e in outstanding),
            )
            if position < len(months) - 1:
                reconciliation.sign_off(self.owner, reconciliation_id=made.pk)
            late = outstanding

    # --- Contractor statements ----------------------------------------------------------------

    def statements(self) -> None:
        """Maria's statements for each ended pay period: the older ones paid before they were
        due, the one before last overdue, the last one just issued."""
        engagement, periods = self.maria, []
        day = statements.period_of(engagement.pay_period, self.today)[0] - timedelta(days=1)
        while day >= engagement.start_date:
            periods.append(statements.period_of(engagement.pay_period, day))
            day = periods[-1][0] - timedelta(days=1)
        issued = []
        for start, end in reversed(periods):
            try:
                made = statements.issue_statement(self.owner, engagement_id=engagement.pk, on=start)
            except RuleViolation:
                continue  # nothing approved in that period
            ContractorStatement.objects.filter(pk=made.pk).update(
                issued_at=_aware(end + timedelta(days=1))
            )
            issued.append(ContractorStatement.objects.get(pk=made.pk))
        for statement in issued[:-2]:
            statements.record_payout(
                self.owner,
                statement_id=statement.pk,
                data=statements.PayoutInput(
                    statement.due_on - timedelta(days=2), "ach", f"ACH {statement.number}"
                ),
            )


def build(*, firm: Organization) -> None:
    if Invoice.objects.filter(organization=firm).exists():
        return
    today = timezone.localdate()
    books = Books(firm, today)
    for who, dollars in RATES.items():
        rates.set_billing_rate(
            books.owner,
            user_id=books.people[who].pk,
            rate_cents=dollars * 100,
            effective_from=today - timedelta(days=180),
        )
    months = _months(today, 4)
    books.log_time(months[0], today - timedelta(days=1))
    books.open_trust()
    estate_ledger = books.ledgers["estate"]

    # What happens to each month's invoice, matter by matter.
    plan = [
        {"harbor": "paid", "lone_star": "paid", "estate": "paid", "pecan": "unpaid"},
        {"harbor": "paid", "lone_star": "paid", "estate": "trust", "pecan": "unpaid"},
        {"harbor": "half", "lone_star": "paid", "estate": "trust", "pecan": "unpaid"},
        {"harbor": "viewed", "lone_star": "sent", "estate": "trust", "pecan": "void"},
    ]
    for index, start in enumerate(months):
        books.trust_month(index, start)
        if index == 1:
            journal.deposit(
                books.grace,
                data=_entry(
                    estate_ledger,
                    750_000,
                    start + timedelta(3),
                    "Eleanor Finch",
                    "Evergreen retainer",
                    "check",
                    "2231",
                ),
            )
            retainers.set_retainer(
                books.owner,
                matter_id=books.matters["estate"].pk,
                target_cents=750_000,
                floor_cents=250_000,
            )
        if index == 2:  # the client tops the retainer back up
            journal.deposit(
                books.grace,
                data=_entry(
                    estate_ledger,
                    500_000,
                    start + timedelta(4),
                    "Eleanor Finch",
                    "Retainer replenishment",
                    "check",
                    "2240",
                ),
            )
        issued = min(month_end(start) + timedelta(days=2), today)
        for key, outcome in plan[index].items():
            invoice = books.invoice(key, month_end(start), issued)
            if invoice is None:
                continue
            later = issued + timedelta(days=[18, 24, 15, 20][index])
            if outcome == "paid":
                method = "ach" if key == "lone_star" else "check"
                books.pay(
                    invoice,
                    invoice.balance_cents,
                    later,
                    method,
                    f"{method.upper()} {invoice.number}",
                )
            elif outcome == "half":
                books.pay(invoice, invoice.balance_cents // 2, later, "check", "Check 40512")
            elif outcome == "trust":
                books.earned_fee(invoice, estate_ledger, issued + timedelta(days=3))
            elif outcome == "viewed":
                invoices.mark_viewed(invoice)
            elif outcome == "void":
                invoices.issue_credit_note(
                    books.owner,
                    invoice_id=invoice.pk,
                    amount_cents=invoice.balance_cents,
                    reason="Billed under the wrong engagement letter: the tenants' matter is "
                    "on a flat fee.",
                )
    # This month's Harbor time waits in a draft.
    invoices.draft_invoice(books.owner, matter_id=books.matters["harbor"].pk)
    # The estate's retainer ends below its floor: the client has been asked to replenish.
    estate_ledger.refresh_from_db()
    if estate_ledger.balance_cents >= 250_000:
        journal.withdraw(
            books.owner,
            kind=EntryKind.DISBURSEMENT,
            data=_entry(
                estate_ledger,
                estate_ledger.balance_cents - 120_000,
                today,
                "Travis County Probate Court",
                "Inventory filing and publication costs",
                "check",
                "5014",
            ),
        )
    # Grace's request for the mediator's fee waits for Luis.
    requests.ask(
        books.grace,
        kind="disbursement",
        data=_entry(
            books.ledgers["harbor"],
            180_000,
            today,
            "Capitol Mediation Group",
            "Mediator's fee, Harbor v. Brightline",
            "check",
        ),
    )
    books.reconcile(months[1:])
    books.statements()
