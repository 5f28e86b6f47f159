"""Monthly three-way reconciliation of a trust account (ABA Model Rules for Client Trust Account
Records, Rule 1(d)): the bank statement balance, adjusted for deposits in transit and outstanding
checks, must equal the trust journal's balance, which must equal the sum of the client ledgers,
all as of the month's last day. Bank lines (typed in or imported from the bank's CSV) clear the
journal entries they match; whatever is left is listed. Signed off by an attorney, the month is
locked: nothing more is posted dated in it.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.core.money import MAX_AMOUNT_CENTS, cents_from_dollars, format_usd
from counselbench.trust.error_codes import TrustErrorCode as Code
from counselbench.trust.models import (
    BankStatementLine,
    Reconciliation,
    ReconciliationState,
    TrustAccount,
    TrustLedger,
    TrustTransaction,
)

MAX_BANK_LINES = 200_000
# How far before a bank line's date a journal entry may be and still be the one it clears.
MATCH_WINDOW_DAYS = 45


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass
class Item:
    id: int
    date: str
    amount_cents: int
    party: str
    reference: str
    sequence: int | None = None


@dataclass
class LedgerBalance:
    ledger_id: int
    name: str
    balance_cents: int


@dataclass
class ThreeWay:
    month: str
    statement_balance_cents: int | None
    outstanding_deposits: list[Item] = field(default_factory=list)
    outstanding_checks: list[Item] = field(default_factory=list)
    unmatched_bank_lines: list[Item] = field(default_factory=list)
    journal_cents: int = 0
    ledgers: list[LedgerBalance] = field(default_factory=list)
    ledgers_total_cents: int = 0

    @property
    def deposits_in_transit_cents(self) -> int:
        return sum(i.amount_cents for i in self.outstanding_deposits)

    @property
    def outstanding_checks_cents(self) -> int:
        return sum(i.amount_cents for i in self.outstanding_checks)  # negative

    @property
    def adjusted_bank_cents(self) -> int | None:
        if self.statement_balance_cents is None:
            return None
        return (
            self.statement_balance_cents
            + self.deposits_in_transit_cents
            + self.outstanding_checks_cents
        )

    @property
    def bank_difference_cents(self) -> int | None:
        adjusted = self.adjusted_bank_cents
        return None if adjusted is None else adjusted - self.journal_cents

    @property
    def ledger_difference_cents(self) -> int:
        return self.ledgers_total_cents - self.journal_cents

    @property
    def negative_ledgers(self) -> list[LedgerBalance]:
        return [ledger for ledger in self.ledgers if ledger.balance_cents < 0]

    @property
    def balanced(self) -> bool:
        """All three agree, no ledger is negative, and the bank did nothing the journal lacks
        (a bank charge on the statement is first recorded, then cleared)."""
        return (
            self.bank_difference_cents == 0
            and self.ledger_difference_cents == 0
            and not self.negative_ledgers
            and not self.unmatched_bank_lines
        )

    def as_dict(self) -> dict:
        figures = {
            "deposits_in_transit_cents": self.deposits_in_transit_cents,
            "outstanding_checks_cents": self.outstanding_checks_cents,
            "adjusted_bank_cents": self.adjusted_bank_cents,
            "bank_difference_cents": self.bank_difference_cents,
            "ledger_difference_cents": self.ledger_difference_cents,
            "balanced": self.balanced,
        }
        return {**asdict(self), **figures}


def _ledgers_in(entries: QuerySet[TrustTransaction]) -> set[int]:
    # order_by(): the model's default ordering (sequence) would otherwise join the DISTINCT and
    # return a row per entry.
    return set(entries.order_by().values_list("ledger_id", flat=True).distinct())


def opening(reconciliation: Reconciliation) -> Reconciliation | None:
    """The account's latest month signed off before this one, whose frozen figures the month
    opens from, or None (no month signed off yet, or an old snapshot without the figures).

    Exact because what a snapshot froze cannot change afterwards: entries are never changed or
    deleted, nothing is posted dated in a locked month (the posting checks `locked_through`
    under the account's row lock, which the sign-off holds while it computes the snapshot), a
    locked month's bank lines are never edited, and months are signed off in order, so every
    month up to that one is locked."""
    base = (
        Reconciliation.objects.filter(
            account_id=reconciliation.account_id,
            month__lt=reconciliation.month,
            state=ReconciliationState.LOCKED,
        )
        .order_by("-month")
        .only("month", "snapshot")
        .first()
    )
    if base is None or not all(key in base.snapshot for key in _OPENING_FIGURES):
        return None
    return base


_OPENING_FIGURES = ("journal_cents", "ledgers", "outstanding_deposits", "outstanding_checks")


def three_way(reconciliation: Reconciliation, *, from_snapshot: bool = True) -> ThreeWay:
    """The three balances as of the month's last day, from three records: the journal (the
    account's entries dated up to then, summed), the client ledgers (each ledger's own stored
    balance, less what was posted to it dated after the month), and the bank's statement
    adjusted by the entries no bank line of this month or before has cleared. A ledger whose
    stored balance disagrees with its entries shows as a difference instead of vanishing.

    The month opens from the last signed-off month's frozen figures (`opening`): its journal
    total plus the entries dated since, and as outstanding candidates its outstanding items plus
    the entries since. So the cost follows the months since the last sign-off, not the account's
    age (bench/trust.py --history-months). `from_snapshot=False` computes from the first entry
    (the tests compare both)."""
    account_id, end = reconciliation.account_id, month_end(reconciliation.month)
    base = opening(reconciliation) if from_snapshot else None
    entries = TrustTransaction.objects.filter(account_id=account_id, date__lte=end)
    cleared = BankStatementLine.objects.filter(
        entry_id=OuterRef("pk"),
        reconciliation__account_id=account_id,
        reconciliation__month__lte=reconciliation.month,
    )
    if base is not None:
        frozen, since = base.snapshot, month_end(base.month)
        recent = entries.filter(date__gt=since)
        journal = frozen["journal_cents"] + (
            recent.aggregate(total=Sum("amount_cents"))["total"] or 0
        )
        touched = {row["ledger_id"] for row in frozen["ledgers"]}
        touched |= _ledgers_in(recent)
        carried = [
            item["id"] for item in frozen["outstanding_deposits"] + frozen["outstanding_checks"]
        ]
        candidates = entries.filter(Q(pk__in=carried) | Q(date__gt=since))
        # A bank line is dated in its month and clears an entry dated no later, so no line of a
        # month up to the base clears an entry dated after it; and the carried items were not
        # cleared by those months (frozen). Only later months' lines can clear a candidate.
        cleared = cleared.filter(reconciliation__month__gt=base.month)
    else:
        journal = entries.aggregate(total=Sum("amount_cents"))["total"] or 0
        touched = _ledgers_in(entries)
        candidates = entries
    later = dict(
        TrustTransaction.objects.filter(account_id=account_id, date__gt=end)
        .values("ledger_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("ledger_id", "total")
    )
    ledgers = []
    for ledger in TrustLedger.objects.filter(account_id=account_id).select_related(
        "client", "matter"
    ):
        balance = ledger.balance_cents - later.get(ledger.pk, 0)
        if ledger.pk in touched or balance != 0:
            ledgers.append(LedgerBalance(ledger.pk, str(ledger), balance))
    outstanding = (
        candidates.filter(~Exists(cleared))
        .order_by("date", "sequence")
        .values("pk", "date", "amount_cents", "payee_payor", "reference", "sequence")
    )
    result = ThreeWay(
        month=reconciliation.month.isoformat(),
        statement_balance_cents=reconciliation.statement_balance_cents,
        journal_cents=journal,
        ledgers=ledgers,
        ledgers_total_cents=sum(ledger.balance_cents for ledger in ledgers),
    )
    for row in outstanding:
        item = Item(
            row["pk"],
            row["date"].isoformat(),
            row["amount_cents"],
            row["payee_payor"],
            row["reference"],
            row["sequence"],
        )
        (
            result.outstanding_deposits if item.amount_cents > 0 else result.outstanding_checks
        ).append(item)
    unmatched = (
        reconciliation.bank_lines.filter(entry__isnull=True).order_by("date", "pk")
        if reconciliation.pk
        else []  # a month not started: the journal and ledgers alone
    )
    for line in unmatched:
        result.unmatched_bank_lines.append(
            Item(
                line.pk, line.date.isoformat(), line.amount_cents, line.description, line.reference
            )
        )
    return result


def figures(reconciliation: Reconciliation) -> dict:
    """What the page and the API show: the frozen snapshot once locked, else live figures."""
    if reconciliation.state == ReconciliationState.LOCKED and reconciliation.snapshot:
        return reconciliation.snapshot
    return three_way(reconciliation).as_dict()


def _open(actor: Actor, reconciliation_id: int) -> Reconciliation:
    reconciliation = fetch(actor, Reconciliation, Action.CHANGE, pk=reconciliation_id)
    if reconciliation.state == ReconciliationState.LOCKED:
        raise RuleViolation(
            Code.RECONCILIATION_LOCKED,
            f"{reconciliation.month:%B %Y} was signed off and is locked.",
        )
    return reconciliation


def start(
    actor: Actor,
    *,
    account_id: int,
    month: date,
    statement_balance_cents: int | None = None,
    request: HttpRequest | None = None,
) -> Reconciliation:
    account = fetch(actor, TrustAccount, Action.CHANGE, pk=account_id)
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise Invalid.field("month", "A month that has begun.")
    if month < account.opened_on.replace(day=1):
        raise Invalid.field("month", f"Before the account was opened ({account.opened_on}).")
    if account.locked_through is not None and month <= account.locked_through:
        raise Invalid.field(
            "month",
            f"The books are closed through {account.locked_through:%B %Y}: start a later month.",
            Code.PERIOD_LOCKED,
        )
    _check_balance(statement_balance_cents)
    try:
        with transaction.atomic():
            reconciliation = Reconciliation.objects.create(
                account=account,
                organization_id=account.organization_id,
                month=month,
                statement_balance_cents=statement_balance_cents,
                created_by=actor.authenticated_user,
            )
            _log(
                actor,
                "trust.reconciliation_started",
                reconciliation,
                request,
                statement_balance_cents=statement_balance_cents,
            )
    except IntegrityError:
        raise RuleViolation(
            Code.RECONCILIATION_EXISTS, f"{month:%B %Y} already has a reconciliation."
        ) from None
    return reconciliation


def _log(
    actor: Actor,
    action: str,
    reconciliation: Reconciliation,
    request: HttpRequest | None,
    **detail: object,
) -> None:
    """Each edit of a reconciliation is logged in the edit's own transaction: what is signed off
    rests on these figures, so who entered or cleared what stays on record."""
    log.record(
        action,
        actor=actor,
        organization=reconciliation.organization_id,
        obj=reconciliation,
        request=request,
        detail={"month": reconciliation.month.isoformat(), **detail},
    )


def _check_balance(cents: int | None, path: str = "statement_balance_cents") -> None:
    if cents is None:
        return
    if not isinstance(cents, int) or isinstance(cents, bool) or not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise Invalid.field(path, "The statement's closing balance, in cents (0 or more).")


def set_statement_balance(
    actor: Actor,
    *,
    reconciliation_id: int,
    statement_balance_cents: int,
    request: HttpRequest | None = None,
) -> Reconciliation:
    reconciliation = _open(actor, reconciliation_id)
    _check_balance(statement_balance_cents)
    before = reconciliation.statement_balance_cents
    with transaction.atomic():
        reconciliation.statement_balance_cents = statement_balance_cents
        reconciliation.save(update_fields=["statement_balance_cents"])
        _log(
            actor,
            "trust.statement_balance_set",
            reconciliation,
            request,
            statement_balance_cents=[before, statement_balance_cents],
        )
    return reconciliation


@dataclass(frozen=True)
class BankLineInput:
    date: date
    description: str
    amount_cents: int
    reference: str = ""
    # The account's balance after this line, when the bank's export has a Balance column.
    balance_cents: int | None = None


def _line_errors(line: BankLineInput, path: str, month: date) -> list[FieldError]:
    errors = []
    if not month <= line.date <= month_end(month):
        errors.append(FieldError(f"{path}.date", f"Within {month:%B %Y}."))
    amount = line.amount_cents
    if not isinstance(amount, int) or amount == 0 or abs(amount) > MAX_AMOUNT_CENTS:
        errors.append(FieldError(f"{path}.amount_cents", "A non-zero amount in cents."))
    if len(line.description) > 300 or len(line.reference) > 100:
        errors.append(FieldError(f"{path}.description", "Description ≤ 300, reference ≤ 100."))
    return errors


def _uncleared(account_id: int, through: date):
    return TrustTransaction.objects.filter(
        account_id=account_id, date__lte=through, bank_line__isnull=True
    )


def add_bank_lines(
    actor: Actor,
    *,
    reconciliation_id: int,
    lines: list[BankLineInput],
    request: HttpRequest | None = None,
) -> list[BankStatementLine]:
    """Adds the statement's lines (all or none) and clears the journal entry each one matches:
    the same amount, dated on or up to 45 days before the line, the same reference (a check
    number) first, then the closest date."""
    reconciliation = _open(actor, reconciliation_id)
    with transaction.atomic():
        created = _add_lines(reconciliation, lines)
        _log(actor, "trust.bank_lines_added", reconciliation, request, **_counts(created))
    return created


def _counts(lines: list[BankStatementLine]) -> dict[str, int]:
    return {"lines": len(lines), "cleared": sum(1 for line in lines if line.entry_id)}


def _add_lines(
    reconciliation: Reconciliation, lines: list[BankLineInput]
) -> list[BankStatementLine]:
    if not lines:
        raise Invalid.field("lines", "No lines.")
    if len(lines) + reconciliation.bank_lines.count() > MAX_BANK_LINES:
        raise Invalid.field("lines", f"At most {MAX_BANK_LINES:,} lines a month.")
    errors = [
        e
        for i, line in enumerate(lines)
        for e in _line_errors(line, f"lines.{i}", reconciliation.month)
    ]
    if errors:
        raise Invalid("Some bank lines are not valid.", fields=errors[:50])
    end = month_end(reconciliation.month)
    earliest = min(line.date for line in lines) - timedelta(days=MATCH_WINDOW_DAYS)
    candidates: dict[int, list[TrustTransaction]] = {}
    for entry in (
        _uncleared(reconciliation.account_id, end)
        .filter(date__gte=earliest)
        .order_by("date", "sequence")
    ):
        candidates.setdefault(entry.amount_cents, []).append(entry)
    created = []
    with transaction.atomic():
        for line in lines:
            match = _best_match(candidates.get(line.amount_cents, []), line)
            if match is not None:
                candidates[line.amount_cents].remove(match)
            created.append(
                BankStatementLine(
                    reconciliation=reconciliation,
                    date=line.date,
                    description=line.description.strip(),
                    amount_cents=line.amount_cents,
                    reference=line.reference.strip(),
                    entry=match,
                )
            )
        BankStatementLine.objects.bulk_create(created, batch_size=2000)
    return created


def _best_match(options: list[TrustTransaction], line: BankLineInput) -> TrustTransaction | None:
    window = [
        e for e in options if line.date - timedelta(days=MATCH_WINDOW_DAYS) <= e.date <= line.date
    ]
    if not window:
        return None
    if line.reference:
        same = [e for e in window if e.reference and e.reference == line.reference]
        if same:
            return same[0]
    return min(window, key=lambda e: (line.date - e.date, e.sequence))


def clear_entries(
    actor: Actor,
    *,
    reconciliation_id: int,
    entry_ids: list[int],
    request: HttpRequest | None = None,
) -> list[BankStatementLine]:
    """Marks journal entries as on this month's statement (a bank line copied from each), for a
    statement read on paper instead of imported."""
    reconciliation = _open(actor, reconciliation_id)
    end = month_end(reconciliation.month)
    entries = list(
        _uncleared(reconciliation.account_id, end).filter(pk__in=entry_ids).order_by("sequence")
    )
    missing = set(entry_ids) - {e.pk for e in entries}
    if missing:
        raise Invalid.field(
            "entry_ids",
            "Not uncleared entries of this account up to the month's end: "
            f"{', '.join(map(str, sorted(missing)))}.",
        )
    lines = [
        BankStatementLine(
            reconciliation=reconciliation,
            date=max(e.date, reconciliation.month),
            description=f"Cleared: {e.payee_payor}"[:300],
            amount_cents=e.amount_cents,
            reference=e.reference,
            entry=e,
        )
        for e in entries
    ]
    with transaction.atomic():
        BankStatementLine.objects.bulk_create(lines)
        _log(
            actor,
            "trust.entries_cleared",
            reconciliation,
            request,
            entry_ids=[e.pk for e in entries],
        )
    return lines


def remove_bank_line(
    actor: Actor, *, reconciliation_id: int, line_id: int, request: HttpRequest | None = None
) -> None:
    reconciliation = _open(actor, reconciliation_id)
    with transaction.atomic():
        line = reconciliation.bank_lines.select_for_update().filter(pk=line_id).first()
        if line is None:
            raise Invalid.field("line_id", "No such line in this reconciliation.")
        line.delete()
        _log(
            actor,
            "trust.bank_line_removed",
            reconciliation,
            request,
            line_id=line_id,
            date=line.date.isoformat(),
            amount_cents=line.amount_cents,
            description=line.description,
            entry_id=line.entry_id,
        )


_AMOUNT = re.compile(r"^\(?-?\$?[\d,]+(\.\d{1,2})?\)?$")


def _amount(text: str) -> int:
    text = text.strip()
    if not _AMOUNT.match(text):
        raise ValueError("not an amount")
    negative = text.startswith("(") or text.startswith("-")
    cents = cents_from_dollars(text.strip("()").lstrip("-"))
    return -cents if negative else cents


def _date(text: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise ValueError("not a date")


def parse_bank_csv(text: str) -> list[BankLineInput]:
    """The bank's export: a header row naming Date, Description, and either Amount or
    Debit/Credit (withdrawals/deposits), and optionally Reference (or Check number) and Balance.
    Every bad row is reported with its line number; nothing is taken from a file with any."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise Invalid.field("file", "The file is empty.", Code.BAD_CSV) from None

    def column(*names: str) -> int | None:
        for name in names:
            if name in header:
                return header.index(name)
        return None

    at_date, at_description = (
        column("date", "posted", "posting date"),
        column("description", "memo", "payee"),
    )
    at_amount = column("amount")
    at_debit, at_credit = (
        column("debit", "withdrawal", "withdrawals"),
        column("credit", "deposit", "deposits"),
    )
    at_reference = column("reference", "check number", "check", "ref")
    at_balance = column("balance", "running balance", "ledger balance")
    if at_date is None or (at_amount is None and (at_debit is None or at_credit is None)):
        raise Invalid.field(
            "file",
            "The first row must name the columns: Date, Description, and Amount (or Debit and "
            "Credit), optionally Reference.",
            Code.BAD_CSV,
        )
    lines: list[BankLineInput] = []
    errors: list[FieldError] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(lines) + len(errors) >= MAX_BANK_LINES:
            errors.append(FieldError(f"file.line {number}", f"More than {MAX_BANK_LINES:,} rows."))
            break

        def cell(index: int | None, row=row) -> str:
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            day = _date(cell(at_date))
        except ValueError:
            errors.append(FieldError(f"file.line {number}", f"'{cell(at_date)}' is not a date."))
            continue
        try:
            if at_amount is not None:
                amount = _amount(cell(at_amount))
            else:
                debit, credit = cell(at_debit), cell(at_credit)
                amount = (_amount(credit) if credit else 0) - (abs(_amount(debit)) if debit else 0)
        except (ValueError, InvalidOperation):
            errors.append(
                FieldError(f"file.line {number}", "The amount is not a number of dollars.")
            )
            continue
        if amount == 0:
            errors.append(FieldError(f"file.line {number}", "A zero amount."))
            continue
        balance = None
        if cell(at_balance):
            try:
                balance = _amount(cell(at_balance))
            except (ValueError, InvalidOperation):
                errors.append(FieldError(f"file.line {number}", "The balance is not dollars."))
                continue
        lines.append(
            BankLineInput(
                day,
                cell(at_description)[:300] or "(no description)",
                amount,
                cell(at_reference)[:100],
                balance,
            )
        )
    if errors:
        raise Invalid(
            f"{len(errors)} row{'s' * (len(errors) != 1)} could not be read; nothing was imported.",
            fields=errors[:50],
            code=Code.BAD_CSV,
        )
    if not lines:
        raise Invalid.field("file", "No rows after the header.", Code.BAD_CSV)
    return lines


def import_bank_csv(
    actor: Actor, *, reconciliation_id: int, text: str, request: HttpRequest | None = None
) -> list[BankStatementLine]:
    """Imports the month's lines; a Balance column also gives the statement's closing balance
    (the balance after the month's last line), unless one was entered already."""
    reconciliation = _open(actor, reconciliation_id)
    lines = parse_bank_csv(text)
    outside = [
        FieldError(
            f"file.line {i + 2}", f"Dated {line.date}, outside {reconciliation.month:%B %Y}."
        )
        for i, line in enumerate(lines)
        if not reconciliation.month <= line.date <= month_end(reconciliation.month)
    ]
    if outside:
        raise Invalid(
            "Some rows are from another month; nothing was imported.",
            fields=outside[:50],
            code=Code.BAD_CSV,
        )
    with transaction.atomic():
        made = _add_lines(reconciliation, lines)
        closing = _closing_balance(lines)
        balance: dict[str, object] = {}
        if closing is not None and reconciliation.statement_balance_cents is None:
            _check_balance(closing, "file")
            reconciliation.statement_balance_cents = closing
            reconciliation.save(update_fields=["statement_balance_cents"])
            balance = {"statement_balance_cents": [None, closing]}
        _log(actor, "trust.bank_csv_imported", reconciliation, request, **_counts(made), **balance)
    return made


def _closing_balance(lines: list[BankLineInput]) -> int | None:
    """The balance after the latest line (banks list oldest or newest first)."""
    with_balance = [line for line in lines if line.balance_cents is not None]
    if not with_balance:
        return None
    ascending = with_balance[0].date <= with_balance[-1].date
    last = max(line.date for line in with_balance)
    latest = [line for line in with_balance if line.date == last]
    return (latest[-1] if ascending else latest[0]).balance_cents


def sign_off(
    actor: Actor, *, reconciliation_id: int, request: HttpRequest | None = None
) -> Reconciliation:
    """An attorney signs the balanced month off: its figures are frozen into the report and the
    month is locked against postings."""
    reconciliation = fetch(actor, Reconciliation, pk=reconciliation_id)
    if not can(actor, Action.AUTHORIZE, reconciliation):
        raise PermissionDenied(
            "An owner or attorney signs a reconciliation off.", code=Code.ATTORNEY_REQUIRED
        )
    if reconciliation.state == ReconciliationState.LOCKED:
        raise RuleViolation(Code.RECONCILIATION_LOCKED, "Already signed off.")
    earlier = (
        Reconciliation.objects.filter(
            account_id=reconciliation.account_id, month__lt=reconciliation.month
        )
        .exclude(state=ReconciliationState.LOCKED)
        .order_by("month")
        .first()
    )
    if earlier is not None:
        # Signing this month off locks the books through its end, which would close the
        # earlier month unreconciled.
        raise RuleViolation(
            Code.EARLIER_MONTH_OPEN,
            f"{earlier.month:%B %Y} is still open: months are signed off in order.",
            unblock=f"Reconcile and sign off {earlier.month:%B %Y} first.",
        )
    if month_end(reconciliation.month) >= timezone.localdate():
        raise RuleViolation(
            Code.MONTH_NOT_OVER,
            f"{reconciliation.month:%B %Y} is not over yet.",
            unblock="Sign it off once the bank's month-end statement is in.",
        )
    with transaction.atomic():
        # No posting may slip in between the check and the lock.
        account = TrustAccount.objects.select_for_update().get(pk=reconciliation.account_id)
        result = three_way(reconciliation)
        if result.statement_balance_cents is None:
            raise Invalid.field(
                "statement_balance_cents", "Enter the bank statement's closing balance first."
            )
        if not result.balanced:
            raise RuleViolation(
                Code.NOT_BALANCED,
                "The month does not reconcile: adjusted bank "
                f"{format_usd(result.adjusted_bank_cents or 0, exact=True)}, journal "
                f"{format_usd(result.journal_cents, exact=True)}, client ledgers "
                f"{format_usd(result.ledgers_total_cents, exact=True)}"
                + (
                    f"; {len(result.unmatched_bank_lines)} bank line(s) match no journal entry"
                    if result.unmatched_bank_lines
                    else ""
                )
                + ".",
                unblock="Clear the entries on the statement, record what the bank did that the "
                "journal does not have, or correct the statement balance.",
            )
        reconciliation.state = ReconciliationState.LOCKED
        reconciliation.signed_off_by, reconciliation.signed_off_at = actor.user, timezone.now()
        reconciliation.snapshot = result.as_dict()
        reconciliation.save(update_fields=["state", "signed_off_by", "signed_off_at", "snapshot"])
        end = month_end(reconciliation.month)
        if account.locked_through is None or account.locked_through < end:
            TrustAccount.objects.filter(pk=account.pk).update(locked_through=end)
        log.record(
            "trust.reconciliation_signed_off",
            actor=actor,
            organization=reconciliation.organization_id,
            obj=reconciliation,
            request=request,
            detail={
                "month": reconciliation.month.isoformat(),
                "journal_cents": result.journal_cents,
            },
        )
    return reconciliation


def integrity(account: TrustAccount) -> dict[str, int | bool]:
    """The stored running balances against the journal now: the account's balance, the sum of
    its ledgers' balances and the sum of its entries must be one figure."""
    entries = account.entries.aggregate(total=Sum("amount_cents"))["total"] or 0
    ledgers = account.ledgers.aggregate(total=Sum("balance_cents"))["total"] or 0
    negative = account.ledgers.filter(Q(balance_cents__lt=0)).exists()
    return {
        "account_cents": account.balance_cents,
        "ledgers_cents": ledgers,
        "journal_cents": entries,
        "consistent": account.balance_cents == ledgers == entries and not negative,
    }
