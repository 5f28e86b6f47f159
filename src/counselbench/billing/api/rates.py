"""API: the firm's billing rates (owners)."""

import datetime as dt

from ninja import Field, Router, Schema, Status

from counselbench.access.policy import ActorRequest, visible
from counselbench.billing.models import BillingRate
from counselbench.billing.services import rates as services
from counselbench.core.schemas import InputSchema, IsoDate, ObjectId

router = Router(tags=["billing rates"])


class RateIn(InputSchema):
    user_id: ObjectId
    rate_cents: int = Field(..., ge=1, le=services.MAX_RATE_CENTS)
    effective_from: IsoDate


class RateOut(Schema):
    id: int
    user_id: int
    rate_cents: int
    currency: str
    effective_from: dt.date


@router.get("/billing-rates", response=list[RateOut], summary="The firm's billing rates (owner)")
def list_rates(request: ActorRequest):
    return list(visible(request.auth, BillingRate).order_by("user_id", "-effective_from"))


@router.post(
    "/billing-rates", response={201: RateOut}, summary="Set a timekeeper's rate from a date"
)
def set_rate(request: ActorRequest, payload: RateIn):
    rate = services.set_billing_rate(request.auth, **payload.dict(), request=request)
    return Status(201, rate)
