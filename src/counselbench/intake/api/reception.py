"""API: the reception log, messages, the telephony webhook and receptionist shifts. Parsing and
serializing only; the rules are in intake.services.reception, .webhook and .shifts."""

from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch
from counselbench.core.errors import Invalid
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId
from counselbench.core.throttling import AnonymousThrottle
from counselbench.intake.models import (
    Channel,
    Language,
    Message,
    Outcome,
    ReceptionEntry,
    Shift,
    Urgency,
)
from counselbench.intake.services import reception as services
from counselbench.intake.services import shifts as shift_services
from counselbench.intake.services import webhook

router = Router(tags=["reception"])
MAX_SHIFT_RANGE = timedelta(days=31)


# --- Schemas -------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str = Field(..., alias="display_name")


class ReceptionEntryIn(InputSchema):
    organization_id: ObjectId | None = Field(
        None, description="The firm (a contractor working several firms' front desks)"
    )
    channel: Channel = Channel.CALL
    caller_name: str = Field("", max_length=200)
    number: str = Field("", max_length=40, description="Any format; stored as E.164 (US default)")
    reason: str = Field("", max_length=200)
    message: str = Field("", max_length=5000)
    urgency: Urgency = Urgency.NORMAL
    language: Language = Language.EN
    outcome: Outcome = Outcome.IN_PROGRESS
    for_user_id: ObjectId | None = Field(None, description="The firm member it is for")
    lead_id: ObjectId | None = None
    call_id: str = Field(
        "",
        max_length=100,
        description="The telephony provider's call id: completes the entry the webhook made",
    )
    take_message: bool = Field(
        False, description="Leave a message for the person (implied by outcome message_taken)"
    )


class ReceptionEntryPatch(InputSchema):
    caller_name: str | None = Field(None, max_length=200)
    number: str | None = Field(None, max_length=40)
    reason: str | None = Field(None, max_length=200)
    message: str | None = Field(None, max_length=5000)
    urgency: Urgency | None = None
    language: Language | None = None
    outcome: Outcome | None = None
    for_user_id: ObjectId | None = None
    lead_id: ObjectId | None = None
    take_message: bool = False


class ReceptionEntryOut(Schema):
    id: int
    organization_id: int
    channel: str
    caller_name: str
    number: str
    reason: str
    message: str
    urgency: str
    language: str
    outcome: str
    outcome_label: str = Field(..., alias="get_outcome_display")
    for_user: PersonOut | None
    lead_id: int | None
    call_id: str = Field(..., alias="external_id")
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    logged_by: PersonOut | None
    editable: bool

    @staticmethod
    def resolve_editable(obj: ReceptionEntry) -> bool:
        return services.is_editable(obj)


class LogFilters(Schema):
    day: IsoDate | None = Field(None, description="A day in the firm's time zone")
    urgency: Urgency | None = None
    outcome: Outcome | None = None
    organization_id: QueryId | None = None


class MessageIn(InputSchema):
    organization_id: ObjectId | None = None
    recipient_id: ObjectId
    subject: str = Field(..., max_length=200)
    body: str = Field("", max_length=5000)
    urgency: Urgency = Urgency.NORMAL
    lead_id: ObjectId | None = None


class MessageOut(Schema):
    id: int
    organization_id: int
    recipient: PersonOut
    created_by: PersonOut | None
    subject: str
    body: str
    urgency: str
    entry_id: int | None
    lead_id: int | None
    created_at: datetime
    emailed_at: datetime | None
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj: Message) -> bool:
        return obj.read_at is not None


class MessageFilters(Schema):
    box: Literal["inbox", "sent"] = Field("inbox", description="Messages for me, or left by me")
    unread: bool = False


class CallEventOut(Schema):
    event_id: str
    entry_id: int | None
    type: str
    created: bool
    replayed: bool


class ShiftIn(InputSchema):
    person_id: ObjectId
    starts_at: datetime = Field(..., description="With an offset; without one, the firm's time")
    ends_at: datetime
    note: str = Field("", max_length=200)


class ShiftPatch(InputSchema):
    person_id: ObjectId | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    note: str | None = Field(None, max_length=200)


class ShiftOut(Schema):
    id: int
    organization_id: int
    person: PersonOut
    starts_at: datetime
    ends_at: datetime
    note: str


class GapOut(Schema):
    starts_at: datetime
    ends_at: datetime
    label: str


class ShiftsOut(Schema):
    starts_at: datetime
    ends_at: datetime
    shifts: list[ShiftOut]
    gaps: list[GapOut]


class ShiftFilters(Schema):
    start: IsoDate | None = Field(None, alias="from", description="Default: this week's Monday")
    end: IsoDate | None = Field(None, alias="to", description="Exclusive; default: 7 days later")
    organization_id: QueryId | None = None


# --- The log ------------------------------------------------------------------------------------


def _entry(request: ActorRequest, entry_id: int) -> ReceptionEntry:
    return services.log_rows(request.auth).get(pk=entry_id)


@router.get("/reception/log", response=list[ReceptionEntryOut], summary="The reception log")
@paginate
def list_log(request: ActorRequest, filters: Query[LogFilters]):
    rows = services.log_rows(request.auth)
    if filters.organization_id:
        rows = rows.filter(organization_id=filters.organization_id)
    if filters.day:
        firm = services.front_desk_firm(request.auth, organization_id=filters.organization_id)
        start, end = services.day_bounds(firm, filters.day)
        rows = rows.filter(organization=firm, started_at__gte=start, started_at__lt=end)
    if filters.urgency:
        rows = rows.filter(urgency=filters.urgency)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    return rows.order_by("-started_at", "-pk")


@router.post("/reception/log", response={201: ReceptionEntryOut}, summary="Log a call or chat")
def log_entry(request: ActorRequest, payload: ReceptionEntryIn):
    data: dict[str, Any] = payload.dict()
    data["external_id"] = data.pop("call_id")
    entry = services.log_entry(request.auth, data=data)
    return Status(201, _entry(request, entry.pk))


@router.get("/reception/log/{int:entry_id}", response=ReceptionEntryOut)
def get_entry(request: ActorRequest, entry_id: int):
    fetch(request.auth, ReceptionEntry, pk=entry_id)
    return _entry(request, entry_id)


@router.patch(
    "/reception/log/{int:entry_id}",
    response=ReceptionEntryOut,
    summary="Complete or correct an entry",
)
def update_entry(request: ActorRequest, entry_id: int, payload: ReceptionEntryPatch):
    data = payload.dict(exclude_unset=True)
    services.update_entry(request.auth, entry_id=entry_id, data=data)
    return _entry(request, entry_id)


# --- Messages -----------------------------------------------------------------------------------


@router.get("/messages", response=list[MessageOut], summary="Messages for me (or sent by me)")
@paginate
def list_messages(request: ActorRequest, filters: Query[MessageFilters]):
    actor = request.auth
    rows = services.inbox(actor) if filters.box == "inbox" else services.sent_messages(actor)
    rows = rows.select_related("recipient", "created_by")
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


@router.post("/messages", response={201: MessageOut}, summary="Leave a message for someone")
def leave_message(request: ActorRequest, payload: MessageIn):
    message = services.leave_message(request.auth, data=payload.dict())
    return Status(201, Message.objects.select_related("recipient", "created_by").get(pk=message.pk))


@router.post("/messages/{int:message_id}/read", response=MessageOut, summary="Mark read")
def mark_read(request: ActorRequest, message_id: int):
    message = services.mark_read(request.auth, message_id=message_id)
    return Message.objects.select_related("recipient", "created_by").get(pk=message.pk)


# --- The telephony webhook ----------------------------------------------------------------------


@router.post(
    "/intake/call-events",
    auth=None,
    throttle=[AnonymousThrottle("1200/m")],
    response={200: CallEventOut, 201: CallEventOut},
    summary="Telephony webhook: a call event, signed with the firm's webhook secret",
    description=(
        "Public; authenticated by `X-Counselbench-Signature: sha256=<hex HMAC-SHA256 of "
        "timestamp + '.' + raw body with the firm's webhook secret>` and "
        "`X-Counselbench-Timestamp: <Unix seconds>`. Name the firm with `?firm=<slug>` (or the "
        "`X-Counselbench-Firm` header). JSON or form-encoded (Twilio-like) bodies. 201 for a new "
        "event, 200 for a replay of one already received (nothing changes); 401 for a bad or "
        "missing signature, an unknown firm or a timestamp outside the window."
    ),
)
def call_event(request: HttpRequest, firm: str = Query("", max_length=60)):
    result = webhook.receive_call_event(
        firm_slug=firm or request.headers.get("X-Counselbench-Firm", ""),
        headers=request.headers,
        body=request.body,
        content_type=request.content_type or "",
    )
    return Status(200 if result.replayed else 201, result.as_payload())


# --- Shifts -------------------------------------------------------------------------------------


def _gap(start: datetime, end: datetime) -> dict[str, Any]:
    return {"starts_at": start, "ends_at": end, "label": shift_services.describe_gap(start, end)}


@router.get("/shifts", response=ShiftsOut, summary="Shifts in a period, and the coverage gaps")
def list_shifts(request: ActorRequest, filters: Query[ShiftFilters]):
    actor = request.auth
    firm = services.front_desk_firm(actor, organization_id=filters.organization_id)
    zone = services.firm_zone(firm)
    first: date = filters.start or shift_services.week_start(services.firm_today(firm))
    last: date = filters.end or first + timedelta(days=7)
    # A rota is kept for this century: far years have zone offsets in seconds (local mean
    # time) that no ISO date-time carries.
    for path, day in (("from", first), ("to", last)):
        if not 2000 <= day.year <= 2100:
            raise Invalid.field(path, "A date between 2000 and 2100.")
    if last <= first:
        raise Invalid.field("to", "'to' must be after 'from'.")
    if last - first > MAX_SHIFT_RANGE:
        raise Invalid.field("to", "At most 31 days at once.")
    start, _ = services.day_bounds(firm, first)
    end, _ = services.day_bounds(firm, last)
    rows = shift_services.visible_shifts(actor, start, end).filter(organization=firm)
    gaps = shift_services.coverage_gaps(firm, start, end)
    return {
        "starts_at": start,
        "ends_at": end,
        "shifts": list(rows),
        "gaps": [_gap(timezone.localtime(s, zone), timezone.localtime(e, zone)) for s, e in gaps],
    }


def _shift(shift_id: int) -> Shift:
    return Shift.objects.select_related("person").get(pk=shift_id)


@router.post("/shifts", response={201: ShiftOut}, summary="Put someone on shift")
def plan_shift(request: ActorRequest, payload: ShiftIn):
    shift = shift_services.plan_shift(request.auth, data=payload.dict())
    return Status(201, _shift(shift.pk))


@router.patch("/shifts/{int:shift_id}", response=ShiftOut, summary="Move or reassign a shift")
def update_shift(request: ActorRequest, shift_id: int, payload: ShiftPatch):
    shift_services.update_shift(
        request.auth, shift_id=shift_id, data=payload.dict(exclude_unset=True)
    )
    return _shift(shift_id)


@router.delete("/shifts/{int:shift_id}", response={204: None}, summary="Remove a shift")
def delete_shift(request: ActorRequest, shift_id: int):
    shift_services.delete_shift(request.auth, shift_id=shift_id)
    return Status(204, None)
