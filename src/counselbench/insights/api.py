"""API: insights — every metric with its definition for a range (firm or one engagement), each
chart's rows as CSV, the scaling signals, reviews due, and client-satisfaction surveys."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.insights.models import SatisfactionSurvey, ScalingSignal
from counselbench.insights.schemas import (
    ExportFilters,
    MetricsOut,
    RangeFilters,
    ReviewOut,
    SignalFilters,
    SignalOut,
    SurveyFilters,
    SurveyIn,
    SurveyOut,
)
from counselbench.insights.services import export, metrics, reviews, surveys

router = Router(tags=["insights"])


def _board(request: ActorRequest, filters: RangeFilters) -> metrics.Dashboard:
    return metrics.dashboard(
        request.auth, start=filters.from_, end=filters.to, engagement_id=filters.engagement
    )


@router.get(
    "/insights/metrics",
    response=MetricsOut,
    summary="Every metric for a range, with its definition and formula (firm, or ?engagement=)",
)
def get_metrics(request: ActorRequest, filters: Query[RangeFilters]):
    return export.as_data(_board(request, filters), reverse("api:insights_export"))


@router.get(
    "/insights/export.csv",
    response={200: None},
    url_name="insights_export",
    summary="The metrics table, or one chart's rows (?chart=), as CSV: the API's figures",
)
def export_csv(request: ActorRequest, filters: Query[ExportFilters]):
    board = _board(request, filters)
    body = export.to_csv(board, filters.chart)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(board, filters.chart)}"'
    )
    return response


@router.get(
    "/insights/signals",
    response=list[SignalOut],
    summary="Scaling signals with their evidence and next step (active by default)",
)
@paginate
def list_signals(request: ActorRequest, filters: Query[SignalFilters]):
    rows = visible(request.auth, ScalingSignal).select_related("engagement__posting")
    if filters.state == "active":
        rows = rows.filter(cleared_on__isnull=True)
    elif filters.state == "cleared":
        rows = rows.filter(cleared_on__isnull=False)
    return rows.order_by("cleared_on", "-first_fired_on", "pk")


@router.get(
    "/insights/reviews",
    response=list[ReviewOut],
    summary="Monthly reviews and 60–90 day evaluations overdue or in the next three weeks",
)
@paginate
def list_reviews(request: ActorRequest):
    return [
        {
            "checkin_id": r.checkin.pk,
            "engagement_id": r.checkin.engagement_id,
            "professional": r.professional,
            "kind": r.checkin.kind,
            "kind_label": r.checkin.get_kind_display(),
            "on": r.on,
            "overdue": r.overdue,
        }
        for r in reviews.due_reviews(request.auth)
    ]


@router.get("/surveys", response=list[SurveyOut], summary="Client-satisfaction surveys")
@paginate
def list_surveys(request: ActorRequest, filters: Query[SurveyFilters]):
    rows = visible(request.auth, SatisfactionSurvey).select_related("matter")
    if filters.matter_id is not None:
        rows = rows.filter(matter_id=filters.matter_id)
    if filters.answered is not None:
        rows = rows.filter(answered_at__isnull=not filters.answered)
    return rows.order_by("-created_at", "-pk")


@router.get("/surveys/{int:survey_id}", response=SurveyOut)
def get_survey(request: ActorRequest, survey_id: int):
    return fetch(request.auth, SatisfactionSurvey, pk=survey_id, related=("matter",))


@router.post(
    "/surveys",
    response={201: SurveyOut},
    summary="Send (again) the satisfaction survey of a closed matter",
)
def send_survey(request: ActorRequest, payload: SurveyIn):
    survey = surveys.send(request.auth, matter_id=payload.matter_id, request=request)
    return Status(201, survey)
