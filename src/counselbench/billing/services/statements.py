"""Contractor statements (PRODUCT §2.6): what the firm owes a professional for one pay period of an
engagement, from its approved time (hourly), its monthly fee (pro rata by day) or its flat fee
(on the final statement); due the engagement's payment terms after the period ends. A
late-payment alert goes to the firm before the due date and again once it has passed, so the
"pay on time" promise is kept. Paying happens at the bank: the firm exports a CSV batch, then
records each payment's date, method and reference."""

from __future__ import annotations

import calendar
import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.billing.error_codes import BillingErrorCode as Code
from counselbench.billing.models import (
    ContractorStatement,
    EntryState,
    PayoutMethod,
    StatementLine,
    StatementState,
    TimeEntry,
)
from counselbench.billing.services.invoices import next_number
from counselbench.billing.services.pricing import amount_for
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.core.money import format_usd, to_cents
from counselbench.engagements.models import (
    LIVE_STATES,
    BillingModel,
    Engagement,
    EngagementState,
    PayPeriod,
)
from counselbench.organizations.models import Organization, Role

# The late-payment alert goes out this many days before the due date (and again once it passed).
DUE_SOON_DAYS = 2


def period_of(pay_period: str, day: date) -> tuple[date, date]:
    """The pay period containing `day`: Monday–Sunday, 1st–15th / 16th–end, or the month."""
    last = calendar.monthrange(day.year, day.month)[1]
    if pay_period == PayPeriod.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if pay_period == PayPeriod.SEMIMONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=last)
    return day.replace(day=1), day.replace(day=last)


@dataclass(frozen=True)
class Draft:
    period_start: date
    period_end: date
    lines: list[StatementLine]

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def minutes(self) -> int:
        return sum(line.minutes or 0 for line in self.lines)


def _live_days(engagement: Engagement, start: date, end: date) -> list[date]:
    first = max(start, engagement.start_date)
    last = min(end, engagement.ended_on or end)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _monthly_fee(engagement: Engagement, start: date, end: date) -> StatementLine | None:
    days = _live_days(engagement, start, end)
    if not days:
        return None
    # Each live day earns the fee ÷ the days in its month, rounded once at the end.
    exact = sum(
        (Decimal(engagement.rate_cents) / calendar.monthrange(d.year, d.month)[1] for d in days),
        Decimal(0),
    )
    amount = to_cents(exact)
    return StatementLine(
        date=days[-1],
        description=f"Monthly fee {format_usd(engagement.rate_cents, exact=True)}, "
        f"{len(days)} day{'s' * (len(days) != 1)} from {days[0]} to {days[-1]}",
        amount_cents=amount,
    )


def _flat_fee(engagement: Engagement) -> StatementLine | None:
    already = StatementLine.objects.filter(
        statement__engagement=engagement, time_entry__isnull=True
    ).exists()
    if already or engagement.state != EngagementState.ENDED:
        return None  # the flat fee is paid once, on the final statement
    return StatementLine(
        date=engagement.ended_on or timezone.localdate(),
        description=f"Flat fee for {engagement.title}",
        amount_cents=engagement.rate_cents,
    )


def draft_for(engagement: Engagement, period_start: date, period_end: date) -> Draft:
    """What a statement for the period would hold: every approved entry of the engagement up to
    the period's end not yet on a statement (late approvals join the next statement)."""
    lines: list[StatementLine] = []
    if engagement.billing_model == BillingModel.HOURLY:
        entries = TimeEntry.objects.filter(
            engagement=engagement,
            state__in=(EntryState.APPROVED, EntryState.BILLED),
            date__lte=period_end,
            statement_line__isnull=True,
        ).order_by("date", "pk")
        for entry in entries:
            rate = entry.rate_cents or engagement.rate_cents
            lines.append(
                StatementLine(
                    time_entry=entry,
                    date=entry.date,
                    description=entry.description,
                    minutes=entry.minutes,
                    rate_cents=rate,
                    amount_cents=amount_for(entry.minutes, rate),
                )
            )
    elif engagement.billing_model == BillingModel.MONTHLY:
        line = _monthly_fee(engagement, period_start, period_end)
        lines += [line] if line else []
    else:
        line = _flat_fee(engagement)
        lines += [line] if line else []
    return Draft(period_start, period_end, lines)


def _final_period_end(engagement: Engagement) -> date | None:
    return engagement.ended_on if engagement.state == EngagementState.ENDED else None


def _issue(engagement: Engagement, draft: Draft, *, by: User | None) -> ContractorStatement:
    if ContractorStatement.objects.filter(
        engagement=engagement, period_start=draft.period_start
    ).exists():
        raise RuleViolation(
            Code.STATEMENT_EXISTS,
            f"A statement for the period from {draft.period_start} already exists.",
        )
    if not draft.lines or draft.amount_cents <= 0:
        raise RuleViolation(
            Code.NOTHING_TO_PAY,
            f"Nothing to pay for {draft.period_start} to {draft.period_end}: no approved time "
            "(or fee) is waiting for a statement.",
            unblock="Approve the professional's submitted time first.",
        )
    # The final statement of an ended engagement is due from the last day; others from the
    # period's end.
    final = _final_period_end(engagement)
    if final is not None and draft.period_start <= final <= draft.period_end:
        due_from = final
    else:
        due_from = draft.period_end
    try:
        with transaction.atomic():
            statement = ContractorStatement.objects.create(
                organization_id=engagement.organization_id,
                number=next_number(engagement.organization_id, "statement"),
                engagement=engagement,
                period_start=draft.period_start,
                period_end=draft.period_end,
                minutes=draft.minutes,
                amount_cents=draft.amount_cents,
                due_on=due_from + timedelta(days=engagement.payment_terms_days),
                issued_by=by,
            )
            for line in draft.lines:
                line.statement = statement
            StatementLine.objects.bulk_create(draft.lines)
    except IntegrityError:
        raise RuleViolation(
            Code.STATEMENT_EXISTS,
            f"A statement for the period from {draft.period_start} already exists.",
        ) from None
    return statement


def issue_statement(
    actor: Actor,
    *,
    engagement_id: int,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> ContractorStatement:
    """The statement for the pay period containing `on` (by default the last period that has
    ended). A period is paid once it is over, except the final one of an ended engagement."""
    require(actor, Action.CREATE, ContractorStatement, "Owners and billing staff pay contractors.")
    engagement = fetch(actor, Engagement, pk=engagement_id)
    today = timezone.localdate()
    if on is None:
        previous = period_of(engagement.pay_period, today)[0] - timedelta(days=1)
        on = _final_period_end(engagement) or previous
    start, end = period_of(engagement.pay_period, on)
    final = _final_period_end(engagement)
    if end >= today and not (final is not None and start <= final):
        raise RuleViolation(
            Code.PERIOD_NOT_OVER,
            f"The pay period {start} to {end} is not over yet.",
            unblock=f"Issue it from {end + timedelta(days=1)}.",
        )
    if engagement.state not in (*LIVE_STATES, EngagementState.ENDED):
        raise RuleViolation(Code.ENGAGEMENT_NOT_LIVE, "This engagement never started work.")
    statement = _issue(engagement, draft_for(engagement, start, end), by=actor.user)
    log.record(
        "statement.issued",
        actor=actor,
        organization=engagement.organization_id,
        obj=statement,
        request=request,
        detail={"engagement_id": engagement.pk, "amount_cents": statement.amount_cents},
    )
    return statement


def issue_due_statements(today: date | None = None) -> list[ContractorStatement]:
    """The daily job: for every engagement at work (or ended in the last two months), the
    statement of each pay period that ended in the last two months and has something to pay."""
    today = today or timezone.localdate()
    horizon = today - timedelta(days=62)
    engagements = Engagement.objects.filter(
        Q(state__in=LIVE_STATES) | Q(state=EngagementState.ENDED, ended_on__gte=horizon)
    )
    issued = []
    for engagement in engagements:
        day = today - timedelta(days=1)
        seen = set()
        while day >= horizon:
            start, end = period_of(engagement.pay_period, day)
            day = start - timedelta(days=1)
            if (start, end) in seen:
                continue
            seen.add((start, end))
            if end >= today and _final_period_end(engagement) is None:
                continue
            if ContractorStatement.objects.filter(engagement=engagement, period_start=start):
                break  # everything before was issued already
            draft = draft_for(engagement, start, end)
            if draft.lines and draft.amount_cents > 0:
                try:
                    issued.append(_issue(engagement, draft, by=None))
                except RuleViolation:
                    continue
            break  # the newest period takes every unpaid approved entry up to its end
    return issued


@dataclass(frozen=True)
class PayoutInput:
    paid_on: date
    method: str
    reference: str = ""


def record_payout(
    actor: Actor, *, statement_id: int, data: PayoutInput, request: HttpRequest | None = None
) -> ContractorStatement:
    """The firm paid the statement (at the bank): when, how, and the bank's reference."""
    statement = fetch(actor, ContractorStatement, Action.CHANGE, pk=statement_id)
    errors = []
    if data.method not in PayoutMethod.values:
        errors.append(FieldError("method", "ach, wire, check or other."))
    if data.paid_on > timezone.localdate():
        errors.append(FieldError("paid_on", "A payment already made (not in the future)."))
    elif data.paid_on < statement.issued_at.date() - timedelta(days=1):
        errors.append(FieldError("paid_on", "Before the statement was issued."))
    if len(data.reference or "") > 100:
        errors.append(FieldError("reference", "At most 100 characters."))
    if errors:
        raise Invalid("Some payment details are not valid.", fields=errors)
    with transaction.atomic():
        claimed = ContractorStatement.objects.filter(
            pk=statement.pk, state=StatementState.ISSUED
        ).update(
            state=StatementState.PAID,
            paid_on=data.paid_on,
            paid_method=data.method,
            paid_reference=(data.reference or "").strip(),
            paid_by=actor.user,
            paid_recorded_at=timezone.now(),
        )
        if not claimed:
            raise RuleViolation(Code.STATEMENT_PAID, f"{statement.number} is already paid.")
        log.record(
            "statement.paid",
            actor=actor,
            organization=statement.organization_id,
            obj=statement,
            request=request,
            detail={"amount_cents": statement.amount_cents, "method": data.method},
        )
    statement.refresh_from_db()
    return statement


def payout_batch_csv(actor: Actor, *, statement_ids: list[int] | None = None) -> str:
    """The unpaid statements (or those named) as a CSV batch for the bank's bulk payments."""
    require(actor, Action.CREATE, ContractorStatement, "Owners and billing staff pay contractors.")
    rows = (
        visible(actor, ContractorStatement)
        .filter(state=StatementState.ISSUED)
        .select_related("engagement__professional__user")
        .order_by("due_on", "pk")
    )
    if statement_ids is not None:
        rows = rows.filter(pk__in=statement_ids)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["statement", "payee", "payee_email", "amount", "currency", "due_on", "memo"])
    for statement in rows:
        user = statement.engagement.professional.user
        writer.writerow(
            [
                statement.number,
                _csv_safe(user.display_name),
                user.email,
                f"{Decimal(statement.amount_cents) / 100:.2f}",
                statement.currency,
                statement.due_on.isoformat(),
                _csv_safe(f"{statement.number} {statement.period_start} to {statement.period_end}"),
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """No spreadsheet formulas from names (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def billing_people(organization: Organization | int) -> QuerySet[User]:
    """Who hears about money: the owners, and staff with the billing permission."""
    return User.objects.filter(
        Q(memberships__role=Role.OWNER)
        | Q(memberships__role=Role.STAFF, memberships__billing=True),
        memberships__organization=organization,
        is_active=True,
    ).distinct()


def alert_late_statements(today: date | None = None) -> int:
    """The late-payment alert: once before the due date, once after it, to the firm's billing
    people (and, once overdue, the supervising attorney). Each statement's alerts go once,
    however many workers run the job."""
    today = today or timezone.localdate()
    sent = 0
    open_statements = ContractorStatement.objects.filter(state=StatementState.ISSUED)
    soon = open_statements.filter(
        due_on__gte=today,
        due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
        due_soon_alerted_at__isnull=True,
    )
    late = open_statements.filter(due_on__lt=today, overdue_alerted_at__isnull=True)
    for kind, rows, stamp in (
        ("soon", soon, "due_soon_alerted_at"),
        ("late", late, "overdue_alerted_at"),
    ):
        for statement in rows.select_related(
            "engagement__professional__user", "engagement__supervising_attorney"
        ):
            with transaction.atomic():
                claimed = ContractorStatement.objects.filter(
                    pk=statement.pk, **{f"{stamp}__isnull": True}
                ).update(**{stamp: timezone.now()})
                if not claimed:
                    continue
                recipients = {u.email for u in billing_people(statement.organization_id)}
                if kind == "late":
                    recipients.add(statement.engagement.supervising_attorney.email)
                name = statement.engagement.professional.user.display_name
                amount = format_usd(statement.amount_cents, exact=True)
                if kind == "soon":
                    subject = f"Pay {name} {amount} by {statement.due_on:%b} {statement.due_on.day}"
                    body = (
                        f"{statement.number} ({statement.period_start} to "
                        f"{statement.period_end}) is due on {statement.due_on}. Pay it and "
                        "record the payment on the statement's page."
                    )
                else:
                    days = (today - statement.due_on).days
                    subject = f"Overdue: {name}'s {statement.number} ({amount}), {days} days late"
                    body = (
                        f"{statement.number} was due on {statement.due_on}. The firm promised "
                        "to pay on time: pay it today and record the payment."
                    )
                send_mail(subject, body, None, sorted(recipients))
                sent += 1
    return sent


def late_statements(organization_id: int, today: date) -> QuerySet[ContractorStatement]:
    return ContractorStatement.objects.filter(
        organization_id=organization_id, state=StatementState.ISSUED, due_on__lt=today
    )


def due_soon_statements(organization_id: int, today: date) -> QuerySet[ContractorStatement]:
    return ContractorStatement.objects.filter(
        organization_id=organization_id,
        state=StatementState.ISSUED,
        due_on__gte=today,
        due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
    )
