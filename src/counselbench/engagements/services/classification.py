"""Recording the worker-classification answers for an engagement's current terms."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.engagements import classification
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    AbcTestState,
    ClassificationAssessment,
    Engagement,
    EngagementState,
)


def current_assessment(engagement: Engagement) -> ClassificationAssessment | None:
    """The latest answers, if they were given for the engagement's terms as they are now."""
    latest = engagement.classifications.first()
    if latest is None or latest.terms_hash != engagement.terms_hash():
        return None
    return latest


def assess(
    actor: Actor,
    *,
    engagement_id: int,
    answers: dict[str, bool],
    request: HttpRequest | None = None,
) -> ClassificationAssessment:
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    if engagement.state != EngagementState.PROPOSED:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "Classification is answered while the engagement is a proposal.",
            unblock="Propose a new engagement to change its terms.",
        )
    keys = {q.key for q in classification.QUESTIONS}
    errors = [FieldError(f"answers.{k}", "Answer yes or no.") for k in sorted(keys - set(answers))]
    errors += [FieldError(f"answers.{k}", "Not a question.") for k in sorted(set(answers) - keys)]
    errors += [
        FieldError(f"answers.{k}", "Answer yes or no.")
        for k, v in sorted(answers.items())
        if k in keys and not isinstance(v, bool)
    ]
    if errors:
        raise Invalid("Answer every classification question.", fields=errors)
    work_state = engagement.professional.state
    abc_states = set(AbcTestState.objects.values_list("state", flat=True))
    outcome = classification.score(answers, work_state=work_state, abc_states=abc_states)
    with transaction.atomic():
        assessment = ClassificationAssessment.objects.create(
            engagement=engagement,
            work_state=work_state,
            answers=answers,
            abc_test_applies=outcome.abc_test_applies,
            risk=outcome.risk,
            reasons=outcome.reasons,
            terms_hash=engagement.terms_hash(),
            assessed_by=actor.user,
        )
        log.record(
            "engagements.classified",
            actor=actor,
            obj=engagement,
            request=request,
            detail={"risk": outcome.risk},
        )
    return assessment
