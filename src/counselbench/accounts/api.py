"""API: who am I, and my API tokens."""

from ninja import Router, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest
from counselbench.accounts import selectors, services
from counselbench.accounts.schemas import MeOut, TokenCreatedOut, TokenCreateIn, TokenOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="The caller and the organization it acts in")
def me(request: ActorRequest):
    actor = request.actor
    user = actor.user
    organization = None
    if actor.organization is not None:
        org = actor.organization
        organization = {
            "id": org.pk,
            "slug": org.slug,
            "name": org.name,
            "kind": org.kind,
            "role": actor.role,
            "require_mfa": org.require_mfa,
        }
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "two_factor_enabled": actor.has_two_factor(),
        "is_professional": actor.is_professional,
        "organization": organization,
    }


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
@paginate
def list_tokens(request: ActorRequest):
    return selectors.tokens_for(request.actor)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: ActorRequest, payload: TokenCreateIn):
    actor = request.actor
    slug = payload.organization or (actor.organization.slug if actor.organization else "")
    token, secret = services.create_token(
        actor,
        name=payload.name,
        organization_slug=slug,
        expires_in_days=payload.expires_in_days,
        request=request,
    )
    return Status(201, {"token": token, "secret": secret})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request: ActorRequest, token_id: int):
    services.revoke_token(request.actor, token_id=token_id, request=request)
    return Status(204, None)
