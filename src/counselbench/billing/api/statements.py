"""API: contractor statements — list, issue for a pay period, record the payment, CSV batch."""

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.billing.models import ContractorStatement, PayoutMethod, StatementState
from counselbench.billing.services import statements as services
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId

router = Router(tags=["statements"])


class StatementLineOut(Schema):
    date: dt.date
    description: str
    minutes: int | None
    rate_cents: int | None
    amount_cents: int
    time_entry_id: int | None


class StatementOut(Schema):
    id: int
    number: str
    engagement_id: int
    professional: str
    period_start: dt.date
    period_end: dt.date
    minutes: int
    amount_cents: int
    currency: str
    due_on: dt.date
    state: str
    overdue: bool
    paid_on: dt.date | None
    paid_method: str
    paid_reference: str
    lines: list[StatementLineOut]

    @staticmethod
    def resolve_professional(obj) -> str:
        return obj.engagement.professional.user.display_name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class StatementIn(InputSchema):
    engagement_id: ObjectId
    on: IsoDate | None = Field(
        None, description="A day in the pay period (default: the last period that has ended)"
    )


class PayoutIn(InputSchema):
    paid_on: IsoDate
    method: PayoutMethod
    reference: str = Field("", max_length=100)


class StatementFilters(Schema):
    state: StatementState | None = None
    engagement_id: QueryId | None = None


def _rows(request: ActorRequest):
    return (
        visible(request.auth, ContractorStatement)
        .select_related("engagement__professional__user")
        .prefetch_related("lines")
    )


@router.get("/statements", response=list[StatementOut], summary="Contractor statements you can see")
@paginate
def list_statements(request: ActorRequest, filters: Query[StatementFilters]):
    rows = _rows(request)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.engagement_id:
        rows = rows.filter(engagement_id=filters.engagement_id)
    return rows


@router.post("/statements", response={201: StatementOut}, summary="Issue a pay period's statement")
def issue(request: ActorRequest, payload: StatementIn):
    statement = services.issue_statement(
        request.auth, engagement_id=payload.engagement_id, on=payload.on, request=request
    )
    return Status(201, _rows(request).get(pk=statement.pk))


@router.get(
    "/statements/payout-batch.csv",
    response={200: None},
    summary="The unpaid statements as a CSV batch for the bank",
)
def payout_batch(request: ActorRequest):
    body = services.payout_batch_csv(request.auth)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contractor-payouts.csv"'
    return response


@router.get("/statements/{int:statement_id}", response=StatementOut)
def get_statement(request: ActorRequest, statement_id: int):
    fetch(request.auth, ContractorStatement, pk=statement_id)
    return _rows(request).get(pk=statement_id)


@router.post(
    "/statements/{int:statement_id}/pay",
    response=StatementOut,
    summary="Record that the statement was paid (date, method, reference)",
)
def pay(request: ActorRequest, statement_id: int, payload: PayoutIn):
    services.record_payout(
        request.auth,
        statement_id=statement_id,
        data=services.PayoutInput(**payload.dict()),
        request=request,
    )
    return _rows(request).get(pk=statement_id)
