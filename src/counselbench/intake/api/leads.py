"""API: the leads pipeline. List and take leads (a phone lead goes through the same intake core
as the public page), read one with its history, move it, record a contact, clear its conflict
flag, convert it into a client and matter, and the response-time figures."""

from datetime import date, datetime, timedelta
from typing import Any

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from counselbench.access.policy import Action, ActorRequest, require
from counselbench.core.errors import Invalid
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId
from counselbench.intake import selectors
from counselbench.intake.models import Language, Lead, LeadSource, LeadState, Urgency
from counselbench.intake.services import leads as services
from counselbench.intake.services.front_desk import front_desk_firm
from counselbench.talent.models import PracticeArea

router = Router(tags=["leads"])


# --- Schemas -------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str = Field(..., alias="display_name")


class LeadOut(Schema):
    id: int
    organization_id: int
    name: str
    practice_area: str
    practice_area_label: str = Field(..., alias="get_practice_area_display")
    source: str
    language: str
    email: str
    phone: str
    state: str
    urgency: str
    score: int
    stage: str
    stage_label: str = Field(..., alias="get_stage_display")
    not_retained_reason: str
    conflict_flagged: bool
    conflict_cleared: bool
    suspected_spam: bool
    duplicate_count: int = Field(..., description="How many later leads may repeat this one")
    duplicate_of_id: int | None = Field(
        None, description="The earlier lead this one may repeat (each keeps its own details)"
    )
    assigned_to: PersonOut | None
    created_at: datetime
    first_contact_at: datetime | None
    response_minutes: float | None
    overdue: bool
    client_id: int | None
    matter_id: int | None
    converted_at: datetime | None

    @staticmethod
    def resolve_conflict_cleared(obj: Lead) -> bool:
        return obj.conflict_cleared_at is not None

    @staticmethod
    def resolve_response_minutes(obj: Lead) -> float | None:
        minutes = selectors.response_minutes(obj)
        return round(minutes, 1) if minutes is not None else None

    @staticmethod
    def resolve_overdue(obj: Lead) -> bool:
        return bool(getattr(obj, "overdue", False))


class LeadEventOut(Schema):
    kind: str
    from_stage: str
    to_stage: str
    note: str
    by: PersonOut | None
    at: datetime


class LeadDetailOut(LeadOut):
    other_parties: list[str]
    summary: str
    answers: dict[str, Any]
    score_reasons: list[dict[str, Any]]
    spam_reasons: list[str]
    conflict_hits: list[dict[str, Any]] | None = Field(
        None, description="The hits, for the firm's members; null for a contractor receptionist"
    )
    conflict_clear_reason: str
    conflict_cleared_at: datetime | None
    first_contact_by: PersonOut | None
    allowed_moves: list[str]
    events: list[LeadEventOut]

    @staticmethod
    def resolve_allowed_moves(obj: Lead) -> list[str]:
        return services.allowed_moves(obj)

    @staticmethod
    def resolve_events(obj: Lead) -> list:
        return getattr(obj, "shown_events", [])

    @staticmethod
    def resolve_conflict_hits(obj: Lead) -> list | None:
        return getattr(obj, "shown_hits", None)


def _detail(request: ActorRequest, lead_id: int) -> Lead:
    lead = selectors.lead(request.auth, lead_id)
    lead.shown_hits = (  # type: ignore[attr-defined]
        lead.conflict_hits if services.may_see_conflict_hits(request.auth, lead) else None
    )
    return lead


class LeadFilters(Schema):
    organization_id: QueryId | None = Field(None, description="A receptionist's firm")
    stage: LeadState | None = None
    practice_area: PracticeArea | None = None
    assigned_to: QueryId | None = None
    unassigned: bool = False
    flagged: bool | None = Field(None, description="An uncleared conflict flag")
    spam: bool | None = None
    overdue: bool | None = Field(None, description="Still new past the response target")
    q: str = Field("", max_length=200, description="Name, email, phone or summary")


class LeadIn(InputSchema):
    organization_id: ObjectId | None = Field(
        None, description="The firm, for a receptionist who works several"
    )
    source: LeadSource = LeadSource.PHONE
    practice_area: str = Field(..., max_length=30)
    name: str = Field(..., max_length=200)
    other_parties: list[str] = Field(default_factory=list, max_length=20)
    language: Language = Language.EN
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    state: str = Field("", max_length=2)
    urgency: Urgency = Urgency.NORMAL
    summary: str = Field("", max_length=5000)
    answers: dict[str, Any] = Field(default_factory=dict)


class LeadPatch(InputSchema):
    assigned_to_id: ObjectId | None = None
    urgency: Urgency | None = None


class LeadTransitionIn(InputSchema):
    to: LeadState
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=300, description="Required for not_retained")


class LeadContactIn(InputSchema):
    channel: str = Field(..., description=", ".join(services.CONTACT_CHANNELS))
    note: str = Field("", max_length=2000)


class LeadConflictClearIn(InputSchema):
    reason: str = Field(..., max_length=2000)


class ConvertIn(InputSchema):
    title: str = Field("", max_length=200, description="Blank: the prospect and practice area")
    jurisdiction: str = Field("", max_length=2, description="Blank: the lead's state or the firm's")
    responsible_attorney_id: ObjectId | None = Field(
        None, description="Blank: the lead's assignee if an attorney, else you"
    )
    description: str = Field("", max_length=10_000)


class ConvertOut(Schema):
    lead: LeadDetailOut
    client_id: int
    matter_id: int
    matter_number: str


class RangeIn(Schema):
    model_config = ConfigDict(populate_by_name=True)

    organization_id: QueryId | None = None
    start: IsoDate | None = Field(None, alias="from", description="Default: 30 days ago")
    end: IsoDate | None = Field(None, alias="to", description="Default: today")


class FiguresOut(Schema):
    contacted: int
    within_target: int
    median_minutes: float | None
    p90_minutes: float | None


class PersonFiguresOut(FiguresOut):
    user_id: int
    name: str


class ResponseTimesOut(Schema):
    organization_id: int
    start: date = Field(..., serialization_alias="from")
    end: date = Field(..., serialization_alias="to")
    target_minutes: int
    leads: int
    waiting: int
    overdue: int
    firm: FiguresOut
    within_target_share: float | None
    people: list[PersonFiguresOut]


# --- Endpoints -----------------------------------------------------------------------------------


@router.get("/leads", response=list[LeadOut], summary="Leads: filter and search")
@paginate
def list_leads(request: ActorRequest, filters: Query[LeadFilters]):
    rows = selectors.leads(request.auth, **filters.dict())
    return _Overdue(request, rows)


class _Overdue:
    """The page's leads with their `overdue` mark, computed once per page (no query per lead)."""

    def __init__(self, request: ActorRequest, rows):
        self.request, self.rows = request, rows

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[Lead]:
        return selectors.mark_overdue(self.request.auth, list(self.rows[page]))

    def __len__(self) -> int:
        return self.count()


@router.post("/leads", response={201: LeadDetailOut}, summary="Take a lead (phone, chat, referral)")
def create_lead(request: ActorRequest, payload: LeadIn):
    from counselbench.intake.services.intake import LeadInput
    from counselbench.intake.services.intake import create_lead as intake_create_lead

    actor = request.auth
    require(actor, Action.CREATE, Lead, "The firm's front desk takes leads.")
    firm = front_desk_firm(actor, organization_id=payload.organization_id)
    data = payload.dict(exclude={"organization_id", "source"})
    lead = intake_create_lead(
        organization=firm,
        data=LeadInput(**data, with_details=True),
        source=payload.source,
        by=actor.user,
    )
    return Status(201, _detail(request, lead.pk))


@router.get("/leads/response-times", response=ResponseTimesOut, by_alias=True)
def response_times(request: ActorRequest, period: Query[RangeIn]):
    """Minutes from a lead's creation to its first contact, for the leads created in the period:
    the firm's median and 90th percentile, the share within the firm's target, and per person."""
    from django.utils import timezone

    actor = request.auth
    services.require_front_desk(actor)
    firm = front_desk_firm(actor, organization_id=period.organization_id)
    end = period.end or timezone.localdate()
    start = period.start or end - timedelta(days=30)
    if start > end:
        raise Invalid.field("from", "The start is after the end.")
    if (end - start).days > 366:
        raise Invalid.field("from", "At most a year at a time.")
    return selectors.response_times(actor, organization_id=firm.pk, start=start, end=end)


@router.get("/leads/{int:lead_id}", response=LeadDetailOut)
def get_lead(request: ActorRequest, lead_id: int):
    return _detail(request, lead_id)


@router.patch("/leads/{int:lead_id}", response=LeadDetailOut, summary="Assign, or set the urgency")
def update_lead(request: ActorRequest, lead_id: int, payload: LeadPatch):
    services.update(
        request.auth, lead_id=lead_id, changes=payload.dict(exclude_unset=True), request=request
    )
    return _detail(request, lead_id)


@router.post(
    "/leads/{int:lead_id}/transition",
    response=LeadDetailOut,
    summary="Move the lead (not_retained needs a reason; retained comes with /convert)",
)
def transition(request: ActorRequest, lead_id: int, payload: LeadTransitionIn):
    services.transition(
        request.auth,
        lead_id=lead_id,
        to=payload.to,
        note=payload.note,
        reason=payload.reason,
        request=request,
    )
    return _detail(request, lead_id)


@router.post(
    "/leads/{int:lead_id}/contact",
    response=LeadDetailOut,
    summary="Record a contact with the prospect (the first one is the response time)",
)
def record_contact(request: ActorRequest, lead_id: int, payload: LeadContactIn):
    services.record_contact(
        request.auth, lead_id=lead_id, channel=payload.channel, note=payload.note, request=request
    )
    return _detail(request, lead_id)


@router.post(
    "/leads/{int:lead_id}/clear-conflict",
    response=LeadDetailOut,
    summary="Clear the conflict flag with a reason (owners and attorneys)",
)
def clear_conflict(request: ActorRequest, lead_id: int, payload: LeadConflictClearIn):
    services.clear_conflict(request.auth, lead_id=lead_id, reason=payload.reason, request=request)
    return _detail(request, lead_id)


@router.post(
    "/leads/{int:lead_id}/convert",
    response={201: ConvertOut},
    summary="Convert into a client and matter, once (owners and attorneys)",
)
def convert(request: ActorRequest, lead_id: int, payload: ConvertIn):
    lead = services.convert(
        request.auth, lead_id=lead_id, data=payload.dict(exclude_defaults=True), request=request
    )
    assert lead.matter is not None and lead.client_id is not None
    return Status(
        201,
        {
            "lead": _detail(request, lead_id),
            "client_id": lead.client_id,
            "matter_id": lead.matter.pk,
            "matter_number": lead.matter.number,
        },
    )
