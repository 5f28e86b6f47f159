"""API: clients, matters, parties, the client's consent, and ethical walls."""

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import Actor, ActorRequest, fetch
from counselbench.core.schemas import QueryId
from counselbench.matters import selectors
from counselbench.matters.models import Matter, MatterStatus
from counselbench.matters.schemas import (
    ClientIn,
    ClientOut,
    ConsentIn,
    ConsentOut,
    MatterDetailOut,
    MatterIn,
    MatterOut,
    MatterPatch,
    PartiesIn,
    PartyOut,
    ScreenIn,
    ScreenOut,
)
from counselbench.matters.services import matters as services
from counselbench.talent.models import PracticeArea

router = Router(tags=["matters"])


@router.get("/clients", response=list[ClientOut], summary="The firm's clients")
@paginate
def list_clients(request: ActorRequest, q: str = ""):
    return selectors.clients(request.auth, q=q)


@router.post("/clients", response={201: ClientOut}, summary="Open a client")
def create_client(request: ActorRequest, payload: ClientIn):
    client = services.create_client(request.auth, data=payload.dict(), request=request)
    return Status(201, client)


class MatterFilters(Schema):
    q: str = ""
    status: MatterStatus | None = None
    practice_area: PracticeArea | None = None
    jurisdiction: str | None = None
    responsible_attorney_id: QueryId | None = None
    client_id: QueryId | None = None


@router.get("/matters", response=list[MatterOut], summary="Matters: search and filter")
@paginate
def list_matters(request: ActorRequest, filters: Query[MatterFilters]):
    return selectors.matters(request.auth, **filters.dict())


def matter_detail(actor: Actor, matter_id: int) -> Matter:
    matter = fetch(actor, Matter, pk=matter_id)
    matter = selectors.with_consent(
        Matter.objects.filter(pk=matter.pk).select_related("client", "responsible_attorney")
    ).get()
    matter.shown_parties = list(matter.parties.all())  # type: ignore[attr-defined]
    matter.shown_consent = services.consent_in_force(matter)  # type: ignore[attr-defined]
    matter.shown_screens = list(  # type: ignore[attr-defined]
        matter.screens.filter(removed_at__isnull=True).select_related("user", "created_by")
    )
    return matter


@router.post(
    "/matters",
    response={201: MatterDetailOut},
    summary="Open a matter (runs the intake conflict check)",
)
def create_matter(request: ActorRequest, payload: MatterIn):
    data = payload.dict(exclude={"parties"})
    parties = [p.dict() for p in payload.parties]
    matter = services.open_matter(request.auth, data=data, parties=parties, request=request)
    return Status(201, matter_detail(request.auth, matter.pk))


@router.get("/matters/{int:matter_id}", response=MatterDetailOut)
def get_matter(request: ActorRequest, matter_id: int):
    return matter_detail(request.auth, matter_id)


@router.patch("/matters/{int:matter_id}", response=MatterDetailOut, summary="Edit or close")
def update_matter(request: ActorRequest, matter_id: int, payload: MatterPatch):
    changes = payload.dict(exclude_unset=True)
    services.update_matter(request.auth, matter_id=matter_id, changes=changes, request=request)
    return matter_detail(request.auth, matter_id)


@router.get("/matters/{int:matter_id}/parties", response=list[PartyOut])
def list_parties(request: ActorRequest, matter_id: int):
    return list(fetch(request.auth, Matter, pk=matter_id).parties.all())


@router.post(
    "/matters/{int:matter_id}/parties",
    response={201: list[PartyOut]},
    summary="Add parties (earlier conflict checks become stale)",
)
def add_parties(request: ActorRequest, matter_id: int, payload: PartiesIn):
    added = services.add_parties(
        request.auth,
        matter_id=matter_id,
        parties=[p.dict() for p in payload.parties],
        request=request,
    )
    return Status(201, added)


@router.delete("/matters/{int:matter_id}/parties/{int:party_id}", response={204: None})
def remove_party(request: ActorRequest, matter_id: int, party_id: int):
    services.remove_party(request.auth, matter_id=matter_id, party_id=party_id, request=request)
    return Status(204, None)


@router.get(
    "/matters/{int:matter_id}/consent",
    response=list[ConsentOut],
    summary="The consent record, newest first (withdrawn ones included)",
)
def list_consents(request: ActorRequest, matter_id: int):
    matter = fetch(request.auth, Matter, pk=matter_id)
    return list(matter.consents.select_related("recorded_by"))


@router.post(
    "/matters/{int:matter_id}/consent",
    response={201: ConsentOut},
    summary="Record the client's informed consent (ABA Formal Opinion 08-451)",
)
def record_consent(request: ActorRequest, matter_id: int, payload: ConsentIn):
    consent = services.record_consent(
        request.auth, matter_id=matter_id, data=payload.dict(), request=request
    )
    return Status(201, consent)


@router.delete(
    "/matters/{int:matter_id}/consent",
    response=ConsentOut,
    summary="Withdraw consent: every contractor grant on the matter is revoked",
)
def withdraw_consent(request: ActorRequest, matter_id: int):
    return services.withdraw_consent(request.auth, matter_id=matter_id, request=request)


@router.get("/matters/{int:matter_id}/screens", response=list[ScreenOut])
def list_screens(request: ActorRequest, matter_id: int):
    matter = fetch(request.auth, Matter, pk=matter_id)
    return list(matter.screens.select_related("user", "created_by"))


@router.post(
    "/matters/{int:matter_id}/screens",
    response={201: ScreenOut},
    summary="Screen a person from the matter (an ethical wall)",
)
def add_screen(request: ActorRequest, matter_id: int, payload: ScreenIn):
    screen = services.screen_person(
        request.auth,
        matter_id=matter_id,
        user_id=payload.user_id,
        reason=payload.reason,
        request=request,
    )
    return Status(201, screen)


@router.delete("/matters/{int:matter_id}/screens/{int:screen_id}", response=ScreenOut)
def remove_screen(request: ActorRequest, matter_id: int, screen_id: int):
    return services.remove_screen(
        request.auth, matter_id=matter_id, screen_id=screen_id, request=request
    )
