"""The engagement's state machine: the one table of allowed moves and the guards on each.

proposed → NDA pending → trial → active → ending → ended, plus declined and replaced. Every move
goes through `transition`, which checks who may make it and what blocks it, writes the new
state, and logs who and when; a refusal changes nothing and says what would unblock it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch
from counselbench.core.errors import PermissionDenied, RuleViolation
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    Engagement,
    EngagementEvent,
    EngagementModel,
    EngagementState,
    MarkupPolicy,
    Risk,
    SignatureKind,
)
from counselbench.engagements.services.agreement import both_accepted
from counselbench.engagements.services.classification import current_assessment
from counselbench.engagements.services.markup import markup_rule

S = EngagementState


@dataclass(frozen=True)
class Move:
    label: str  # the button
    by_professional: bool = False  # the professional makes this move, not the firm
    needs_reason: bool = False


def _table(moves: dict[tuple[S, S], Move]) -> dict[tuple[str, str], Move]:
    # Keyed by the plain values: an enum member hashes by its name, a loaded row's state is text.
    return {(frm.value, to.value): move for (frm, to), move in moves.items()}


FLOW = _table(
    {
        (S.PROPOSED, S.NDA_PENDING): Move("Send to the professional"),
        (S.PROPOSED, S.DECLINED): Move("Withdraw", needs_reason=True),
        (S.NDA_PENDING, S.DECLINED): Move("Withdraw", needs_reason=True),
        (S.NDA_PENDING, S.TRIAL): Move("Start the trial"),
        (S.TRIAL, S.ACTIVE): Move("Continue after the trial", needs_reason=True),
        (S.TRIAL, S.REPLACED): Move("Replace", needs_reason=True),
        (S.ACTIVE, S.ENDING): Move("Give notice", needs_reason=True),
        (S.ENDING, S.ENDED): Move("End the engagement"),
    }
)
# The professional may turn an offer down (a move of their own, not the firm's).
PROFESSIONAL_FLOW = _table(
    {
        (S.NDA_PENDING, S.DECLINED): Move("Decline the offer", by_professional=True),
    }
)


def moves_for(actor: Actor, engagement: Engagement) -> list[tuple[str, Move]]:
    """The moves this actor may try from the current state (guards are checked on the move)."""
    if can(actor, Action.CHANGE, engagement):
        table = FLOW
    elif can(actor, Action.SIGN, engagement):
        table = PROFESSIONAL_FLOW
    else:
        return []
    return [(to, move) for (frm, to), move in table.items() if frm == str(engagement.state)]


def _guard(engagement: Engagement, to: str) -> None:
    """Raise the rule that blocks moving `engagement` to `to`, if any."""
    if to == S.NDA_PENDING:
        assessment = current_assessment(engagement)
        if assessment is None:
            raise RuleViolation(
                Code.CLASSIFICATION_MISSING,
                "The worker-classification questions are not answered for these terms.",
                unblock="Answer the classification questions (they are asked again whenever "
                "the terms change).",
            )
        if assessment.risk == Risk.HIGH and engagement.engagement_model == EngagementModel.DIRECT:
            raise RuleViolation(
                Code.CLASSIFICATION_HIGH_RISK,
                f"Classification risk is high for a direct 1099 engagement in "
                f"{assessment.work_state}.",
                unblock="Engage through an agency of record (W-2 through the agency), or "
                "change the terms and answer the questions again.",
            )
        if engagement.engagement_model == EngagementModel.MARKETPLACE and (
            engagement.posting is not None and engagement.posting.attorney_work
        ):
            raise RuleViolation(
                Code.FEE_SHARING,
                "Through a marketplace that disclaims being a staffing agency, the engagement is "
                "limited to paraprofessional work; this posting includes attorney-level work.",
                unblock="Engage through a staffing and placement agency of record, or directly.",
            )
        rule = markup_rule(engagement.jurisdiction)
        if engagement.markup_percent > 0 and rule.policy == MarkupPolicy.NOT_ALLOWED:
            raise RuleViolation(
                Code.MARKUP_NOT_ALLOWED,
                f"{engagement.jurisdiction} does not allow billing a contractor's work at a "
                f"markup ({rule.source}).",
                unblock="Set the markup to 0 (bill at cost).",
            )
    if to == S.TRIAL and not engagement.signatures.filter(kind=SignatureKind.NDA).exists():
        raise RuleViolation(
            Code.NDA_UNSIGNED,
            "The professional has not signed the NDA.",
            unblock="Wait for the professional to sign the NDA (they see the offer "
            "without your firm's name until then).",
        )
    if to == S.TRIAL and not both_accepted(engagement):
        raise RuleViolation(
            Code.AGREEMENT_NOT_ACCEPTED,
            "Both sides must accept the latest engagement agreement before the trial starts.",
            unblock="Issue the agreement if there is none; then the firm and the professional "
            "each accept it.",
        )


def transition(
    actor: Actor,
    *,
    engagement_id: int,
    to: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Engagement:
    engagement = fetch(actor, Engagement, pk=engagement_id)
    key = (str(engagement.state), str(to))
    if can(actor, Action.CHANGE, engagement):
        move = FLOW.get(key)
    elif can(actor, Action.SIGN, engagement):
        move = PROFESSIONAL_FLOW.get(key)
    else:
        raise PermissionDenied(
            "Only the firm's owners and the supervising attorney change an engagement's state."
        )
    if move is None:
        target = S(to).label.lower() if to in S.values else repr(to)
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            f"An engagement that is {engagement.get_state_display().lower()} cannot become "
            f"{target}.",
            unblock="Allowed next: "
            + (", ".join(S(t).label.lower() for t, _ in moves_for(actor, engagement)) or "none"),
        )
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise RuleViolation(
            Code.REASON_REQUIRED, f"“{move.label}” needs a reason.", unblock="Say why."
        )
    _guard(engagement, to)
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if locked.state != engagement.state:  # someone else moved it meanwhile
            raise RuleViolation(
                Code.TRANSITION_NOT_ALLOWED,
                "The engagement changed meanwhile.",
                unblock="Reload and try again.",
            )
        previous = engagement.state
        engagement.state = to
        engagement.state_changed_at = timezone.now()
        fields = ["state", "state_changed_at"]
        if to == S.NDA_PENDING:
            engagement.sent_at = engagement.state_changed_at
            fields.append("sent_at")
        if to == S.ENDED:
            engagement.ended_on = timezone.localdate()
            fields.append("ended_on")
        engagement.save(update_fields=fields)
        EngagementEvent.objects.create(
            engagement=engagement,
            from_state=previous,
            to_state=to,
            actor=actor.user,
            reason=reason,
        )
        log.record(
            "engagements.transition",
            actor=actor,
            organization=engagement.organization,
            obj=engagement,
            request=request,
            detail={"from": previous, "to": to, "reason": reason},
        )
        if to == S.TRIAL:
            from counselbench.engagements.services.checkins import schedule_first_quarter
            from counselbench.engagements.services.onboarding import generate_plan

            generate_plan(engagement)
            schedule_first_quarter(engagement)
        if to == S.ENDED:
            from counselbench.engagements.services.ending import on_end

            on_end(engagement, by=actor.user)
        if to == S.REPLACED:
            from counselbench.engagements.services.replacement import replace
            from counselbench.matters.services.grants import revoke_for_engagement

            revoke_for_engagement(
                engagement, by=actor.user, reason="The professional was replaced."
            )

            replace(actor, engagement, request=request)
    return engagement
