import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from counselbench.core.schemas import DictOut, InputSchema, ObjectId
from counselbench.talent.models import (
    BarStatus,
    CandidateState,
    CheckInFrequency,
    Classification,
    Outcome,
    PostingStatus,
    PracticeArea,
    ProfessionalRole,
    VettingStepKind,
)

Tags = list[str]
LOCAL_TIME = Field(pattern=r"^\d\d:\d\d$", description="HH:MM, wall-clock time in time_zone")


class BarAdmissionOut(DictOut):
    id: int
    state: str
    number: str
    status: str
    admitted_on: dt.date | None
    verified_at: dt.datetime | None
    verified_by: str | None


class ProfessionalOut(DictOut):
    id: int
    name: str
    role: str
    headline: str
    bio: str
    provider: str | None
    years_experience: int
    country: str
    state: str
    time_zone: str
    work_start: str = LOCAL_TIME
    work_end: str = LOCAL_TIME
    hourly_rate_cents: int
    hours_available: int
    classification: str
    practice_areas: Tags
    languages: Tags
    skills: Tags
    software: Tags
    rating_avg: Decimal | None
    rating_count: int
    soft_skills_score: int | None
    vetted: bool
    vetted_at: dt.date | None
    email: str | None = Field(description="Only for the professional, their provider and, once "
                              "an engagement exists, its firm")  # fmt: skip
    phone: str | None
    bar_admissions: list[BarAdmissionOut]


class ProfilePatch(InputSchema):
    headline: str | None = Field(None, max_length=200)
    bio: str | None = Field(None, max_length=5000)
    phone: str | None = Field(None, max_length=30)
    years_experience: StrictInt | None = None
    country: str | None = Field(None, max_length=2)
    state: str | None = Field(None, max_length=2)
    time_zone: str | None = Field(None, max_length=64)
    work_start: dt.time | None = None
    work_end: dt.time | None = None
    hourly_rate_cents: StrictInt | None = None
    hours_available: StrictInt | None = None
    classification: Classification | None = None
    practice_areas: list[PracticeArea] | None = Field(None, max_length=30)
    languages: list[str] | None = Field(None, max_length=30)
    skills: list[str] | None = Field(None, max_length=30)
    software: list[str] | None = Field(None, max_length=30)


class BarAdmissionIn(InputSchema):
    state: str = Field(min_length=2, max_length=2)
    number: str = Field(min_length=1, max_length=40)
    admitted_on: dt.date | None = None


class BarVerifyIn(InputSchema):
    status: BarStatus
    note: str = Field(min_length=1, max_length=300)


class VettingStepIn(InputSchema):
    kind: VettingStepKind
    outcome: Outcome
    score: StrictInt = Field(ge=0, le=100)
    notes: str = Field("", max_length=5000)
    reviewed_on: dt.date | None = None


class VettingStepOut(Schema):
    kind: str
    label: str
    outcome: str | None
    score: int | None
    reviewed_on: dt.date | None
    reviewer: str | None
    passed: bool
    stale: bool
    notes: str | None = Field(description="Only for the provider's staff")


class SoftSkillsIn(InputSchema):
    ratings: dict[str, StrictInt]
    notes: str = Field("", max_length=5000)
    assessed_on: dt.date | None = None


class VettingOut(Schema):
    professional_id: int
    vetted: bool
    vetted_at: dt.date | None
    valid_days: int
    steps: list[VettingStepOut]
    soft_skills_score: int | None
    soft_skills_ratings: dict[str, int] | None
    bar_admissions: list[BarAdmissionOut]


class PostingIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    role: ProfessionalRole
    practice_area: PracticeArea
    category_id: ObjectId | None = None
    attorney_work: StrictBool = False
    jurisdiction: str = Field(min_length=2, max_length=2)
    responsibilities: str = Field(min_length=1, max_length=5000)
    secondary_tasks: str = Field("", max_length=5000)
    performance_metrics: str = Field("", max_length=2000)
    qualifications: str = Field("", max_length=2000)
    communication_channels: str = Field("", max_length=200)
    check_in_frequency: CheckInFrequency = CheckInFrequency.WEEKLY
    time_zone: str = Field("America/New_York", max_length=64)
    core_start: dt.time = dt.time(9)
    core_end: dt.time = dt.time(17)
    overlap_hours: StrictInt = Field(4, ge=0, le=12)
    hours_per_week: StrictInt = Field(ge=1, le=80)
    duration_weeks: StrictInt | None = Field(None, ge=1, le=260)
    budget_low_cents: StrictInt | None = Field(None, gt=0, le=100_000)
    budget_high_cents: StrictInt = Field(gt=0, le=100_000)
    status: PostingStatus = PostingStatus.DRAFT
    languages: list[str] = Field(default_factory=list, max_length=30)
    skills: list[str] = Field(default_factory=list, max_length=30)


class PostingPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    role: ProfessionalRole | None = None
    practice_area: PracticeArea | None = None
    category_id: ObjectId | None = None
    attorney_work: StrictBool | None = None
    jurisdiction: str | None = Field(None, min_length=2, max_length=2)
    responsibilities: str | None = Field(None, min_length=1, max_length=5000)
    secondary_tasks: str | None = Field(None, max_length=5000)
    performance_metrics: str | None = Field(None, max_length=2000)
    qualifications: str | None = Field(None, max_length=2000)
    communication_channels: str | None = Field(None, max_length=200)
    check_in_frequency: CheckInFrequency | None = None
    time_zone: str | None = Field(None, max_length=64)
    core_start: dt.time | None = None
    core_end: dt.time | None = None
    overlap_hours: StrictInt | None = Field(None, ge=0, le=12)
    hours_per_week: StrictInt | None = Field(None, ge=1, le=80)
    duration_weeks: StrictInt | None = Field(None, ge=1, le=260)
    budget_low_cents: StrictInt | None = Field(None, gt=0, le=100_000)
    budget_high_cents: StrictInt | None = Field(None, gt=0, le=100_000)
    status: PostingStatus | None = None
    languages: list[str] | None = Field(None, max_length=30)
    skills: list[str] | None = Field(None, max_length=30)


class PostingOut(Schema):
    id: int
    organization: str | None = Field(description="Null for professionals: postings are "
                                     "anonymized until an engagement's NDA is signed")  # fmt: skip
    title: str
    role: str
    practice_area: str
    category_id: int | None
    attorney_work: bool
    jurisdiction: str
    responsibilities: str
    secondary_tasks: str
    performance_metrics: str
    qualifications: str
    communication_channels: str
    check_in_frequency: str
    time_zone: str
    core_start: str = LOCAL_TIME
    core_end: str = LOCAL_TIME
    overlap_hours: int
    hours_per_week: int
    duration_weeks: int | None
    budget_low_cents: int | None
    budget_high_cents: int
    status: str
    languages: Tags
    skills: Tags


class ContributionOut(DictOut):
    factor: str
    label: str
    weight: int
    points: Decimal
    why: str


class MatchOut(DictOut):
    professional: ProfessionalOut
    score: Decimal = Field(description="The sum of the contributions' points")
    contributions: list[ContributionOut]


class WhyNotOut(Schema):
    professional_id: int
    matched: bool
    reasons: list[str]


class CandidateOut(Schema):
    id: int
    professional_id: int
    name: str
    state: str
    score: Decimal
    explanation: list[dict]
    agreed_rate_cents: int | None
    interview_total: int


class ShortlistIn(InputSchema):
    professional_id: ObjectId


class CandidateMove(InputSchema):
    state: CandidateState
    agreed_rate_cents: StrictInt | None = Field(None, gt=0, le=100_000)


class InterviewScoreIn(InputSchema):
    question_id: ObjectId
    score: StrictInt = Field(ge=1, le=5)
    notes: str = Field("", max_length=2000)


class InterviewIn(InputSchema):
    scores: list[InterviewScoreIn] = Field(min_length=1, max_length=50)


class InterviewCell(Schema):
    candidate_id: int
    score: int | None
    notes: str | None


class InterviewRow(Schema):
    question_id: int
    text: str
    rubric: str
    cells: list[InterviewCell]


class InterviewsOut(Schema):
    candidates: list[CandidateOut]
    rows: list[InterviewRow]


class RateMove(Schema):
    input: str
    value: str
    factor: str
    effect_cents: int


class RateSuggestionOut(Schema):
    low_cents: int
    typical_cents: int
    high_cents: int
    source: str
    moves: list[RateMove]
    accepted_count: int
    blended: bool


class ScorecardAnswerIn(InputSchema):
    answer: str = Field("", max_length=2000)
    rating: StrictInt | None = Field(None, ge=0, le=2, description="0 weak, 1 adequate, 2 strong")


class ScorecardIn(InputSchema):
    answers: dict[str, ScorecardAnswerIn] = Field(default_factory=dict)
    traits: dict[str, str] = Field(default_factory=dict, description="trait: platform | lpo")
    notes: str = Field("", max_length=5000)


class ScorecardQuestionOut(Schema):
    key: str
    text: str
    weak: str
    strong: str
    answer: str | None
    rating: int | None


class ProviderOut(Schema):
    id: int
    name: str
    network_size: int
    vetted_professionals: int
    score: int | None = Field(description="Your firm's scorecard, 0–100; null if not scored")
    model: str | None = Field(description="Talent platform, Traditional LPO or Mixed")


class ProviderDetailOut(ProviderOut):
    questions: list[ScorecardQuestionOut]
    traits: dict[str, str]
    notes: str
    evaluated_by: str | None
    updated_at: dt.datetime | None


WEIGHT = Field(None, ge=0, le=100, description="Points, 0–100")


class MatchWeightsIn(InputSchema):
    """Any subset of the factors; the others keep their points."""

    practice_area: StrictInt = WEIGHT
    skills: StrictInt = WEIGHT
    experience: StrictInt = WEIGHT
    time_zone: StrictInt = WEIGHT
    rate: StrictInt = WEIGHT
    soft_skills: StrictInt = WEIGHT
    ratings: StrictInt = WEIGHT


class MatchFactorOut(Schema):
    key: str
    label: str
    weight: int
    default: int
    share_percent: Decimal = Field(description="This factor's share of the maximum score")


class MatchWeightsOut(Schema):
    factors: list[MatchFactorOut]
    total: int = Field(description="The highest score possible (the sum of the weights)")
    is_default: bool
