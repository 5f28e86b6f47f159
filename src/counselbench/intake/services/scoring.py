"""The lead score (PRODUCT §2.7): a transparent 0–100 total of five factors, each with its points,
its maximum and a plain-English reason the firm sees next to the lead.

| factor        | max | what earns the points                                              |
|---------------|-----|--------------------------------------------------------------------|
| practice_area | 25  | the firm takes this practice area (an active form; routing only 15) |
| jurisdiction  | 20  | the prospect is in a state the firm serves                         |
| urgency       | 15  | how urgent the prospect says it is (or an answer marked urgent)    |
| value         | 20  | the typical value of a matter of this kind (IntakeForm)            |
| completeness  | 20  | details given, required answers given, a way to reach them         |
"""

from __future__ import annotations

from typing import Any

from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    Lead,
    RoutingRule,
    Urgency,
)

MAX_POINTS = {
    "practice_area": 25,
    "jurisdiction": 20,
    "urgency": 15,
    "value": 20,
    "completeness": 20,
}
URGENCY_POINTS = {Urgency.EMERGENCY: 15, Urgency.HIGH: 12, Urgency.NORMAL: 7, Urgency.LOW: 3}
_URGENCY_ORDER: list[str] = [Urgency.LOW, Urgency.NORMAL, Urgency.HIGH, Urgency.EMERGENCY]
# Typical matter value (dollars) → points.
VALUE_STEPS = [(50_000, 20), (10_000, 15), (2_500, 10), (1, 5)]


def _reason(factor: str, points: int, reason: str) -> dict[str, Any]:
    return {"factor": factor, "points": points, "max": MAX_POINTS[factor], "reason": reason}


def urgent_answer(lead: Lead, form: IntakeForm | None) -> str:
    """The label of the first question whose answer the firm marked urgent, or ''."""
    if form is None or not lead.answers:
        return ""
    for question in form.questions.all():
        value = lead.answers.get(question.key)
        if value not in (None, "") and str(value) in [str(v) for v in question.urgent_values]:
            return question.label_en
    return ""


def effective_urgency(lead: Lead, form: IntakeForm | None) -> str:
    """The lead's urgency, raised to "high" when an answer is one the firm marked urgent."""
    urgency = lead.urgency if lead.urgency in _URGENCY_ORDER else Urgency.NORMAL
    if urgent_answer(lead, form) and _URGENCY_ORDER.index(urgency) < 2:
        return Urgency.HIGH
    return urgency


def score_lead(
    lead: Lead,
    *,
    profile: IntakeProfile,
    form: IntakeForm | None,
    has_route: bool,
) -> tuple[int, list[dict[str, Any]]]:
    """The score and its reasons for `lead` (not saved). `form` is the firm's form for the lead's
    practice area (active or not), `has_route` whether a routing rule names that area."""
    reasons: list[dict[str, Any]] = []
    area = lead.get_practice_area_display()

    # Practice-area fit.
    if form is not None and form.active:
        reasons.append(_reason("practice_area", 25, f"The firm takes {area} matters."))
    elif has_route:
        reasons.append(
            _reason("practice_area", 15, f"{area} is routed to someone but has no active form.")
        )
    else:
        reasons.append(_reason("practice_area", 0, f"The firm has no active form for {area}."))

    # Jurisdiction.
    served = [str(s).upper() for s in profile.jurisdictions or []]
    state = (lead.state or "").upper()
    if not served:
        reasons.append(
            _reason("jurisdiction", 20, "The firm has not limited the states it serves.")
        )
    elif not state:
        reasons.append(_reason("jurisdiction", 10, "The prospect's state is not known yet."))
    elif state in served:
        reasons.append(_reason("jurisdiction", 20, f"{state} is a state the firm serves."))
    else:
        reasons.append(
            _reason(
                "jurisdiction",
                0,
                f"{state} is outside the states the firm serves ({', '.join(served)}).",
            )
        )

    # Urgency.
    urgency = effective_urgency(lead, form)
    flagged = urgent_answer(lead, form)
    label = Urgency(urgency).label.lower()
    # The stored urgency is already the raised one once details are in, so an urgent answer
    # with "high" is the reason whenever it applies (an emergency stays the prospect's word).
    if flagged and urgency == Urgency.HIGH:
        text = f"Urgency {label}: the answer to “{flagged}” is marked urgent."
    else:
        text = f"The prospect says the urgency is {label}."
    reasons.append(_reason("urgency", URGENCY_POINTS[Urgency(urgency)], text))

    # Estimated value.
    value_cents = form.typical_value_cents if form is not None else 0
    dollars = value_cents // 100
    points = next((p for floor, p in VALUE_STEPS if dollars >= floor), 0)
    if dollars:
        reasons.append(
            _reason("value", points, f"A typical {area} matter is worth about ${dollars:,}.")
        )
    else:
        reasons.append(_reason("value", 0, f"No typical value is set for {area} matters."))

    # Completeness.
    parts: list[str] = []
    points = 0
    if lead.details_completed_at is not None:
        points += 8
        parts.append("details given (8)")
    else:
        parts.append("details not given yet (0)")
    # The questions are read only once there are details (step one's score needs none).
    has_details = lead.details_completed_at is not None
    required = [q for q in form.questions.all() if q.required] if form and has_details else []
    missing = [q for q in required if lead.answers.get(q.key) in (None, "")]
    if lead.details_completed_at is not None and not missing:
        points += 6
        parts.append("required answers given (6)" if required else "no required questions (6)")
    elif missing:
        parts.append(f"{len(missing)} required answer(s) missing (0)")
    else:
        parts.append("answers not given yet (0)")
    if lead.email or lead.phone:
        points += 6
        parts.append(
            "reachable by "
            + " and ".join(x for x in ("email", "phone") if getattr(lead, x))
            + " (6)"
        )
    else:
        parts.append("no email or phone (0)")
    reasons.append(_reason("completeness", points, "; ".join(parts).capitalize() + "."))

    total = sum(r["points"] for r in reasons)
    return max(0, min(100, total)), reasons


def score_for(lead: Lead) -> tuple[int, list[dict[str, Any]]]:
    """Score a lead looking up its firm's profile, form and routing (a few queries)."""
    profile, _ = IntakeProfile.objects.get_or_create(organization_id=lead.organization_id)
    form = (
        IntakeForm.objects.filter(
            organization_id=lead.organization_id, practice_area=lead.practice_area
        )
        .prefetch_related("questions")
        .first()
    )
    has_route = RoutingRule.objects.filter(
        organization_id=lead.organization_id, practice_area=lead.practice_area
    ).exists()
    return score_lead(lead, profile=profile, form=form, has_route=has_route)
