"""API: professionals and their vetting, postings, explained matches, shortlists and structured
interviews, and rate suggestions."""

from django.conf import settings
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch
from counselbench.core.errors import Invalid, NotFound
from counselbench.talent import matching, rates, selectors, services
from counselbench.talent import providers as rubric
from counselbench.talent.models import (
    Candidate,
    JobPosting,
    MatchWeights,
    PracticeArea,
    ProfessionalProfile,
    ProfessionalRole,
    Provider,
    TagKind,
)
from counselbench.talent.schemas import (
    BarAdmissionIn,
    BarAdmissionOut,
    BarVerifyIn,
    CandidateMove,
    CandidateOut,
    InterviewIn,
    InterviewsOut,
    MatchOut,
    MatchWeightsIn,
    MatchWeightsOut,
    PostingIn,
    PostingOut,
    PostingPatch,
    ProfessionalOut,
    ProfilePatch,
    ProviderDetailOut,
    ProviderOut,
    RateSuggestionOut,
    ScorecardIn,
    ShortlistIn,
    SoftSkillsIn,
    VettingOut,
    VettingStepIn,
    WhyNotOut,
)

router = Router(tags=["talent bench"])


# --- Shapes -------------------------------------------------------------------------------------


def _admission(a) -> dict:
    return {
        "id": a.pk,
        "state": a.state,
        "number": a.number,
        "status": a.status,
        "admitted_on": a.admitted_on,
        "verified_at": a.verified_at,
        "verified_by": a.verified_by.display_name if a.verified_by else None,
    }


def professional_out(actor: Actor, p: ProfessionalProfile) -> dict:
    tags: dict[str, list[str]] = {kind: [] for kind in TagKind.values}
    for tag in p.tags.all():
        tags[tag.kind].append(tag.value)
    contact = can(actor, Action.SEE_CONTACT, p)
    return {
        "id": p.pk,
        "name": p.user.display_name,
        "role": p.role,
        "headline": p.headline,
        "bio": p.bio,
        "provider": p.provider.name if p.provider else None,
        "years_experience": p.years_experience,
        "country": p.country,
        "state": p.state,
        "time_zone": p.time_zone,
        "work_start": p.work_start.strftime("%H:%M"),
        "work_end": p.work_end.strftime("%H:%M"),
        "hourly_rate_cents": p.hourly_rate_cents,
        "hours_available": p.hours_available,
        "classification": p.classification,
        "practice_areas": tags[TagKind.PRACTICE_AREA],
        "languages": tags[TagKind.LANGUAGE],
        "skills": tags[TagKind.SKILL],
        "software": tags[TagKind.SOFTWARE],
        "rating_avg": p.rating_avg,
        "rating_count": p.rating_count,
        "soft_skills_score": p.soft_skills_score,
        "vetted": services.is_vetted(p),
        "vetted_at": p.vetted_at,
        "email": p.user.email if contact else None,
        "phone": (p.phone or None) if contact else None,
        "bar_admissions": [_admission(a) for a in p.bar_admissions.all()],
    }


def posting_out(actor: Actor, posting: JobPosting) -> dict:
    hours = {
        "core_start": posting.core_start.strftime("%H:%M"),
        "core_end": posting.core_end.strftime("%H:%M"),
    }
    if not selectors.is_firm_side(actor, posting):
        return {
            **services.anonymized(posting),
            **hours,
            "organization": None,
            "category_id": None,
            "status": posting.status,
        }
    tags = posting.tags.all()
    return {
        **{f: getattr(posting, f) for f in PostingOut.model_fields if hasattr(posting, f)},
        **hours,
        "organization": posting.organization.name,
        "category_id": posting.category_id,
        "languages": sorted(t.value for t in tags if t.kind == TagKind.LANGUAGE),
        "skills": sorted(t.value for t in tags if t.kind == TagKind.SKILL),
    }


def _candidate_out(c: Candidate) -> dict:
    return {
        "id": c.pk,
        "professional_id": c.professional_id,
        "name": c.professional.user.display_name,
        "state": c.state,
        "score": c.score,
        "explanation": c.explanation,
        "agreed_rate_cents": c.agreed_rate_cents,
        "interview_total": sum(s.score for s in c.scores.all()),
    }


def _profile(request: ActorRequest, professional_id: int) -> ProfessionalProfile:
    fetch(request.actor, ProfessionalProfile, pk=professional_id)
    return (
        selectors.professionals(request.actor)
        .prefetch_related("bar_admissions__verified_by")
        .get(pk=professional_id)
    )


# --- Professionals ------------------------------------------------------------------------------


@router.get("/professionals", response=list[ProfessionalOut], summary="Search professionals")
@paginate
def list_professionals(
    request: ActorRequest,
    role: Query[ProfessionalRole | None] = None,
    practice_area: Query[PracticeArea | None] = None,
    language: Query[str | None] = None,
    state: Query[str | None] = None,
    vetted: Query[bool | None] = None,
    q: Query[str | None] = None,
):
    qs = selectors.professionals(
        request.actor,
        role=role,
        practice_area=practice_area,
        language=language,
        state=state,
        vetted=vetted,
        q=q,
    ).prefetch_related("bar_admissions__verified_by")
    return [professional_out(request.actor, p) for p in qs]


@router.get("/professionals/me", response=ProfessionalOut, summary="My profile (professionals)")
def my_profile(request: ActorRequest):
    profile = services.my_profile(request.actor)
    return professional_out(request.actor, _profile(request, profile.pk))


@router.patch("/professionals/me", response=ProfessionalOut, summary="Edit my profile")
def edit_my_profile(request: ActorRequest, payload: ProfilePatch):
    profile = services.update_profile(
        request.actor, changes=payload.model_dump(exclude_unset=True), request=request
    )
    return professional_out(request.actor, _profile(request, profile.pk))


@router.post(
    "/professionals/me/bar-admissions",
    response={201: BarAdmissionOut},
    summary="Declare a bar admission (verified later by the provider)",
)
def declare_bar_admission(request: ActorRequest, payload: BarAdmissionIn):
    admission = services.declare_bar_admission(request.actor, request=request, **payload.dict())
    return Status(201, _admission(admission))


@router.get("/professionals/{int:professional_id}", response=ProfessionalOut)
def get_professional(request: ActorRequest, professional_id: int):
    return professional_out(request.actor, _profile(request, professional_id))


def _vetting_out(request: ActorRequest, profile: ProfessionalProfile) -> dict:
    staff = can(request.actor, Action.VET, profile)
    latest_soft = profile.soft_skill_assessments.order_by("-recorded_at").first()
    return {
        "professional_id": profile.pk,
        "vetted": services.is_vetted(profile),
        "vetted_at": profile.vetted_at,
        "valid_days": settings.VETTING_VALID_DAYS,
        "steps": [
            {
                "kind": s.kind,
                "label": s.label,
                "outcome": s.latest.outcome if s.latest else None,
                "score": s.latest.score if s.latest else None,
                "reviewed_on": s.latest.reviewed_on if s.latest else None,
                "reviewer": s.latest.reviewer.display_name if s.latest else None,
                "passed": s.passed,
                "stale": s.stale,
                "notes": s.latest.notes if (s.latest and staff) else None,
            }
            for s in services.pipeline(profile)
        ],
        "soft_skills_score": profile.soft_skills_score,
        "soft_skills_ratings": latest_soft.ratings if latest_soft else None,
        "bar_admissions": [_admission(a) for a in profile.bar_admissions.all()],
    }


@router.get(
    "/professionals/{int:professional_id}/vetting",
    response=VettingOut,
    summary="Which checks passed, when and by whom",
)
def get_vetting(request: ActorRequest, professional_id: int):
    return _vetting_out(request, _profile(request, professional_id))


@router.post(
    "/professionals/{int:professional_id}/vetting",
    response={201: VettingOut},
    summary="Record a vetting decision (provider staff)",
)
def record_vetting_step(request: ActorRequest, professional_id: int, payload: VettingStepIn):
    services.record_step(
        request.actor, profile_id=professional_id, request=request, **payload.dict()
    )
    return Status(201, _vetting_out(request, _profile(request, professional_id)))


@router.post(
    "/professionals/{int:professional_id}/soft-skills",
    response={201: VettingOut},
    summary="Record a soft-skills assessment on the published rubric (provider staff)",
)
def assess_soft_skills(request: ActorRequest, professional_id: int, payload: SoftSkillsIn):
    services.assess_soft_skills(
        request.actor, profile_id=professional_id, request=request, **payload.dict()
    )
    return Status(201, _vetting_out(request, _profile(request, professional_id)))


@router.post(
    "/bar-admissions/{int:admission_id}/verify",
    response=BarAdmissionOut,
    summary="Record what the state bar's records say (provider staff)",
)
def verify_bar_admission(request: ActorRequest, admission_id: int, payload: BarVerifyIn):
    admission = services.verify_bar_admission(
        request.actor, admission_id=admission_id, request=request, **payload.dict()
    )
    return _admission(admission)


# --- Postings -----------------------------------------------------------------------------------


@router.get(
    "/postings",
    response=list[PostingOut],
    summary="The firm's postings; for professionals, open postings anonymized",
)
@paginate
def list_postings(request: ActorRequest):
    return [posting_out(request.actor, p) for p in selectors.postings(request.actor)]


@router.post("/postings", response={201: PostingOut}, summary="Post a role (owners, attorneys)")
def create_posting(request: ActorRequest, payload: PostingIn):
    posting = services.create_posting(request.actor, data=payload.model_dump(), request=request)
    return Status(
        201, posting_out(request.actor, selectors.postings(request.actor).get(pk=posting.pk))
    )


@router.get("/postings/{int:posting_id}", response=PostingOut)
def get_posting(request: ActorRequest, posting_id: int):
    fetch(request.actor, JobPosting, pk=posting_id)
    return posting_out(request.actor, selectors.postings(request.actor).get(pk=posting_id))


@router.patch("/postings/{int:posting_id}", response=PostingOut)
def update_posting(request: ActorRequest, posting_id: int, payload: PostingPatch):
    services.update_posting(
        request.actor,
        posting_id=posting_id,
        changes=payload.model_dump(exclude_unset=True),
        request=request,
    )
    return posting_out(request.actor, selectors.postings(request.actor).get(pk=posting_id))


@router.delete("/postings/{int:posting_id}", response={204: None})
def delete_posting(request: ActorRequest, posting_id: int):
    services.delete_posting(request.actor, posting_id=posting_id, request=request)
    return Status(204, None)


def _firm_posting(request: ActorRequest, posting_id: int) -> JobPosting:
    """Matches and candidates are the firm's business: the posting as its editors see it."""
    posting = fetch(request.actor, JobPosting, Action.CHANGE, pk=posting_id)
    if not selectors.is_firm_side(request.actor, posting):
        raise NotFound("Posting not found.")
    return posting


@router.get(
    "/postings/{int:posting_id}/matches",
    response=list[MatchOut],
    summary="Vetted professionals who pass every hard filter, ranked, each factor explained",
)
def list_matches(request: ActorRequest, posting_id: int, limit: Query[int] = 20):
    posting = _firm_posting(request, posting_id)
    limit = max(1, min(limit, 100))
    found = matching.top(posting, today=timezone.localdate(), limit=limit)
    return [
        {
            "professional": professional_out(request.actor, m.profile),
            "score": m.score,
            "contributions": [c.__dict__ for c in m.contributions],
        }
        for m in found
    ]


@router.get(
    "/postings/{int:posting_id}/matches/why-not",
    response=WhyNotOut,
    summary="Why a professional is not among the matches",
)
def why_not(request: ActorRequest, posting_id: int, professional_id: Query[int]):
    posting = _firm_posting(request, posting_id)
    profile = fetch(request.actor, ProfessionalProfile, pk=professional_id)
    reasons = matching.exclusion_reasons(posting, profile, today=timezone.localdate())
    return {"professional_id": profile.pk, "matched": not reasons, "reasons": reasons}


@router.get("/postings/{int:posting_id}/shortlist", response=list[CandidateOut])
def list_shortlist(request: ActorRequest, posting_id: int):
    posting = _firm_posting(request, posting_id)
    candidates = posting.candidates.select_related("professional__user").prefetch_related("scores")
    return [_candidate_out(c) for c in candidates]


@router.post(
    "/postings/{int:posting_id}/shortlist",
    response={201: CandidateOut},
    summary="Shortlist a matched professional (keeps their score and reasons)",
)
def add_to_shortlist(request: ActorRequest, posting_id: int, payload: ShortlistIn):
    candidate = services.shortlist(
        request.actor, posting_id=posting_id, profile_id=payload.professional_id, request=request
    )
    return Status(201, _candidate_out(candidate))


@router.post(
    "/candidates/{int:candidate_id}/state",
    response=CandidateOut,
    summary="Invite, mark interviewed, select (with the agreed rate), reject or replace",
)
def move_candidate(request: ActorRequest, candidate_id: int, payload: CandidateMove):
    candidate = services.move(
        request.actor, candidate_id=candidate_id, request=request, **payload.dict()
    )
    return _candidate_out(candidate)


@router.get(
    "/postings/{int:posting_id}/interviews",
    response=InterviewsOut,
    summary="The structured interview: same questions for every candidate, side by side",
)
def interviews(request: ActorRequest, posting_id: int):
    posting = _firm_posting(request, posting_id)
    services.ensure_questions(posting)
    table = services.comparison(posting)
    return {
        "candidates": [_candidate_out(c) for c in table["candidates"]],
        "rows": [
            {
                "question_id": q.pk,
                "text": q.text,
                "rubric": q.rubric,
                "cells": [
                    {
                        "candidate_id": c.pk,
                        "score": cell.score if cell else None,
                        "notes": cell.notes if cell else None,
                    }
                    for c, cell in zip(table["candidates"], cells, strict=True)
                ],
            }
            for q, cells in table["rows"]
        ],
    }


@router.post(
    "/candidates/{int:candidate_id}/interview",
    response=CandidateOut,
    summary="Score a candidate's interview answers (1–5 each)",
)
def score_interview(request: ActorRequest, candidate_id: int, payload: InterviewIn):
    services.score_interview(
        request.actor,
        candidate_id=candidate_id,
        scores={s.question_id: (s.score, s.notes) for s in payload.scores},
        request=request,
    )
    candidate = fetch(request.actor, Candidate, pk=candidate_id)
    return _candidate_out(candidate)


# --- Rates --------------------------------------------------------------------------------------


@router.get(
    "/rates/suggest",
    response=RateSuggestionOut,
    summary="A low / typical / high hourly range, with its source and what moved it",
)
def suggest_rate(
    request: ActorRequest,
    role: Query[ProfessionalRole],
    practice_area: Query[PracticeArea],
    years: Query[int] = 3,
    state: Query[str] = "",
    work_type: Query[str] = "ongoing",
):
    request.actor.authenticated_user  # noqa: B018 (signed-in users only)
    if not 0 <= years <= 70:
        raise Invalid.field("years", "Between 0 and 70.")
    if work_type not in rates.WORK_TYPES:
        raise Invalid.field("work_type", f"One of: {', '.join(rates.WORK_TYPES)}.")
    return rates.suggest(
        role=role,
        years=years,
        practice_area=practice_area,
        state=state.upper(),
        work_type=work_type,
    ).as_dict()


# --- Providers ----------------------------------------------------------------------------------


def provider_out(provider, *, detail: bool = False) -> dict:
    card = provider.our_scorecards[0] if provider.our_scorecards else None
    out = {
        "id": provider.pk,
        "name": provider.name,
        "network_size": provider.network_size,
        "vetted_professionals": provider.vetted_professionals,
        "score": rubric.score(card),
        "model": rubric.model_of(card),
    }
    if detail:
        answers = card.answers if card else {}
        out |= {
            "questions": [
                {
                    "key": q.key,
                    "text": q.text,
                    "weak": q.weak,
                    "strong": q.strong,
                    "answer": answers.get(q.key, {}).get("answer"),
                    "rating": answers.get(q.key, {}).get("rating"),
                }
                for q in rubric.QUESTIONS
            ],
            "traits": card.traits if card else {},
            "notes": card.notes if card else "",
            "evaluated_by": card.evaluated_by.display_name if card and card.evaluated_by else None,
            "updated_at": card.updated_at if card else None,
        }
    return out


@router.get("/providers", response=list[ProviderOut], summary="The provider directory")
@paginate
def list_providers(request: ActorRequest):
    return [provider_out(p) for p in selectors.providers(request.actor)]


@router.get("/providers/{int:provider_id}", response=ProviderDetailOut)
def get_provider(request: ActorRequest, provider_id: int):
    fetch(request.actor, Provider, pk=provider_id)
    return provider_out(selectors.providers(request.actor).get(pk=provider_id), detail=True)


@router.put(
    "/providers/{int:provider_id}/scorecard",
    response=ProviderDetailOut,
    summary="Score a provider on the questions and rubric (owners, attorneys)",
)
def put_scorecard(request: ActorRequest, provider_id: int, payload: ScorecardIn):
    rubric.save_scorecard(
        request.actor,
        provider_id=provider_id,
        answers={k: v.model_dump() for k, v in payload.answers.items()},
        traits=payload.traits,
        notes=payload.notes,
        request=request,
    )
    return provider_out(selectors.providers(request.actor).get(pk=provider_id), detail=True)


# --- Match weights ------------------------------------------------------------------------------


def weights_out(weights: dict[str, int]) -> dict:
    total = sum(weights.values())
    defaults = matching.default_weights()
    return {
        "factors": [
            {
                "key": name,
                "label": matching.FACTOR_LABELS[name],
                "weight": weights[name],
                "default": defaults[name],
                "share_percent": matching.share_percent(weights[name], total),
            }
            for name in matching.FACTORS
        ],
        "total": total,
        "is_default": weights == defaults,
    }


@router.get("/match-weights", response=MatchWeightsOut, summary="The firm's match weights")
def get_match_weights(request: ActorRequest):
    if not can(request.actor, Action.VIEW, MatchWeights):
        raise NotFound("Match weights belong to law firms and legal departments.")
    return weights_out(matching.weights_for(request.actor.current_organization.pk))


@router.put(
    "/match-weights",
    response=MatchWeightsOut,
    summary="Tune the firm's match weights (owners); omitted factors keep their points",
)
def put_match_weights(request: ActorRequest, payload: MatchWeightsIn):
    if not can(request.actor, Action.VIEW, MatchWeights):
        raise NotFound("Match weights belong to law firms and legal departments.")
    changes = payload.model_dump(exclude_unset=True)
    return weights_out(services.set_weights(request.actor, changes, request=request))
