"""The four-step vetting pipeline, bar verification and the soft-skills assessment.

Steps run in order (resume screen → video interview → skills test → background and reference
checks); a step can be recorded once every earlier step's latest decision is a pass. Decisions
are never edited: a new decision on a step supersedes the old one, and all stay on record. A
professional is vetted when every step's latest decision is a pass (and, for a contract attorney,
at least one bar admission is verified active); it counts from the oldest of those passes for
VETTING_VALID_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.talent.error_codes import TalentErrorCode as Code
from counselbench.talent.models import (
    VETTING_ORDER,
    BarStatus,
    Outcome,
    ProfessionalProfile,
    SoftSkill,
    SoftSkillAssessment,
    VettingStep,
    VettingStepKind,
)

# The published rubric: what a 1, 3 and 5 look like for each soft skill.
SOFT_SKILL_RUBRIC = {
    SoftSkill.ACCOUNTABILITY: (
        "Misses commitments without warning",
        "Meets commitments; flags slips when asked",
        "Owns outcomes; flags risks early and proposes fixes",
    ),
    SoftSkill.PROACTIVITY: (
        "Waits for every instruction",
        "Asks good questions when stuck",
        "Anticipates the next step and suggests process improvements",
    ),
    SoftSkill.COLLABORATION: (
        "Works in isolation; hard to reach",
        "Responsive in the agreed channels",
        "Fits the team's rhythm; makes others' work easier",
    ),
    SoftSkill.ATTENTION_TO_DETAIL: (
        "Work needs heavy correction",
        "Occasional small errors caught in review",
        "Work is consistently ready for attorney review",
    ),
    SoftSkill.COMMUNICATION: (
        "Unclear or late updates",
        "Clear written and spoken updates",
        "Concise, well-timed updates tailored to the reader",
    ),
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class StepStatus:
    kind: str
    label: str
    latest: VettingStep | None
    passed: bool
    stale: bool


def latest_steps(profile: ProfessionalProfile) -> dict[str, VettingStep]:
    latest: dict[str, VettingStep] = {}
    for step in profile.vetting_steps.order_by("recorded_at", "pk"):
        latest[step.kind] = step
    return latest


def pipeline(profile: ProfessionalProfile, *, today: date | None = None) -> list[StepStatus]:
    """Each step with its latest decision: what the profile shows (passed, when, by whom)."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.VETTING_VALID_DAYS)
    latest = latest_steps(profile)
    return [
        StepStatus(
            kind=kind,
            label=VettingStepKind(kind).label,
            latest=latest.get(kind),
            passed=bool(latest.get(kind) and latest[kind].outcome == Outcome.PASSED),
            stale=bool(latest.get(kind) and latest[kind].reviewed_on < cutoff),
        )
        for kind in VETTING_ORDER
    ]


def is_vetted(profile: ProfessionalProfile, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return profile.vetted_at is not None and profile.vetted_at >= today - timedelta(
        days=settings.VETTING_VALID_DAYS
    )


def refresh_vetted(profile: ProfessionalProfile) -> None:
    """Recompute `vetted_at` from the decisions on record (call inside the writer's transaction)."""
    latest = latest_steps(profile)
    passed = [s for s in latest.values() if s.outcome == Outcome.PASSED]
    complete = len(passed) == len(VETTING_ORDER)
    if complete and profile.is_attorney:
        complete = profile.bar_admissions.filter(
            status=BarStatus.ACTIVE, verified_at__isnull=False
        ).exists()
    vetted_at = min(s.reviewed_on for s in passed) if complete else None
    if vetted_at != profile.vetted_at:
        profile.vetted_at = vetted_at
        profile.save(update_fields=["vetted_at"])


def record_step(
    actor: Actor,
    *,
    profile_id: int,
    kind: str,
    outcome: str,
    score: int,
    notes: str = "",
    reviewed_on: date | None = None,
    evidence: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> VettingStep:
    profile = fetch(actor, ProfessionalProfile, Action.VET, pk=profile_id)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    errors = []
    if kind not in VETTING_ORDER:
        errors.append(FieldError("kind", f"One of: {', '.join(VETTING_ORDER)}."))
    if outcome not in Outcome.values:
        errors.append(FieldError("outcome", "Passed or failed."))
    if not isinstance(score, int) or not 0 <= score <= 100:
        errors.append(FieldError("score", "A rubric score from 0 to 100."))
    if reviewed_on > today:
        errors.append(FieldError("reviewed_on", "Cannot be in the future."))
    if outcome == Outcome.FAILED and not (notes or "").strip():
        errors.append(FieldError("notes", "Say why the step was failed."))
    if evidence is not None and (evidence.size or 0) > EVIDENCE_MAX_BYTES:
        errors.append(FieldError("evidence", "Evidence files are limited to 10 MB."))
    if errors:
        raise Invalid("The vetting decision is not valid.", fields=errors)
    with transaction.atomic():
        locked = ProfessionalProfile.objects.select_for_update().get(pk=profile.pk)
        latest = latest_steps(locked)
        for earlier in VETTING_ORDER[: VETTING_ORDER.index(kind)]:
            step = latest.get(earlier)
            if step is None or step.outcome != Outcome.PASSED:
                raise RuleViolation(
                    Code.VETTING_OUT_OF_ORDER,
                    f"{VettingStepKind(kind).label} comes after "
                    f"{VettingStepKind(earlier).label.lower()}, which has not passed.",
                    unblock=f"Record a passing {VettingStepKind(earlier).label.lower()} first.",
                )
        step = VettingStep(
            profile=locked,
            kind=kind,
            outcome=outcome,
            score=score,
            notes=(notes or "").strip(),
            reviewer=actor.authenticated_user,
            reviewed_on=reviewed_on,
        )
        if evidence is not None:
            step.evidence.save(evidence.name or "evidence", evidence, save=False)
        step.save()
        refresh_vetted(locked)
        log.record(
            "talent.vetting_decision",
            actor=actor,
            obj=step,
            request=request,
            detail={"profile": locked.pk, "kind": kind, "outcome": outcome, "score": score},
        )
    return step


def assess_soft_skills(
    actor: Actor,
    *,
    profile_id: int,
    ratings: dict[str, int],
    notes: str = "",
    assessed_on: date | None = None,
    request: HttpRequest | None = None,
) -> SoftSkillAssessment:
    """Rate each soft skill 1–5 on the published rubric; the profile's score is the mean as
    0–100 (all 1s = 0, all 5s = 100)."""
    profile = fetch(actor, ProfessionalProfile, Action.VET, pk=profile_id)
    errors = []
    for skill in SoftSkill.values:
        value = ratings.get(skill)
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors.append(FieldError(f"ratings.{skill}", "Rate from 1 to 5."))
    unknown = set(ratings) - set(SoftSkill.values)
    errors += [FieldError(f"ratings.{name}", "Not a rubric skill.") for name in sorted(unknown)]
    if errors:
        raise Invalid("The assessment is not complete.", fields=errors)
    mean_rating = sum(ratings[s] for s in SoftSkill.values) / len(SoftSkill.values)
    score = round((mean_rating - 1) / 4 * 100)
    with transaction.atomic():
        assessment = SoftSkillAssessment.objects.create(
            profile=profile,
            ratings={s: ratings[s] for s in SoftSkill.values},
            notes=(notes or "").strip(),
            score=score,
            reviewer=actor.authenticated_user,
            assessed_on=assessed_on or timezone.localdate(),
        )
        profile.soft_skills_score = score
        profile.save(update_fields=["soft_skills_score"])
        log.record(
            "talent.soft_skills_assessed",
            actor=actor,
            obj=assessment,
            request=request,
            detail={"profile": profile.pk, "score": score},
        )
    return assessment
