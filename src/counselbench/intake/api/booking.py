"""API: booking — attorneys' weekly hours and time away, free slots (for the front desk),
appointments (book for a caller, cancel) and consultation types."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import Action, ActorRequest, fetch, visible
from counselbench.core.errors import Invalid
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId, QueryId
from counselbench.intake.models import (
    Appointment,
    Availability,
    AvailabilityException,
    ConsultationType,
    Language,
)
from counselbench.intake.services import booking as services

router = Router(tags=["booking"])


class HoursIn(InputSchema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday")
    starts: dt.time = Field(..., description="HH:MM in the firm's time zone")
    ends: dt.time


class WeekIn(InputSchema):
    attorney_id: ObjectId | None = Field(None, description="Default: yourself")
    hours: list[HoursIn] = Field(..., max_length=70)


class HoursOut(Schema):
    id: int
    attorney_id: int
    weekday: int
    starts: dt.time
    ends: dt.time


class WeekOut(Schema):
    attorney_id: int
    time_zone: str
    hours: list[HoursOut]


class ExceptionIn(InputSchema):
    attorney_id: ObjectId | None = None
    starts_at: dt.datetime = Field(..., description="With an offset, e.g. 2026-03-10T09:00-06:00")
    ends_at: dt.datetime
    note: str = Field("", max_length=200)


class ExceptionOut(Schema):
    id: int
    attorney_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    note: str


class SlotOut(Schema):
    attorney_id: int
    attorney: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_start: dt.datetime


class SlotFilters(Schema):
    consultation_type_id: QueryId
    attorney_id: QueryId | None = None
    from_: IsoDate | None = Field(
        None, alias="from", description="First day, in tz (default today)"
    )
    days: int = Field(7, ge=1, le=services.HORIZON_DAYS)
    tz: str | None = Field(None, max_length=64, description="IANA zone (default the firm's)")
    organization_id: QueryId | None = None


class AppointmentOut(Schema):
    id: int
    organization_id: int
    attorney_id: int
    attorney: str
    consultation_type_id: int
    consultation_type: str
    lead_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    name: str
    email: str
    phone: str
    time_zone: str
    language: str
    state: str
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    reminder_sent_at: dt.datetime | None
    sequence: int

    @staticmethod
    def resolve_attorney(obj) -> str:
        return obj.attorney.display_name

    @staticmethod
    def resolve_consultation_type(obj) -> str:
        return obj.consultation_type.name_en


class AppointmentFilters(Schema):
    from_: IsoDate | None = Field(None, alias="from")
    to: IsoDate | None = None
    attorney_id: QueryId | None = None


class BookIn(InputSchema):
    consultation_type_id: ObjectId
    attorney_id: ObjectId
    starts_at: dt.datetime = Field(..., description="A slot's starts_at, with an offset")
    name: str = Field(..., max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    time_zone: str = Field(..., max_length=64, description="The caller's IANA zone")
    language: Language = Language.EN
    lead_id: ObjectId | None = None
    organization_id: ObjectId | None = Field(None, description="For a contractor receptionist")


class TypeIn(InputSchema):
    name_en: str = Field(..., max_length=120)
    name_es: str = Field(..., max_length=120)
    minutes: int = Field(..., ge=10, le=240)
    practice_area: str = Field("", max_length=30)
    active: bool = True


class TypeOut(Schema):
    id: int
    organization_id: int
    name_en: str
    name_es: str
    minutes: int
    practice_area: str
    active: bool


def _aware(value: dt.datetime, path: str) -> dt.datetime:
    if value.tzinfo is None:
        raise Invalid.field(path, "Give the time with its offset, e.g. 2026-03-10T09:00-06:00.")
    return value


def _week(request: ActorRequest, attorney_id: int) -> WeekOut:
    rows = visible(request.auth, Availability).filter(attorney_id=attorney_id)
    organization = services.front_desk_firm(request.auth)
    return WeekOut(
        attorney_id=attorney_id,
        time_zone=organization.time_zone,
        hours=[HoursOut.from_orm(r) for r in rows.order_by("weekday", "starts")],
    )


@router.get("/availability", response=WeekOut, summary="An attorney's weekly hours")
def get_week(request: ActorRequest, attorney_id: Query[QueryId | None] = None):
    return _week(request, attorney_id or request.auth.authenticated_user.pk)


@router.put("/availability", response=WeekOut, summary="Replace an attorney's weekly hours")
def put_week(request: ActorRequest, payload: WeekIn):
    attorney_id = payload.attorney_id or request.auth.authenticated_user.pk
    services.set_week(
        request.auth,
        attorney_id=attorney_id,
        hours=[services.WeeklyHours(h.weekday, h.starts, h.ends) for h in payload.hours],
    )
    return _week(request, attorney_id)


@router.get(
    "/availability/exceptions", response=list[ExceptionOut], summary="Time away (from today)"
)
@paginate
def list_exceptions(request: ActorRequest, attorney_id: Query[QueryId | None] = None):
    rows = visible(request.auth, AvailabilityException).filter(ends_at__gte=dt.datetime.now(dt.UTC))
    if attorney_id:
        rows = rows.filter(attorney_id=attorney_id)
    return rows.order_by("starts_at", "pk")


@router.post("/availability/exceptions", response={201: ExceptionOut}, summary="Add time away")
def add_exception(request: ActorRequest, payload: ExceptionIn):
    exception = services.add_exception(
        request.auth,
        attorney_id=payload.attorney_id or request.auth.authenticated_user.pk,
        starts_at=_aware(payload.starts_at, "starts_at"),
        ends_at=_aware(payload.ends_at, "ends_at"),
        note=payload.note,
    )
    return Status(201, exception)


@router.delete(
    "/availability/exceptions/{int:exception_id}", response={204: None}, summary="Remove it"
)
def remove_exception(request: ActorRequest, exception_id: int):
    services.remove_exception(request.auth, exception_id=exception_id)
    return Status(204, None)


@router.get("/availability/slots", response=list[SlotOut], summary="Free slots (front desk)")
def slots(request: ActorRequest, filters: Query[SlotFilters]):
    organization = services.front_desk_firm(request.auth, organization_id=filters.organization_id)
    consultation_type = fetch(request.auth, ConsultationType, pk=filters.consultation_type_id)
    if consultation_type.organization_id != organization.pk:
        raise Invalid.field("consultation_type_id", "A consultation type of that firm.")
    tz = services.zone(filters.tz or organization.time_zone, path="tz")
    attorney = None
    if filters.attorney_id:
        attorney = next(
            (a for a in services.bookable_attorneys(organization) if a.pk == filters.attorney_id),
            None,
        )
        if attorney is None:
            raise Invalid.field("attorney_id", "An owner or attorney of the firm.")
    start = filters.from_ or dt.datetime.now(tz).date()
    found = services.free_slots(
        organization=organization,
        consultation_type=consultation_type,
        attorney=attorney,
        start_day=start,
        days=filters.days,
        tz=tz,
    )
    return [
        SlotOut(
            attorney_id=s.attorney_id,
            attorney=s.attorney_name,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            local_start=s.local_start,
        )
        for s in found
    ]


@router.get("/appointments", response=list[AppointmentOut], summary="Appointments")
@paginate
def list_appointments(request: ActorRequest, filters: Query[AppointmentFilters]):
    start = end = None
    if filters.from_:
        start = dt.datetime.combine(filters.from_, dt.time(0), tzinfo=dt.UTC)
    if filters.to and filters.to < dt.date.max:
        end = dt.datetime.combine(filters.to + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    return services.upcoming(request.auth, start=start, end=end, attorney_id=filters.attorney_id)


@router.post("/appointments", response={201: AppointmentOut}, summary="Book for a caller")
def book(request: ActorRequest, payload: BookIn):
    appointment = services.book_for_caller(
        request.auth,
        consultation_type_id=payload.consultation_type_id,
        attorney_id=payload.attorney_id,
        starts_at=_aware(payload.starts_at, "starts_at"),
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        time_zone=payload.time_zone,
        language=payload.language,
        lead_id=payload.lead_id,
        organization_id=payload.organization_id,
    )
    return Status(201, fetch(request.auth, Appointment, related=("attorney",), pk=appointment.pk))


@router.get("/appointments/{int:appointment_id}", response=AppointmentOut)
def get_appointment(request: ActorRequest, appointment_id: int):
    return fetch(
        request.auth, Appointment, related=("attorney", "consultation_type"), pk=appointment_id
    )


@router.post(
    "/appointments/{int:appointment_id}/cancel",
    response=AppointmentOut,
    summary="Cancel (the prospect is emailed; the time is free again)",
)
def cancel(request: ActorRequest, appointment_id: int):
    services.cancel(request.auth, appointment_id=appointment_id)
    return fetch(request.auth, Appointment, Action.VIEW, pk=appointment_id)


@router.get("/consultation-types", response=list[TypeOut], summary="Consultation types")
@paginate
def list_types(request: ActorRequest):
    return visible(request.auth, ConsultationType).order_by("organization_id", "minutes", "pk")


@router.post("/consultation-types", response={201: TypeOut}, summary="Add one (owner)")
def create_type(request: ActorRequest, payload: TypeIn):
    return Status(201, services.create_consultation_type(request.auth, **payload.dict()))
