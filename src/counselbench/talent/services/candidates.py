"""From matches to a hire: shortlist → invite to interview → structured interview → select.

Everyone on a posting's shortlist answers the same questions, scored 1–5 on the same rubric, so
candidates compare side by side. Selecting records the agreed rate (the installation's own rate
data) and closes the posting as filled; the engagements capability opens the engagement from the
selected candidate. "Replace" marks a candidate as replaced so the match runs without them.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.talent import matching
from counselbench.talent.error_codes import TalentErrorCode as Code
from counselbench.talent.models import (
    AcceptedRate,
    Candidate,
    CandidateState,
    InterviewQuestion,
    InterviewScore,
    JobPosting,
    PostingStatus,
)

DEFAULT_QUESTIONS = [
    ("Walk us through a recent matter where you did this kind of work.", "5: specific, owned "
     "outcome, named tools and deadlines; 3: relevant but general; 1: no relevant example"),
    ("How do you keep the supervising attorney informed, and how often?", "5: proposes a "
     "cadence and channels matching ours; 3: responsive when asked; 1: vague"),
    ("Tell us about a mistake you caught, or made, and what you did next.", "5: caught early, "
     "fixed, changed the process; 3: fixed it; 1: blames others"),
    ("How would you handle two deadlines landing on the same day?", "5: flags early, asks for "
     "priorities, proposes a plan; 3: works longer; 1: misses one"),
]  # fmt: skip
FLOW: dict[str, set[str]] = {
    CandidateState.SHORTLISTED: {CandidateState.INVITED, CandidateState.REJECTED},
    CandidateState.INVITED: {CandidateState.INTERVIEWED, CandidateState.REJECTED},
    CandidateState.INTERVIEWED: {CandidateState.SELECTED, CandidateState.REJECTED},
    CandidateState.SELECTED: {CandidateState.REPLACED},
}


def ensure_questions(posting: JobPosting) -> list[InterviewQuestion]:
    if not posting.interview_questions.exists():
        InterviewQuestion.objects.bulk_create(
            InterviewQuestion(posting=posting, position=i, text=text, rubric=rubric)
            for i, (text, rubric) in enumerate(DEFAULT_QUESTIONS, start=1)
        )
    return list(posting.interview_questions.all())


def shortlist(
    actor: Actor, *, posting_id: int, profile_id: int, request: HttpRequest | None = None
) -> Candidate:
    """Add a matched professional, keeping the score and reasons they had at the time."""
    posting = fetch(actor, JobPosting, Action.CHANGE, pk=posting_id)
    if posting.status != PostingStatus.OPEN:
        raise RuleViolation(Code.POSTING_NOT_OPEN, "Only an open posting takes candidates.",
                            unblock="Open the posting first.")  # fmt: skip
    today = timezone.localdate()
    profile = (
        matching.ranked(posting, today=today).filter(pk=profile_id).prefetch_related("tags").first()
    )
    if profile is None:
        raise RuleViolation(
            Code.CANDIDATE_NOT_MATCHED,
            "That professional does not meet this posting's requirements.",
            unblock="See why on the matches page (“why not?”).",
        )
    match = matching.explain(posting, profile, matching.weights_for(posting.organization_id))
    with transaction.atomic():
        candidate, created = Candidate.objects.get_or_create(
            posting=posting,
            professional=profile,
            defaults={
                "score": match.score,
                "explanation": [
                    {"factor": c.factor, "points": str(c.points), "why": c.why}
                    for c in match.contributions
                ],
                "added_by": actor.user,
            },
        )
        ensure_questions(posting)
        if created:
            log.record("talent.candidate_shortlisted", actor=actor, obj=candidate, request=request)
    return candidate


def move(
    actor: Actor,
    *,
    candidate_id: int,
    state: str,
    agreed_rate_cents: int | None = None,
    request: HttpRequest | None = None,
) -> Candidate:
    candidate = fetch(actor, Candidate, Action.CHANGE, pk=candidate_id)
    if state not in FLOW.get(str(candidate.state), set()):
        raise RuleViolation(
            Code.CANDIDATE_STATE,
            f"A candidate who is {candidate.get_state_display().lower()} cannot become "
            f"{CandidateState(state).label.lower() if state in CandidateState.values else state}.",
        )
    if state == CandidateState.INTERVIEWED:
        questions = candidate.posting.interview_questions.count()
        if candidate.scores.count() < questions:
            raise RuleViolation(
                Code.INTERVIEW_INCOMPLETE,
                "Score every interview question before marking the interview done.",
            )
    rate_ok = isinstance(agreed_rate_cents, int) and 0 < agreed_rate_cents <= 100_000
    if state == CandidateState.SELECTED and not rate_ok:
        raise Invalid.field("agreed_rate_cents", "The agreed hourly rate, up to $1,000.")
    with transaction.atomic():
        candidate.state = state
        candidate.decided_at = timezone.now()
        if state == CandidateState.SELECTED and agreed_rate_cents is not None:
            candidate.agreed_rate_cents = agreed_rate_cents
            profile = candidate.professional
            AcceptedRate.objects.create(
                role=profile.role,
                years_experience=profile.years_experience,
                practice_area=candidate.posting.practice_area,
                state=profile.state,
                hourly_rate_cents=agreed_rate_cents,
                candidate=candidate,
            )
            JobPosting.objects.filter(pk=candidate.posting_id).update(status=PostingStatus.FILLED)
        if state == CandidateState.REPLACED:
            JobPosting.objects.filter(pk=candidate.posting_id).update(status=PostingStatus.OPEN)
        candidate.save()
        log.record(
            "talent.candidate_moved",
            actor=actor,
            obj=candidate,
            request=request,
            detail={"state": state},
        )
    return candidate


def score_interview(
    actor: Actor,
    *,
    candidate_id: int,
    scores: dict[int, tuple[int, str]],
    request: HttpRequest | None = None,
) -> list[InterviewScore]:
    """Scores by question id: (1–5, notes). The same questions for every candidate."""
    candidate = fetch(actor, Candidate, Action.CHANGE, pk=candidate_id)
    if candidate.state not in (CandidateState.INVITED, CandidateState.INTERVIEWED):
        raise RuleViolation(Code.CANDIDATE_STATE, "Invite the candidate to interview first.")
    questions = {q.pk: q for q in candidate.posting.interview_questions.all()}
    errors = []
    for question_id, (score, _) in scores.items():
        if question_id not in questions:
            errors.append(FieldError(f"scores.{question_id}", "Not a question of this posting."))
        elif not isinstance(score, int) or not 1 <= score <= 5:
            errors.append(FieldError(f"scores.{question_id}.score", "From 1 to 5."))
    if errors:
        raise Invalid("Some scores are not valid.", fields=errors)
    saved = []
    with transaction.atomic():
        for question_id, (score, notes) in scores.items():
            row, _ = InterviewScore.objects.update_or_create(
                candidate=candidate,
                question=questions[question_id],
                defaults={"score": score, "notes": notes.strip(), "interviewer": actor.user},
            )
            saved.append(row)
        log.record("talent.interview_scored", actor=actor, obj=candidate, request=request)
    return saved


def comparison(posting: JobPosting) -> dict:
    """Questions down, candidates across: each cell a score, with totals (side by side)."""
    questions = list(posting.interview_questions.all())
    candidates = list(
        posting.candidates.select_related("professional__user").prefetch_related("scores")
    )
    cells = {c.pk: {s.question_id: s for s in c.scores.all()} for c in candidates}
    return {
        "questions": questions,
        "candidates": candidates,
        "rows": [(q, [cells[c.pk].get(q.pk) for c in candidates]) for q in questions],
        # Each candidate's own sheet, so a score form shows what was saved before.
        "sheets": [(c, [(q, cells[c.pk].get(q.pk)) for q in questions]) for c in candidates],
        "totals": [sum(s.score for s in cells[c.pk].values()) for c in candidates],
    }
