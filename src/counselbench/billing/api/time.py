"""API: time entries (CRUD, submit, approve, reject)."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.billing.models import EntryState, TimeEntry
from counselbench.billing.services import time as services
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId

router = Router(tags=["time"])


class TimeEntryIn(InputSchema):
    task_id: ObjectId | None = Field(None, description="The task (or give matter_id)")
    matter_id: ObjectId | None = None
    date: IsoDate
    minutes: int = Field(..., ge=-24 * 60, le=24 * 60, description="Negative only in a correction")
    description: str = Field(..., max_length=1000)
    billable: bool = True
    corrects_id: ObjectId | None = Field(None, description="An approved entry this corrects")


class TimeEntryPatch(InputSchema):
    date: IsoDate | None = None
    minutes: int | None = Field(None, ge=1, le=24 * 60)
    description: str | None = Field(None, max_length=1000)
    billable: bool | None = None


class EntryIdsIn(InputSchema):
    entry_ids: list[ObjectId] = Field(..., min_length=1, max_length=500)


class RejectIn(EntryIdsIn):
    reason: str = Field(..., max_length=2000)


class TimeEntryOut(Schema):
    id: int
    author_id: int
    author: str
    matter_id: int
    matter_number: str
    task_id: int | None
    engagement_id: int | None
    date: dt.date
    minutes: int
    description: str
    billable: bool
    rate_cents: int | None
    currency: str
    state: str
    corrects_id: int | None
    rejection_reason: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.display_name

    @staticmethod
    def resolve_matter_number(obj) -> str:
        return obj.matter.number


class TimeFilters(Schema):
    state: EntryState | None = None
    matter_id: QueryId | None = None
    task_id: QueryId | None = None
    mine: bool = False
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


def _rows(request: ActorRequest):
    return visible(request.auth, TimeEntry).select_related("author", "matter")


@router.get("/time-entries", response=list[TimeEntryOut], summary="Time entries you can see")
@paginate
def list_entries(request: ActorRequest, filters: Query[TimeFilters]):
    rows = _rows(request)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.matter_id:
        rows = rows.filter(matter_id=filters.matter_id)
    if filters.task_id:
        rows = rows.filter(task_id=filters.task_id)
    if filters.mine:
        rows = rows.filter(author=request.auth.user)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return rows


@router.post("/time-entries", response={201: TimeEntryOut}, summary="Log time (a draft)")
def create_entry(request: ActorRequest, payload: TimeEntryIn):
    entry = services.log_time(
        request.auth, data=services.EntryInput(**payload.dict()), request=request
    )
    return Status(201, _rows(request).get(pk=entry.pk))


@router.get("/time-entries/{int:entry_id}", response=TimeEntryOut)
def get_entry(request: ActorRequest, entry_id: int):
    fetch(request.auth, TimeEntry, pk=entry_id)
    return _rows(request).get(pk=entry_id)


@router.patch("/time-entries/{int:entry_id}", response=TimeEntryOut, summary="Edit a draft")
def update_entry(request: ActorRequest, entry_id: int, payload: TimeEntryPatch):
    services.update_entry(
        request.auth, entry_id=entry_id, changes=payload.dict(exclude_unset=True), request=request
    )
    return _rows(request).get(pk=entry_id)


@router.delete("/time-entries/{int:entry_id}", response={204: None}, summary="Delete a draft")
def delete_entry(request: ActorRequest, entry_id: int):
    services.delete_entry(request.auth, entry_id=entry_id, request=request)
    return Status(204, None)


@router.post("/time-entries/submit", response=list[TimeEntryOut], summary="Submit drafts")
def submit(request: ActorRequest, payload: EntryIdsIn):
    entries = services.submit(request.auth, entry_ids=payload.entry_ids, request=request)
    return list(_rows(request).filter(pk__in=[e.pk for e in entries]))


@router.post(
    "/time-entries/approve",
    response=list[TimeEntryOut],
    summary="Approve submitted entries in bulk (the supervising attorney)",
)
def approve(request: ActorRequest, payload: EntryIdsIn):
    entries = services.approve(request.auth, entry_ids=payload.entry_ids, request=request)
    return list(_rows(request).filter(pk__in=[e.pk for e in entries]))


@router.post("/time-entries/reject", response=list[TimeEntryOut], summary="Reject, with a reason")
def reject(request: ActorRequest, payload: RejectIn):
    entries = services.reject(
        request.auth, entry_ids=payload.entry_ids, reason=payload.reason, request=request
    )
    return list(_rows(request).filter(pk__in=[e.pk for e in entries]))
