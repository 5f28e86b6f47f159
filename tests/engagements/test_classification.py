"""Worker classification on worked examples: each IRS factor group, the thresholds, and the ABC
test in a state that uses it (and not in one that does not)."""

import pytest

from counselbench.engagements import classification
from counselbench.engagements.classification import TOTAL_WEIGHT, score
from tests.engagements.conftest import CONTRACTOR_ANSWERS

ABC = {"CA", "MA", "NJ"}


def _with(**employee_side):
    """Contractor answers, except the named questions answered the employee way."""
    by_key = {q.key: q for q in classification.QUESTIONS}
    return CONTRACTOR_ANSWERS | {k: by_key[k].employee_if for k in employee_side}


def test_an_independent_contractor_is_low_risk_with_nothing_to_explain():
    outcome = score(CONTRACTOR_ANSWERS, work_state="TX", abc_states=ABC)
    assert (outcome.risk, outcome.reasons, outcome.employee_share) == ("low", [], 0)


def test_behavioral_control_alone_is_medium_and_named():
    # instructions 3 + schedule 2 + training 1 = 6 of 17
    outcome = score(_with(instructions=1, schedule=1, training=1), work_state="TX", abc_states=ABC)
    assert TOTAL_WEIGHT == 17 and outcome.employee_share == pytest.approx(6 / 17)
    assert outcome.risk == "medium"
    assert outcome.reasons == [
        "Behavioral control: the firm directs how the work is done",
        "Behavioral control: the firm sets hours or place of work",
        "Behavioral control: the firm trains them in its methods",
    ]


def test_financial_control_alone_is_medium():
    # own_tools 1 + own_expenses 1 + other_clients 2 + profit_or_loss 1 = 5 of 17
    answers = _with(own_tools=1, own_expenses=1, other_clients=1, profit_or_loss=1)
    outcome = score(answers, work_state="TX", abc_states=ABC)
    assert outcome.risk == "medium"
    assert all(r.startswith("Financial control: ") for r in outcome.reasons)
    assert "Financial control: they work only for this firm" in outcome.reasons


def test_the_relationship_alone_is_medium_and_one_small_sign_is_low():
    answers = _with(benefits=1, indefinite=1, core_business=1, written_contract=1)  # 6 of 17
    assert score(answers, work_state="TX", abc_states=ABC).risk == "medium"
    one = score(_with(core_business=1), work_state="TX", abc_states=ABC)  # 1 of 17
    assert one.risk == "low"
    assert one.reasons == [
        "Relationship of the parties: the work is a key, regular part of the business"
    ]


def test_half_the_evidence_for_employment_is_high():
    # instructions 3 + schedule 2 + benefits 3 + other_clients 2 = 10 of 17
    answers = _with(instructions=1, schedule=1, benefits=1, other_clients=1)
    assert score(answers, work_state="TX", abc_states=ABC).risk == "high"
    # 8 of 17 (47%) stays medium: the threshold is half.
    answers = _with(instructions=1, schedule=1, benefits=1)
    assert score(answers, work_state="TX", abc_states=ABC).risk == "medium"


def test_the_abc_test_makes_a_failed_prong_high_only_where_the_state_uses_it():
    answers = _with(abc_outside_usual_course=1)  # a law firm's paralegal work: prong B fails
    in_california = score(answers, work_state="CA", abc_states=ABC)
    assert in_california.risk == "high" and in_california.abc_test_applies
    assert in_california.reasons == [
        "ABC test in CA: prong B fails: the work is in the usual course of a law firm's business"
    ]
    in_texas = score(answers, work_state="TX", abc_states=ABC)
    assert in_texas.risk == "low" and not in_texas.abc_test_applies
