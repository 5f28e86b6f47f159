"""The demo tells the insights story (issue 9): from the dashboard alone the owner can say how
many attorney hours outsourcing recovered last month, which contractor is at capacity, and which
category to hire for next. The demo is built once for the module (it takes a while) and rolled
back afterwards."""

from decimal import Decimal

import pytest
from django.db import transaction

from counselbench.access.policy import actor_for
from counselbench.accounts.models import User
from counselbench.billing.models import TimeEntry
from counselbench.demo import build_demo, organizations
from counselbench.demo.insights import BACKLOG_CATEGORY, MARIA
from counselbench.engagements.models import EngagementState
from counselbench.insights.models import SatisfactionSurvey, ScalingSignal, SignalKind
from counselbench.insights.services.metrics import dashboard
from counselbench.intake.models import Lead
from counselbench.matters.models import Task

OWNER = "dana.whitfield@whitfieldmoreno.example"


@pytest.fixture(scope="module")
def firm(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        yield organizations.firm()
        transaction.set_rollback(True)


def _counts(firm) -> tuple[int, ...]:
    return tuple(
        model.objects.filter(organization=firm).count()
        for model in (Task, TimeEntry, Lead, SatisfactionSurvey, ScalingSignal)
    )


@pytest.mark.django_db
def test_the_demo_signals_say_who_is_full_and_what_to_hire_for(firm):
    active = ScalingSignal.objects.filter(organization=firm, cleared_on__isnull=True)
    assert not active.filter(kind=SignalKind.SLIPPING_BACK).exists()

    (full,) = active.filter(kind=SignalKind.FULL_CAPACITY)
    assert full.engagement.professional.user.email == MARIA
    assert full.engagement.state == EngagementState.ACTIVE
    assert all(Decimal(w["utilization"]) > Decimal("0.9") for w in full.evidence["weeks"])

    (bottleneck,) = active.filter(kind=SignalKind.BOTTLENECK)
    assert bottleneck.category.key == BACKLOG_CATEGORY
    backlog = bottleneck.evidence["backlog"]
    assert backlog == sorted(set(backlog)) and backlog[-1] >= 3
    assert bottleneck.evidence["posting_url"].endswith(f"?category={bottleneck.category_id}")

    # Building the demo again adds nothing and keeps the same signals.
    before = _counts(firm)
    build_demo()
    assert _counts(firm) == before
    assert set(active.values_list("pk", flat=True)) == {full.pk, bottleneck.pk}


@pytest.mark.django_db
def test_the_demo_dashboard_answers_the_partners_questions(firm):
    owner = actor_for(User.objects.get(email=OWNER), firm)
    last_month = dashboard(owner)  # the default range: last calendar month
    metrics = last_month.metrics

    recovered = metrics["billable_hours_recovered"]
    assert recovered.value is not None and recovered.value > 0
    assert recovered.denominator < recovered.numerator  # attorney hours now < at the audit

    on_time = metrics["on_time_rate"]
    assert on_time.count > 0 and Decimal("0.6") <= on_time.value <= 1
    assert metrics["rework_rate"].value < Decimal("0.5")
    assert sum(row["tasks_done"] for row in last_month.charts["quality"].rows) > 0

    # The utilization chart puts Maria on top.
    rows = last_month.charts["utilization"].rows
    top = max(rows, key=lambda row: row["utilization"])
    assert top["professional"] == "Maria Alvarez"

    satisfaction = metrics["client_satisfaction"]
    assert satisfaction.count > 0 and 1 <= satisfaction.value <= 5
    assert metrics["lead_to_matter_days"].count > 0
    assert metrics["matter_open_to_close_days"].count > 0
