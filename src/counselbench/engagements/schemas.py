import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from counselbench.core.schemas import InputSchema, ObjectId
from counselbench.engagements.models import (
    BillingModel,
    EngagementModel,
    EngagementState,
    PayPeriod,
)


class TermsPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    scope: str | None = Field(None, max_length=10_000)
    jurisdiction: str | None = Field(None, description="USPS code of where the work is for")
    engagement_model: EngagementModel | None = None
    agency_id: ObjectId | None = Field(
        None, description="The provider on record (agency or marketplace); required unless direct"
    )
    billing_model: BillingModel | None = None
    rate_cents: StrictInt | None = Field(
        None, ge=1, le=10_000_000, description="Hourly rate, flat fee or monthly fee"
    )
    markup_percent: Decimal | None = Field(None, ge=0, le=300, decimal_places=2)
    hours_per_week: StrictInt | None = Field(None, ge=1, le=80)
    pay_period: PayPeriod | None = Field(None, description="How often the professional is paid")
    payment_terms_days: StrictInt | None = Field(
        None, ge=0, le=90, description="Days after a pay period ends that its statement is due"
    )
    supervising_attorney_id: ObjectId | None = None
    start_date: dt.date | None = None
    trial_days: StrictInt | None = Field(None, ge=1, le=90)


class EngagementIn(TermsPatch):
    """From a selected candidate (`candidate_id`) or directly (`professional_id`)."""

    candidate_id: ObjectId | None = None
    professional_id: ObjectId | None = None


class EngagementTransitionIn(InputSchema):
    to: EngagementState
    reason: str = Field("", max_length=5000)


class ClassificationIn(InputSchema):
    answers: dict[str, StrictBool]


class NdaSignIn(InputSchema):
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the text shown")


class EngagementMoveOut(Schema):
    to: str
    label: str
    needs_reason: bool


class EngagementEventOut(Schema):
    from_state: str
    to_state: str
    actor: str | None
    at: dt.datetime
    reason: str


class ClassificationOut(Schema):
    risk: str
    reasons: list[str]
    work_state: str
    abc_test_applies: bool
    assessed_at: dt.datetime
    current: bool = Field(description="Answered for the engagement's terms as they are now")


class EngagementOut(Schema):
    """A firm sees everything; the professional sees `firm`, `title`, `scope` and
    `supervising_attorney` only after signing the NDA (null or redacted before)."""

    id: int
    reference: str
    state: str
    nda_signed: bool
    firm: str | None
    title: str
    scope: str
    supervising_attorney: str | None
    role: str
    billing_model: str
    rate_cents: int
    hours_per_week: int
    pay_period: str
    payment_terms_days: int
    start_date: dt.date
    trial_days: int
    jurisdiction: str
    engagement_model: str
    moves: list[EngagementMoveOut]
    # Firm side only.
    professional_id: int | None = None
    professional: str | None = None
    agency: str | None = None
    markup_percent: Decimal | None = None
    posting_id: int | None = None
    candidate_id: int | None = None
    classification: ClassificationOut | None = None
    events: list[EngagementEventOut] | None = None


class ClassificationQuestionOut(Schema):
    key: str
    group: str
    text: str


class ClassificationFormOut(Schema):
    questions: list[ClassificationQuestionOut]
    abc_test_states: list[str]
    assessment: ClassificationOut | None


class NdaOut(Schema):
    text: str
    text_sha256: str
    signed_at: dt.datetime | None
    signed_by: str | None


class MilestoneIn(InputSchema):
    title: str = Field(max_length=200)
    due_on: dt.date
    acceptance: str = Field(max_length=500, description="How the firm accepts it")


class AgreementIn(InputSchema):
    deliverables: str = Field(max_length=5000)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=20)


class AcceptIn(InputSchema):
    version: StrictInt = Field(ge=1)
    text_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the text shown")


class MilestoneOut(Schema):
    title: str
    due_on: dt.date
    acceptance: str


class AcceptanceOut(Schema):
    by: str
    at: dt.datetime


class AgreementOut(Schema):
    version: int
    text: str
    text_sha256: str
    deliverables: str
    milestones: list[MilestoneOut]
    accepted_by_firm: AcceptanceOut | None
    accepted_by_professional: AcceptanceOut | None
    pdf_url: str


class OnboardingItemOut(Schema):
    id: int
    track: str
    title: str
    due_on: dt.date
    owner: str
    done: bool
    done_at: dt.datetime | None


class KickoffOut(Schema):
    held_on: dt.date
    notes: str
    confirmation_sent_at: dt.datetime | None


class GuideOut(Schema):
    version: int
    key_contacts: str
    style_guide: str
    feedback_loop: str
    html: str = Field(description="The three parts rendered from Markdown, sanitized")


class OnboardingOut(Schema):
    items: list[OnboardingItemOut]
    done: int
    total: int
    pilot_task: str
    kickoff: KickoffOut | None
    guide: GuideOut | None
    guide_acknowledged: bool


class ItemDoneIn(InputSchema):
    done: StrictBool


class KickoffIn(InputSchema):
    held_on: dt.date
    notes: str = Field(max_length=10_000)


class AcknowledgeIn(InputSchema):
    version: StrictInt = Field(ge=1)


class GuideIn(InputSchema):
    key_contacts: str = Field(max_length=20_000)
    style_guide: str = Field(max_length=20_000)
    feedback_loop: str = Field(max_length=20_000)


class ActionItemIn(InputSchema):
    text: str = Field(max_length=500)
    owner: str = Field(description="firm or professional")


class CheckInIn(InputSchema):
    working: str = Field("", max_length=5000)
    roadblocks: str = Field("", max_length=5000)
    improvement: str = Field("", max_length=5000, description="One improvement for next week")
    notes: str = Field("", max_length=5000)
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=20)
    close_items: list[ObjectId] = Field(default_factory=list, max_length=50)
    evaluation: dict[str, StrictInt | str] | None = Field(
        None,
        description="Evaluation only: quality, timeliness, communication, judgment, "
        "independence (1–5) and recommendation (continue, expand, end)",
    )


class ActionItemOut(Schema):
    id: int
    text: str
    owner: str
    raised_on: dt.date
    done: bool


class CheckInOut(Schema):
    id: int
    kind: str
    scheduled_at: dt.datetime
    duration_minutes: int
    held: bool
    working: str
    roadblocks: str
    improvement: str
    notes: str
    evaluation: dict | None
    ics_url: str


class CheckInsOut(Schema):
    checkins: list[CheckInOut]
    open_items: list[ActionItemOut]


class RatingIn(InputSchema):
    scores: dict[str, StrictInt] = Field(
        description="quality, timeliness, communication, judgment, fit: each 1–5"
    )
    comment: str = Field("", max_length=5000)


class RatingOut(Schema):
    scores: dict[str, int]
    overall: Decimal
    comment: str
    rated_by: str | None
    rated_at: dt.datetime


class CertificateIn(InputSchema):
    disposition: str = Field(description="returned or destroyed")
    statement: str = Field(max_length=5000)


class CertificateOut(Schema):
    requested_at: dt.datetime
    disposition: str
    statement: str
    certified_at: dt.datetime | None


class AgreementTemplateIn(InputSchema):
    body: str = Field(max_length=50_000, description="Text with $placeholders")


class AgreementTemplateOut(Schema):
    body: str
    placeholders: list[str]
    is_default: bool
