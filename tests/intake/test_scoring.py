"""The lead score: each factor's points and plain-English reason on hand-built leads, and
routing of new leads."""

from __future__ import annotations

import pytest
from django.utils import timezone

from counselbench.intake.models import IntakeForm, IntakeProfile, IntakeQuestion, Lead, RoutingRule
from counselbench.intake.services import intake as services
from counselbench.intake.services.scoring import score_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    profile = IntakeProfile.objects.create(organization=cast.firm, jurisdictions=["TX", "NM"])
    form = IntakeForm.objects.create(
        organization=cast.firm,
        practice_area="personal_injury",
        title_en="Injury",
        title_es="Lesión",
        typical_value_cents=2_500_000,  # $25,000
    )
    IntakeQuestion.objects.create(
        form=form, key="injured", kind="yes_no", label_en="Were you hurt?", required=True
    )
    IntakeQuestion.objects.create(
        form=form,
        key="court",
        kind="yes_no",
        label_en="Do you have a court date?",
        urgent_values=["yes"],
    )
    return profile, form


def by_factor(reasons):
    return {r["factor"]: r for r in reasons}


def test_complete_lead_in_a_served_state_scores_each_factor(cast, setup):
    profile, form = setup
    lead = Lead(
        organization=cast.firm,
        practice_area="personal_injury",
        name="Ana",
        state="TX",
        urgency="normal",
        email="ana@example.com",
        answers={"injured": "yes", "court": "no"},
        details_completed_at=timezone.now(),
    )
    score, reasons = score_lead(lead, profile=profile, form=form, has_route=True)
    factors = by_factor(reasons)
    assert [r["factor"] for r in reasons] == [
        "practice_area",
        "jurisdiction",
        "urgency",
        "value",
        "completeness",
    ]
    assert {f: (r["points"], r["max"]) for f, r in factors.items()} == {
        "practice_area": (25, 25),
        "jurisdiction": (20, 20),
        "urgency": (7, 15),
        "value": (15, 20),
        "completeness": (20, 20),
    }
    assert score == 87
    assert factors["jurisdiction"]["reason"] == "TX is a state the firm serves."
    assert factors["value"]["reason"] == "A typical Personal injury matter is worth about $25,000."
    assert "reachable by email" in factors["completeness"]["reason"]


def test_out_of_state_step_one_lead_without_a_form_scores_low(cast, setup):
    profile, _form = setup
    lead = Lead(organization=cast.firm, practice_area="tax", name="Bo", state="CA", urgency="low")
    score, reasons = score_lead(lead, profile=profile, form=None, has_route=False)
    factors = by_factor(reasons)
    assert factors["practice_area"]["points"] == 0
    assert factors["practice_area"]["reason"] == "The firm has no active form for Tax."
    assert factors["jurisdiction"]["points"] == 0
    assert "outside the states the firm serves (TX, NM)" in factors["jurisdiction"]["reason"]
    assert factors["urgency"]["points"] == 3
    assert factors["value"]["points"] == 0
    assert factors["completeness"]["points"] == 0
    assert score == 3


def test_routed_area_without_form_and_unknown_state_get_partial_points(cast, setup):
    profile, _form = setup
    lead = Lead(organization=cast.firm, practice_area="tax", name="Cy", phone="+15125550100")
    _score, reasons = score_lead(lead, profile=profile, form=None, has_route=True)
    factors = by_factor(reasons)
    assert factors["practice_area"]["points"] == 15
    assert factors["jurisdiction"]["points"] == 10
    assert factors["jurisdiction"]["reason"] == "The prospect's state is not known yet."
    assert factors["completeness"]["points"] == 6


def test_an_urgent_answer_raises_urgency_and_says_why(cast, setup):
    profile, form = setup
    lead = Lead(
        organization=cast.firm,
        practice_area="personal_injury",
        name="Di",
        urgency="normal",
        answers={"court": "yes"},
    )
    _score, reasons = score_lead(lead, profile=profile, form=form, has_route=False)
    urgency = by_factor(reasons)["urgency"]
    assert urgency["points"] == 12
    assert "Do you have a court date?" in urgency["reason"]


def test_a_saved_lead_whose_urgency_an_answer_raised_still_says_why(cast, setup):
    # Once details are in, the lead's urgency is stored raised ("high"): rescoring it must still
    # name the urgent answer, not claim the prospect said "high".
    profile, form = setup
    lead = Lead(
        organization=cast.firm,
        practice_area="personal_injury",
        name="Di",
        urgency="high",
        answers={"court": "yes"},
    )
    _score, reasons = score_lead(lead, profile=profile, form=form, has_route=False)
    assert "Do you have a court date?" in by_factor(reasons)["urgency"]["reason"]


def test_missing_required_answer_costs_completeness(cast, setup):
    profile, form = setup
    lead = Lead(
        organization=cast.firm,
        practice_area="personal_injury",
        name="Ed",
        email="ed@example.com",
        details_completed_at=timezone.now(),
    )
    _score, reasons = score_lead(lead, profile=profile, form=form, has_route=False)
    completeness = by_factor(reasons)["completeness"]
    assert completeness["points"] == 14
    assert "1 required answer(s) missing" in completeness["reason"]


def test_score_is_recomputed_after_step_two_and_by_rescore(cast, setup):
    lead = services.create_lead(
        organization=cast.firm,
        data=services.LeadInput(name="Flor", practice_area="personal_injury"),
    )
    first = lead.score
    lead = services.complete_details(
        lead,
        data=services.DetailsInput(email="flor@example.com", state="NM", answers={"injured": "no"}),
    )
    assert lead.score > first
    assert Lead.objects.get(pk=lead.pk).score == lead.score
    IntakeProfile.objects.filter(organization=cast.firm).update(jurisdictions=["TX"])
    services.rescore(lead)
    assert Lead.objects.get(pk=lead.pk).score == lead.score - 0  # saved
    assert by_factor(Lead.objects.get(pk=lead.pk).score_reasons)["jurisdiction"]["points"] == 0


def test_routing_uses_the_area_rule_then_the_fallback(cast, setup):
    RoutingRule.objects.create(
        organization=cast.firm, practice_area="personal_injury", assignee=cast.attorney
    )
    RoutingRule.objects.create(organization=cast.firm, practice_area="", assignee=cast.staff)
    injury = services.create_lead(
        organization=cast.firm,
        data=services.LeadInput(name="Gil", practice_area="personal_injury"),
    )
    family = services.create_lead(
        organization=cast.firm, data=services.LeadInput(name="Hana", practice_area="family")
    )
    assert injury.assigned_to == cast.attorney
    assert family.assigned_to == cast.staff
    routed = family.events.get(kind="routed")
    assert "fallback" in routed.note


def test_no_rule_leaves_the_lead_unassigned(cast, setup):
    lead = services.create_lead(
        organization=cast.firm, data=services.LeadInput(name="Ivo", practice_area="family")
    )
    assert lead.assigned_to is None
    assert list(lead.events.values_list("kind", flat=True)) == ["created"]
