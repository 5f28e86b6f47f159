import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from counselbench.core.schemas import InputSchema, ObjectId
from counselbench.selfaudit import csv_import
from counselbench.selfaudit.models import LicenseLevel


class ParticipantIn(InputSchema):
    user_id: ObjectId
    level: LicenseLevel
    hourly_value_cents: StrictInt = Field(
        gt=0, le=10_000_000, description="Billing rate or loaded cost, in cents"
    )


class ParticipantOut(Schema):
    user_id: int
    name: str
    level: str
    hourly_value_cents: int | None = Field(
        description="Visible to owners and attorneys only; null for staff"
    )


class AuditIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    starts_on: dt.date | None = Field(None, description="Default: today")
    ends_on: dt.date | None = Field(None, description="Default: one week (7 days) from starts_on")
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=500)


class AuditPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class AuditOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    entry_count: int = 0
    logged_minutes: int = 0
    chosen_category_id: int | None = None


class AuditDetailOut(AuditOut):
    participants: list[ParticipantOut]


class TaskEntryIn(InputSchema):
    user_id: ObjectId
    date: dt.date
    minutes: StrictInt = Field(description="Positive; at most 24 h per person per day")
    description: str = Field(max_length=500)
    category_id: ObjectId | None = None


class EntriesIn(InputSchema):
    entries: list[TaskEntryIn] = Field(min_length=1, max_length=1000)


class TaskEntryPatch(InputSchema):
    date: dt.date | None = None
    minutes: StrictInt | None = None
    description: str | None = Field(None, max_length=500)
    category_id: ObjectId | None = None


class TaskEntryOut(Schema):
    id: int
    user_id: int
    date: dt.date
    minutes: int
    description: str
    category_id: int | None

    @staticmethod
    def resolve_user_id(obj) -> int:
        return obj.participant.user_id


class TaskCategoryOut(Schema):
    id: int
    key: str
    name: str
    level: str
    description: str
    examples: list[str]
    retired: bool

    @staticmethod
    def resolve_retired(obj) -> bool:
        return obj.retired_at is not None


class PersonShareOut(Schema):
    user_name: str
    minutes: int
    annual_hours: float
    hourly_value_cents: int
    saving_cents: int
    no_saving: bool


class HitListRowOut(Schema):
    rank: int
    category_id: int
    category: str
    level: str
    minutes_in_period: int
    annual_hours: float
    market_rate_cents: int
    annual_saving_cents: int
    no_saving: bool
    explanation: list[str]
    people: list[PersonShareOut]


class HitListOut(Schema):
    audit_id: int
    period_weeks: float
    annualization: str
    total_annual_saving_cents: int
    uncategorized_minutes: int
    rows: list[HitListRowOut]


class ImportIn(InputSchema):
    csv: str = Field(min_length=1, max_length=csv_import.MAX_BYTES, description="The export's text")
    mapping: dict[str, str] | None = Field(
        None,
        description="field → column header, for date, user, duration, description and "
        "optionally category; guessed from the headers when omitted",
    )
    confirm: bool = Field(False, description="false: check and preview only; true: import")
    skip_invalid: bool = Field(
        False,
        description="With confirm: import the valid rows and "
        "skip the bad ones instead of refusing all",
    )


class ImportRowErrorOut(Schema):
    row: int = Field(description="Line in the file; the header is line 1")
    field: str
    message: str


class ImportOut(Schema):
    headers: list[str]
    mapping: dict[str, str]
    missing: list[str] = Field(description="Required fields with no column mapped yet")
    total_rows: int
    valid_rows: int
    uncategorized_rows: int
    errors: list[ImportRowErrorOut]
    sample: list[TaskEntryIn] = Field(description="The first valid rows as they would be saved")
    imported: int = Field(description="0 for a preview")


class FitAnswerIn(InputSchema):
    attorneys_doing_it: StrictBool | None = Field(
        None, description="Are attorneys doing non-JD work here?"
    )
    team_falling_behind: StrictBool | None = Field(
        None, description="Is the team falling behind on it?"
    )
    losing_billable_time: StrictBool | None = Field(
        None, description="Is it costing billable time, or making you turn work away?"
    )
    others_could_do_it: StrictBool | None = Field(
        None, description="Could someone else do it with clear instructions?"
    )
    core_practice: StrictBool | None = Field(None, description="Is it part of the core practice?")
    sensitive: StrictBool | None = Field(
        None, description="Does it touch revenue directly or need close supervision?"
    )


class FitAnswerOut(FitAnswerIn):
    category_id: int
    verdict: str = Field(description="candidate (any yes), in-house (four no) or unanswered")


class ChoiceIn(InputSchema):
    category_id: ObjectId | None = Field(description="The process to outsource first; null clears")


class RecommendationOut(Schema):
    category_id: int
    category: str
    reason: str


class HitListWithFitOut(HitListOut):
    recommendation: RecommendationOut | None
    chosen_category_id: int | None
    fit: list[FitAnswerOut]


class RoiIn(InputSchema):
    """Every field is optional: leave it out to use the default shown in the response."""

    category_id: ObjectId | None = Field(None, description="Default: the chosen process")
    hours_per_week: Decimal | None = Field(None, ge=0, le=168)
    contractor_rate_cents: StrictInt | None = Field(None, ge=0, le=10_000_000)
    salary_cents: StrictInt | None = Field(None, ge=0, le=1_000_000_000)
    benefits_percent: Decimal | None = Field(None, ge=0, le=200)
    overhead_percent: Decimal | None = Field(None, ge=0, le=200)
    recruiting_cents: StrictInt | None = Field(None, ge=0, le=100_000_000)
    provider_monthly_cents: StrictInt | None = Field(None, ge=0, le=100_000_000)
    calls_per_day: Decimal | None = Field(None, ge=0, le=500)
    refocus_minutes: Decimal | None = Field(None, ge=0, le=480)
    working_days: StrictInt | None = Field(None, ge=1, le=366)
    interrupted_hourly_value_cents: StrictInt | None = Field(None, ge=0, le=10_000_000)
    current_hourly_value_cents: StrictInt | None = Field(None, ge=0, le=10_000_000)
    billable_target_hours: StrictInt | None = Field(None, ge=1, le=8784)


class RoiOut(Schema):
    category_id: int
    category: str
    assumptions: dict[str, Any]
    sources: dict[str, str] = Field(description="Where each default comes from")
    figures: dict[str, Any] = Field(description="Annual amounts in cents; hours as numbers")


class SuggestionOut(Schema):
    entry_id: int
    description: str
    category_id: int | None = Field(description="null when the words give nothing to go on")
    category: str | None
    confidence: float | None
    because: list[str] = Field(description="The words that weighed most for this category")
    similar_example: str | None = Field(description="The most similar known description")


class TaskCategoryIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    level: LicenseLevel
    description: str = Field("", max_length=300)
    examples: list[str] = Field(default_factory=list, max_length=20)


class TaskCategoryPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    level: LicenseLevel | None = None
    description: str | None = Field(None, max_length=300)
    examples: list[str] | None = Field(None, max_length=20)
    retired: StrictBool | None = Field(None, description="Retire (true) or bring back (false)")


class MarketRateOut(Schema):
    id: int
    level: str
    hourly_rate_cents: int
    currency: str
    source: str


class MarketRatePatch(InputSchema):
    hourly_rate_cents: StrictInt | None = Field(None, gt=0, le=10_000_000)
    source: str | None = Field(None, min_length=1, max_length=500)
