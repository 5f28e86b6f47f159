"""Worker classification: the IRS common-law factors, and the ABC test where a state uses it.

The IRS groups the evidence of control into behavioral control, financial control and the
relationship of the parties (IRS Publication 15-A, "Employee or Independent Contractor?"); no
single answer decides. States with an ABC test presume employment unless all three prongs hold
(e.g. California Labor Code § 2775). This module scores the answers; it is a risk screen that
shows its reasons, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from counselbench.engagements.models import Risk


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    text: str
    employee_if: bool  # the answer that points towards employment
    weight: int
    why: str  # the reason shown when the answer points towards employment


BEHAVIORAL, FINANCIAL, RELATIONSHIP, ABC = (
    "Behavioral control",
    "Financial control",
    "Relationship of the parties",
    "ABC test",
)
COMMON_LAW = [
    Question("instructions", BEHAVIORAL, "Will the firm tell them how to do the work (methods, "
             "order, tools), not only what result it needs?", True, 3,
             "the firm directs how the work is done"),
    Question("schedule", BEHAVIORAL, "Will the firm set their working hours or where they "
             "work?", True, 2, "the firm sets hours or place of work"),
    Question("training", BEHAVIORAL, "Will the firm train them in its own methods?", True, 1,
             "the firm trains them in its methods"),
    Question("own_tools", FINANCIAL, "Do they work with their own equipment, software and "
             "workspace, at their own cost?", False, 1, "the firm supplies the tools"),
    Question("own_expenses", FINANCIAL, "Do they pay their own business expenses without "
             "reimbursement?", False, 1, "the firm reimburses their expenses"),
    Question("other_clients", FINANCIAL, "Do they offer their services to other firms or "
             "clients?", False, 2, "they work only for this firm"),
    Question("profit_or_loss", FINANCIAL, "Can they make a profit or a loss (negotiated rate "
             "or per project, may hire help)?", False, 1, "no chance of profit or loss"),
    Question("written_contract", RELATIONSHIP, "Is there a written agreement that they are an "
             "independent contractor?", False, 1, "no written contractor agreement"),
    Question("benefits", RELATIONSHIP, "Will the firm give employee-type benefits (insurance, "
             "paid leave, retirement)?", True, 3, "employee-type benefits"),
    Question("indefinite", RELATIONSHIP, "Is the relationship expected to continue "
             "indefinitely, with no project or end date?", True, 1,
             "open-ended, with no project or end date"),
    Question("core_business", RELATIONSHIP, "Is their work a key, regular part of the firm's "
             "business?", True, 1, "the work is a key, regular part of the business"),
]  # fmt: skip
ABC_PRONGS = [
    Question("abc_free_from_control", ABC, "A: Are they free from the firm's control and "
             "direction in doing the work, in the contract and in fact?", False, 0,
             "prong A fails: the firm controls and directs the work"),
    Question("abc_outside_usual_course", ABC, "B: Is the work outside the usual course of the "
             "firm's business?", False, 0,
             "prong B fails: the work is in the usual course of a law firm's business"),
    Question("abc_independent_trade", ABC, "C: Are they customarily engaged in an independently "
             "established trade or business of the same kind?", False, 0,
             "prong C fails: no independently established business of their own"),
]  # fmt: skip
QUESTIONS = COMMON_LAW + ABC_PRONGS
TOTAL_WEIGHT = sum(q.weight for q in COMMON_LAW)
HIGH_SHARE = 0.5  # half the weighted evidence points to employment
MEDIUM_SHARE = 0.25


@dataclass
class Outcome:
    risk: str
    reasons: list[str]
    employee_share: float  # of the common-law evidence, by weight
    abc_test_applies: bool


def score(answers: dict[str, bool], *, work_state: str, abc_states: set[str]) -> Outcome:
    """The risk level and the answers that drove it. `answers` holds every question's key."""
    pointing = [q for q in COMMON_LAW if answers[q.key] == q.employee_if]
    share = sum(q.weight for q in pointing) / TOTAL_WEIGHT
    reasons = [f"{q.group}: {q.why}" for q in pointing]
    risk = Risk.HIGH if share >= HIGH_SHARE else Risk.MEDIUM if share >= MEDIUM_SHARE else Risk.LOW
    applies = work_state in abc_states
    if applies:
        failed = [q for q in ABC_PRONGS if answers[q.key] == q.employee_if]
        if failed:
            risk = Risk.HIGH
            reasons = [f"ABC test in {work_state}: {q.why}" for q in failed] + reasons
    return Outcome(risk=risk, reasons=reasons, employee_share=share, abc_test_applies=applies)
