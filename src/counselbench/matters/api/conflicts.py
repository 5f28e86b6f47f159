"""API: conflict checks on a matter, clearing their hits, and a professional's declared prior
parties (PRODUCT §2.3). Rules live in matters.services.conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from counselbench.access.policy import ActorRequest
from counselbench.core.schemas import InputSchema, ObjectId
from counselbench.matters.models import ConflictCheck, ConflictStatus, PriorParty
from counselbench.matters.services import conflicts as services

router = Router(tags=["conflicts"])


class ConflictCheckIn(InputSchema):
    professional_id: ObjectId | None = Field(
        None, description="The professional about to get access; omit (or null) for intake"
    )


class ConflictClearIn(InputSchema):
    reason: str = Field(..., max_length=services.REASON_LIMIT)


class ConflictHitOut(Schema):
    """One hit. `another_firm` hits carry only this matter's own party and a message."""

    source: str = Field(..., description="firm, declared or another_firm")
    party: str = Field(..., description="This matter's party that matched")
    role: str | None = None
    matched_name: str | None = None
    matched_role: str | None = None
    matter_number: str | None = None
    score: int | None = None
    message: str | None = None


class ConflictCheckOut(Schema):
    id: int
    matter_id: int
    professional_id: int | None
    professional: str | None
    status: ConflictStatus
    passed: bool = Field(..., description="Found nothing, or an attorney cleared the hits")
    stale: bool = Field(..., description="Parties or prior parties changed since it ran")
    latest: bool = Field(..., description="The newest check for this professional (or intake)")
    hits: list[ConflictHitOut]
    threshold: int
    run_at: dt.datetime
    run_by: str | None
    cleared_by: str | None
    cleared_at: dt.datetime | None
    clearance_reason: str


class PriorPartyIn(InputSchema):
    name: str = Field(..., max_length=services.PRIOR_PARTY_NAME_LIMIT)
    note: str = Field("", max_length=services.PRIOR_PARTY_NOTE_LIMIT)


class PriorPartyOut(Schema):
    id: int
    name: str
    note: str
    declared_at: dt.datetime


def check_out(check: ConflictCheck, *, stale: bool = False, latest: bool = True) -> dict[str, Any]:
    professional = check.professional
    return {
        "id": check.pk,
        "matter_id": check.matter_id,
        "professional_id": check.professional_id,
        "professional": professional.user.display_name if professional else None,
        "status": check.status,
        "passed": check.passed,
        "stale": stale,
        "latest": latest,
        "hits": check.hits,
        "threshold": check.threshold,
        "run_at": check.run_at,
        "run_by": check.run_by.display_name if check.run_by else None,
        "cleared_by": check.cleared_by.display_name if check.cleared_by else None,
        "cleared_at": check.cleared_at,
        "clearance_reason": check.clearance_reason,
    }


@router.post(
    "/matters/{int:matter_id}/conflict-check",
    response={201: ConflictCheckOut},
    summary="Run the conflict check on a matter (intake, or before a professional's access)",
)
def run_conflict_check(request: ActorRequest, matter_id: int, payload: ConflictCheckIn):
    check = services.run_conflict_check(
        request.actor,
        matter_id=matter_id,
        professional_id=payload.professional_id,
        request=request,
    )
    return Status(201, check_out(check))


@router.get(
    "/matters/{int:matter_id}/conflict-check",
    response=list[ConflictCheckOut],
    summary="The matter's conflict checks, newest first",
)
def list_conflict_checks(request: ActorRequest, matter_id: int):
    checks, fresh = services.latest_checks(request.actor, matter_id=matter_id)
    return [
        check_out(c, stale=fresh.is_stale(c), latest=services.is_latest(c, checks)) for c in checks
    ]


@router.post(
    "/conflict-checks/{int:check_id}/clear",
    response=ConflictCheckOut,
    summary="Clear a check's possible conflicts, with the reason (owners and attorneys)",
)
def clear_conflict(request: ActorRequest, check_id: int, payload: ConflictClearIn):
    check = services.clear_conflict(
        request.actor, check_id=check_id, reason=payload.reason, request=request
    )
    return check_out(check)


@router.get(
    "/prior-parties",
    response=list[PriorPartyOut],
    summary="Your declared prior parties (professionals)",
)
def list_prior_parties(request: ActorRequest) -> list[PriorParty]:
    return list(services.prior_parties(request.actor))


@router.post(
    "/prior-parties",
    response={201: PriorPartyOut},
    summary="Declare a party you worked for or against before (professionals)",
)
def declare_prior_party(request: ActorRequest, payload: PriorPartyIn):
    prior = services.declare_prior_party(
        request.actor, name=payload.name, note=payload.note, request=request
    )
    return Status(201, prior)


@router.delete(
    "/prior-parties/{int:prior_party_id}",
    response={204: None},
    summary="Withdraw a declared prior party",
)
def remove_prior_party(request: ActorRequest, prior_party_id: int):
    services.remove_prior_party(request.actor, prior_party_id=prior_party_id, request=request)
    return Status(204, None)
