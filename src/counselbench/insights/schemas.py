"""Insights API schemas. Decimal figures (ratios, hours, days, scores) are exact decimal strings;
money is integer cents; a figure without data is null."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId


class RangeFilters(Schema):
    from_: IsoDate | None = Field(
        None, alias="from", description="First day (firm's time zone). Default: last month"
    )
    to: IsoDate | None = Field(None, description="Last day, included")
    engagement: QueryId | None = Field(None, description="One engagement's scorecard")


class ExportFilters(RangeFilters):
    chart: str = Field(
        "metrics",
        max_length=30,
        description="metrics, utilization, turnaround, quality, cost, recovered, velocity or "
        "satisfaction",
    )


class RangeOut(Schema):
    start: dt.date
    end: dt.date
    days: int
    time_zone: str


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    count: int
    no_data: bool
    definition: str
    formula: str


class ColumnOut(Schema):
    key: str
    label: str


class ChartOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    csv_url: str


class UtilizationWeekOut(Schema):
    week: dt.date
    days: int
    approved_hours: Decimal
    contracted_hours: Decimal
    utilization: Decimal | None


class EngagementFiguresOut(Schema):
    id: int
    professional: str
    title: str
    state: str
    hours_per_week: int
    approved_hours: Decimal
    contracted_hours: Decimal
    utilization: Decimal | None
    tasks_done: int
    on_time_rate: Decimal | None
    rework_rate: Decimal | None
    median_turnaround_hours: Decimal | None
    cost_cents: int | None = Field(None, description="null when you do not see this pay")
    weekly: list[UtilizationWeekOut]


class BaselineOut(Schema):
    audit_id: int
    audit: str
    attorney_hours_per_week: Decimal


class MetricsOut(Schema):
    range: RangeOut
    engagement: int | None
    sees_pay: bool
    metrics: list[MetricOut]
    charts: list[ChartOut]
    engagements: list[EngagementFiguresOut]
    baseline: BaselineOut | None


class SignalFilters(Schema):
    state: str = Field("active", pattern="^(active|cleared|all)$")


class SignalOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    engagement_id: int | None
    category_id: int | None
    summary: str
    suggestion: str
    action_url: str | None
    evidence: dict[str, Any]
    first_fired_on: dt.date
    last_evaluated_on: dt.date
    cleared_on: dt.date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_action_url(obj) -> str | None:
        from counselbench.insights.services.signals import action_url

        return action_url(obj)


class ReviewOut(Schema):
    checkin_id: int
    engagement_id: int
    professional: str
    kind: str
    kind_label: str
    on: dt.date
    overdue: bool


class SurveyFilters(Schema):
    matter_id: QueryId | None = None
    answered: bool | None = None


class SurveyIn(InputSchema):
    matter_id: ObjectId


class SurveyOut(Schema):
    id: int
    matter_id: int
    matter: str
    recipient: str
    created_at: dt.datetime
    emailed_at: dt.datetime | None
    score: int | None
    comment: str
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_matter(obj) -> str:
        return f"{obj.matter.number} {obj.matter.title}"
