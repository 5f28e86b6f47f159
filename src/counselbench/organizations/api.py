"""API: my organizations, the current organization's settings, members and invitations."""

from django.db import transaction
from ninja import Router, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest
from counselbench.core.errors import Invalid
from counselbench.organizations import selectors, services
from counselbench.organizations.schemas import (
    InvitationAcceptIn,
    InvitationIn,
    InvitationOut,
    MemberOut,
    MemberPatchIn,
    MyMembershipOut,
    OrganizationCreateIn,
    OrganizationOut,
    OrganizationSettingsIn,
)

router = Router(tags=["organizations"])


@router.get(
    "/organizations",
    response=list[MyMembershipOut],
    summary="Organizations I belong to, with my role in each",
)
@paginate
def list_my_organizations(request: ActorRequest):
    return selectors.memberships_of_user(request.actor)


@router.post(
    "/organizations",
    response={201: OrganizationOut},
    summary="Create an organization (you become its administrator)",
)
def create_organization(request: ActorRequest, payload: OrganizationCreateIn):
    org = services.create_organization(
        request.actor,
        name=payload.name,
        kind=payload.kind,
        time_zone=payload.time_zone,
        request=request,
    )
    return Status(201, org)


@router.get(
    "/organizations/current",
    response=OrganizationOut,
    summary="The organization this request acts in",
)
def current_organization(request: ActorRequest):
    return request.actor.current_organization


@router.patch(
    "/organizations/current",
    response=OrganizationOut,
    summary="Change the current organization's settings (administrators)",
)
def update_current_organization(request: ActorRequest, payload: OrganizationSettingsIn):
    return services.update_settings(
        request.actor, request=request, **payload.dict(exclude_unset=True)
    )


@router.get("/memberships", response=list[MemberOut], summary="Members of the current organization")
@paginate
def list_members(request: ActorRequest):
    return selectors.members(request.actor)


@router.patch(
    "/memberships/{int:membership_id}",
    response=MemberOut,
    summary="Change a member's role, or a staff member's billing permission",
)
def change_member(request: ActorRequest, membership_id: int, payload: MemberPatchIn):
    membership = None
    with transaction.atomic():  # both or neither
        if payload.role is not None:
            membership = services.change_role(
                request.actor, membership_id=membership_id, role=payload.role, request=request
            )
        if payload.billing is not None:
            membership = services.set_billing_permission(
                request.actor, membership_id=membership_id, billing=payload.billing, request=request
            )
    if membership is None:
        raise Invalid.field("role", "Send a role, a billing permission, or both.")
    return membership


@router.delete("/memberships/{int:membership_id}", response={204: None}, summary="Remove a member")
def remove_member(request: ActorRequest, membership_id: int):
    services.remove_member(request.actor, membership_id=membership_id, request=request)
    return Status(204, None)


@router.get(
    "/invitations",
    response=list[InvitationOut],
    summary="Invitations of the current organization (administrators)",
)
@paginate
def list_invitations(request: ActorRequest):
    return selectors.invitations(request.actor)


@router.post(
    "/invitations",
    response={201: InvitationOut},
    summary="Invite someone by email (the link is emailed, signed and expiring)",
)
def create_invitation(request: ActorRequest, payload: InvitationIn):
    invitation = services.invite_member(
        request.actor, email=payload.email, role=payload.role, request=request
    )
    return Status(201, invitation)


@router.delete(
    "/invitations/{int:invitation_id}", response={204: None}, summary="Revoke an open invitation"
)
def revoke_invitation(request: ActorRequest, invitation_id: int):
    services.revoke_invitation(request.actor, invitation_id=invitation_id, request=request)
    return Status(204, None)


@router.post(
    "/invitations/accept",
    response=MyMembershipOut,
    summary="Accept an invitation addressed to my email",
)
def accept_invitation(request: ActorRequest, payload: InvitationAcceptIn):
    membership = services.accept_invitation(
        request.actor.user, token=payload.token, request=request
    )
    return membership
