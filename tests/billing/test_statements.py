"""Contractor statements: per pay period from approved time (or the fee), due on the engagement's
terms, paid with date, method and reference; the late-payment alert before and after the due
date; the payout CSV; the contractor sees their own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from counselbench.access.policy import visible
from counselbench.billing.models import ContractorStatement, StatementState
from counselbench.billing.services import statements
from counselbench.core.errors import Invalid, PermissionDenied, RuleViolation
from counselbench.engagements.models import Engagement
from tests.billing.conftest import approved_time
from tests.trust.conftest import TODAY


@pytest.mark.parametrize(
    ("period", "day", "start", "end"),
    [
        ("weekly", date(2026, 12, 3), date(2026, 11, 30), date(2026, 12, 6)),
        ("semimonthly", date(2026, 12, 15), date(2026, 12, 1), date(2026, 12, 15)),
        ("semimonthly", date(2026, 12, 16), date(2026, 12, 16), date(2026, 12, 31)),
        ("semimonthly", date(2027, 2, 20), date(2027, 2, 16), date(2027, 2, 28)),
        ("monthly", date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_pay_periods(period, day, start, end):
    assert statements.period_of(period, day) == (start, end)


def _engagement(delegation, **terms) -> Engagement:
    Engagement.objects.filter(pk=delegation.engagement.pk).update(**terms)
    return Engagement.objects.get(pk=delegation.engagement.pk)


def test_a_statement_pays_the_periods_approved_time_due_on_the_engagements_terms(
    cast, delegation, contractor_task
):
    engagement = _engagement(delegation, pay_period="weekly", payment_terms_days=7)
    last_week = TODAY() - timedelta(days=TODAY().weekday() + 7)
    entries = approved_time(cast, contractor_task, 90, 45, on=last_week)
    statement = statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk)
    assert (statement.period_start, statement.period_end) == (last_week, last_week + timedelta(6))
    assert statement.minutes == 135 and statement.amount_cents == 9_000  # 2.25 h × $40
    assert statement.number == "ST-00001"  # the firm's own sequence
    assert statement.due_on == statement.period_end + timedelta(days=7)
    assert sorted(line.time_entry_id for line in statement.lines.all()) == [e.pk for e in entries]
    with pytest.raises(RuleViolation) as twice:
        statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk)
    assert twice.value.code == "statement_exists"


def test_a_period_is_paid_once_it_is_over_and_only_with_something_to_pay(
    cast, delegation, contractor_task
):
    engagement = _engagement(delegation, pay_period="weekly")
    approved_time(cast, contractor_task, 60, on=TODAY())
    with pytest.raises(RuleViolation) as early:
        statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk, on=TODAY())
    assert early.value.code == "period_not_over"
    with pytest.raises(RuleViolation) as nothing:
        statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk)
    assert nothing.value.code == "nothing_to_pay"


def test_time_approved_late_joins_the_next_statement(cast, delegation, contractor_task):
    engagement = _engagement(delegation, pay_period="weekly")
    monday = TODAY() - timedelta(days=TODAY().weekday())
    approved_time(cast, contractor_task, 60, on=monday - timedelta(days=14))
    first = statements.issue_statement(
        cast.actor("owner"), engagement_id=engagement.pk, on=monday - timedelta(days=14)
    )
    late = approved_time(cast, contractor_task, 30, on=monday - timedelta(days=13))
    second = statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk)
    assert first.minutes == 60
    assert [line.time_entry_id for line in second.lines.all()] == [late[0].pk]


def test_a_monthly_fee_is_paid_pro_rata_by_day(cast, delegation):
    engagement = _engagement(
        delegation,
        billing_model="monthly",
        pay_period="monthly",
        rate_cents=300_000,
        start_date=date(2026, 11, 11),
    )
    statement = statements.issue_statement(
        cast.actor("owner"), engagement_id=engagement.pk, on=date(2026, 11, 20)
    )
    # 20 of November's 30 days: $3,000 × 20 / 30.
    assert statement.amount_cents == 200_000
    assert "20 days" in statement.lines.get().description


def test_the_flat_fee_is_paid_on_the_final_statement(cast, delegation):
    engagement = _engagement(
        delegation,
        billing_model="flat",
        rate_cents=150_000,
        state="ended",
        ended_on=TODAY() - timedelta(days=1),
    )
    statement = statements.issue_statement(cast.actor("owner"), engagement_id=engagement.pk)
    assert statement.amount_cents == 150_000
    assert statement.due_on == engagement.ended_on + timedelta(days=engagement.payment_terms_days)


def test_the_daily_job_issues_the_statements_of_ended_periods(cast, delegation, contractor_task):
    engagement = _engagement(delegation, pay_period="weekly")
    monday = TODAY() - timedelta(days=TODAY().weekday())
    approved_time(cast, contractor_task, 60, on=monday - timedelta(days=3))
    issued = statements.issue_due_statements(TODAY())
    assert [s.engagement_id for s in issued] == [engagement.pk]
    assert statements.issue_due_statements(TODAY()) == []  # once


def test_recording_the_payment_and_bad_input(cast, delegation, contractor_task, billing_staff):
    _engagement(delegation, pay_period="weekly")
    approved_time(cast, contractor_task, 60, on=TODAY() - timedelta(days=TODAY().weekday() + 3))
    statement = statements.issue_statement(
        cast.actor("owner"), engagement_id=delegation.engagement.pk
    )
    with pytest.raises(Invalid) as refused:
        statements.record_payout(
            billing_staff,
            statement_id=statement.pk,
            data=statements.PayoutInput(TODAY() + timedelta(days=1), "bitcoin"),
        )
    assert {f.path for f in refused.value.fields} == {"paid_on", "method"}
    with pytest.raises(PermissionDenied):
        statements.record_payout(
            cast.actor("attorney"),
            statement_id=statement.pk,
            data=statements.PayoutInput(TODAY(), "ach"),
        )
    paid = statements.record_payout(
        billing_staff,
        statement_id=statement.pk,
        data=statements.PayoutInput(TODAY(), "ach", "ACH 0042"),
    )
    assert paid.state == StatementState.PAID and paid.paid_reference == "ACH 0042"
    assert paid.paid_by == cast.staff
    with pytest.raises(RuleViolation):
        statements.record_payout(
            billing_staff, statement_id=statement.pk, data=statements.PayoutInput(TODAY(), "ach")
        )


def test_late_payment_alerts_go_before_and_after_the_due_date_once_each(
    cast, delegation, contractor_task, billing_staff
):
    _engagement(delegation, pay_period="weekly", payment_terms_days=7)
    approved_time(cast, contractor_task, 60, on=TODAY() - timedelta(days=TODAY().weekday() + 3))
    statement = statements.issue_statement(
        cast.actor("owner"), engagement_id=delegation.engagement.pk
    )
    due = statement.due_on
    assert statements.alert_late_statements(due - timedelta(days=3)) == 0  # not yet
    assert statements.alert_late_statements(due - timedelta(days=2)) == 1
    (soon,) = mail.outbox
    assert "by" in soon.subject and set(soon.to) == {cast.owner.email, cast.staff.email}
    assert statements.alert_late_statements(due) == 0  # due today: no second alert
    assert statements.alert_late_statements(due + timedelta(days=1)) == 1
    late = mail.outbox[1]
    assert late.subject.startswith("Overdue") and cast.attorney.email in late.to
    assert statements.alert_late_statements(due + timedelta(days=2)) == 0


def test_the_payout_batch_lists_unpaid_statements_without_formulas(
    cast, delegation, contractor_task
):
    cast.contractor.full_name = "=HYPERLINK(evil)"
    cast.contractor.save()
    _engagement(delegation, pay_period="weekly")
    approved_time(cast, contractor_task, 75, on=TODAY() - timedelta(days=TODAY().weekday() + 3))
    statement = statements.issue_statement(
        cast.actor("owner"), engagement_id=delegation.engagement.pk
    )
    text = statements.payout_batch_csv(cast.actor("owner"))
    header, row = text.strip().splitlines()
    assert header == "statement,payee,payee_email,amount,currency,due_on,memo"
    assert row.startswith(f"{statement.number},'=HYPERLINK(evil),contractor@pros.example,50.00,USD")


def test_a_contractor_sees_their_own_statements_only(cast, delegation, contractor_task):
    _engagement(delegation, pay_period="weekly")
    approved_time(cast, contractor_task, 60, on=TODAY() - timedelta(days=TODAY().weekday() + 3))
    statement = statements.issue_statement(
        cast.actor("owner"), engagement_id=delegation.engagement.pk
    )
    assert list(visible(cast.actor("contractor"), ContractorStatement)) == [statement]
    assert not visible(cast.actor("staff"), ContractorStatement).exists()  # no billing permission
    assert not visible(cast.actor("outsider"), ContractorStatement).exists()
