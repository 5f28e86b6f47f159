"""Writes for tenancy: create an organization, manage members and roles, invitations, settings."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.accounts.models import ApiToken, User
from counselbench.core.errors import Invalid, NotFound, RuleViolation
from counselbench.organizations.error_codes import OrganizationsErrorCode as Code
from counselbench.organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    roles_for_kind,
)

INVITATION_SALT = "counselbench.organizations.invitation"


def _check_role(organization: Organization, role: str, path: str = "role") -> Role:
    allowed = roles_for_kind(organization.kind)
    if role not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise Invalid.field(
            path,
            f"A {organization.get_kind_display().lower()} has roles: {names}.",
            code=Code.ROLE_NOT_FOR_KIND,
        )
    return Role(role)


def _check_time_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise Invalid.field(
            "time_zone",
            f"{value!r} is not a time zone, e.g. America/New_York.",
            code=Code.TIME_ZONE_INVALID,
        )
    return value


def create_organization(
    actor: Actor,
    *,
    name: str,
    kind: str,
    time_zone: str = "America/New_York",
    request: HttpRequest | None = None,
) -> Organization:
    """Create an organization; its creator becomes its administrator (owner or provider admin)."""
    require(actor, Action.CREATE, Organization)
    name = (name or "").strip()
    if not name:
        raise Invalid.field("name", "Enter the organization's name.")
    if kind not in OrganizationKind.values:
        raise Invalid.field("kind", "Choose law firm, legal department or provider.")
    _check_time_zone(time_zone)
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        organization = Organization.objects.create(
            name=name, slug=slug, kind=kind, time_zone=time_zone
        )
        membership = Membership.objects.create(
            organization=organization, user=actor.authenticated_user, role=organization.admin_role
        )
        if not organization.is_provider:
            # A firm starts with the shipped task taxonomy and market rates (self-audit).
            from counselbench.selfaudit.services import ensure_firm_setup

            ensure_firm_setup(organization)
        log.record(
            "organization.created",
            actor=actor.user,
            organization=organization,
            obj=organization,
            request=request,
        )
        log.record(
            "membership.created",
            actor=actor.user,
            organization=organization,
            obj=membership,
            request=request,
            detail={"role": membership.role},
        )
    return organization


def update_settings(
    actor: Actor,
    *,
    name: str | None = None,
    time_zone: str | None = None,
    require_mfa: bool | None = None,
    request: HttpRequest | None = None,
) -> Organization:
    organization = actor.current_organization
    require(actor, Action.MANAGE, organization)
    changed: dict[str, object] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise Invalid.field("name", "Enter the organization's name.")
        changed["name"] = name
    if time_zone is not None:
        changed["time_zone"] = _check_time_zone(time_zone)
    if require_mfa is not None:
        if require_mfa and not actor.has_two_factor():
            raise RuleViolation(
                Code.MFA_REQUIRED_SELF,
                "Turn on two-factor authentication for your own account before requiring it.",
                unblock="Account → Two-factor authentication → Activate.",
            )
        changed["require_mfa"] = require_mfa
    changed = {k: v for k, v in changed.items() if getattr(organization, k) != v}
    if changed:
        with transaction.atomic():
            for key, value in changed.items():
                setattr(organization, key, value)
            organization.save(update_fields=list(changed))
            log.record(
                "organization.settings_changed",
                actor=actor,
                obj=organization,
                request=request,
                detail={k: str(v) for k, v in changed.items()},
            )
    return organization


def _admins_left(organization: Organization, excluding: Membership) -> int:
    return (
        Membership.objects.filter(organization=organization, role=organization.admin_role)
        .exclude(pk=excluding.pk)
        .count()
    )


def change_role(
    actor: Actor, *, membership_id: int, role: str, request: HttpRequest | None = None
) -> Membership:
    membership = fetch(actor, Membership, Action.CHANGE, pk=membership_id)
    organization = actor.current_organization
    new_role = _check_role(organization, role)
    if membership.role == new_role:
        return membership
    with transaction.atomic():
        # Lock the organization's memberships so two admins cannot demote each other at once.
        list(Membership.objects.select_for_update().filter(organization=organization))
        if (
            membership.role == organization.admin_role
            and _admins_left(organization, membership) == 0
        ):
            raise RuleViolation(
                Code.LAST_ADMIN,
                f"{membership.user.display_name} is the only "
                f"{membership.get_role_display().lower()}.",
                unblock="Make another member an owner first.",
            )
        old = membership.role
        membership.role = new_role
        # The billing permission is a staff member's; owners bill anyway, attorneys do not.
        membership.billing = membership.billing and new_role == Role.STAFF
        membership.save(update_fields=["role", "billing"])
        log.record(
            "membership.role_changed",
            actor=actor,
            obj=membership,
            request=request,
            detail={"from": old, "to": new_role, "user": membership.user.email},
        )
    return membership


def set_billing_permission(
    actor: Actor, *, membership_id: int, billing: bool, request: HttpRequest | None = None
) -> Membership:
    """Gives a staff member the billing permission (invoices, contractor statements, trust
    postings), or takes it away. Owners always have it; attorneys authorize, they do not bill."""
    membership = fetch(actor, Membership, Action.CHANGE, pk=membership_id)
    if not isinstance(billing, bool):
        raise Invalid.field("billing", "true or false.")
    if membership.role != Role.STAFF:
        raise Invalid.field(
            "billing",
            "The billing permission is for staff members; owners always have it.",
            Code.BILLING_STAFF_ONLY,
        )
    if membership.billing != billing:
        membership.billing = billing
        membership.save(update_fields=["billing"])
        log.record(
            "membership.billing_changed",
            actor=actor,
            obj=membership,
            request=request,
            detail={"billing": billing, "user": membership.user.email},
        )
    return membership


def remove_member(actor: Actor, *, membership_id: int, request: HttpRequest | None = None) -> None:
    """Remove a member: their sessions for this organization end at their next request and their
    API tokens for it are revoked."""
    membership = fetch(actor, Membership, Action.DELETE, pk=membership_id)
    organization = actor.current_organization
    with transaction.atomic():
        list(Membership.objects.select_for_update().filter(organization=organization))
        if (
            membership.role == organization.admin_role
            and _admins_left(organization, membership) == 0
        ):
            raise RuleViolation(
                Code.LAST_ADMIN,
                "An organization needs at least one administrator.",
                unblock="Make another member an owner first.",
            )
        ApiToken.objects.filter(
            user=membership.user, organization=organization, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        log.record(
            "membership.removed",
            actor=actor,
            obj=membership,
            request=request,
            detail={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


# --- Invitations ----------------------------------------------------------------------------


def invite_member(
    actor: Actor, *, email: str, role: str, request: HttpRequest | None = None
) -> Invitation:
    """Invite by email. Re-inviting an address replaces its open invitation (a fresh link)."""
    require(
        actor,
        Action.INVITE,
        actor.organization,
        "Only an organization's administrators can invite.",
    )
    organization = actor.current_organization
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid.field("email", "Enter a valid email address.") from None
    role = _check_role(organization, role)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise RuleViolation(Code.ALREADY_MEMBER, f"{email} is already a member.")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            organization=organization,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            invited_by=actor.authenticated_user,
            created_at=now,
            expires_at=now + settings.INVITATION_MAX_AGE,
        )
        log.record(
            "invitation.created",
            actor=actor,
            obj=invitation,
            request=request,
            detail={"email": email, "role": role},
        )
        from counselbench.organizations.tasks import send_invitation_email

        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


def revoke_invitation(
    actor: Actor, *, invitation_id: int, request: HttpRequest | None = None
) -> Invitation:
    invitation = fetch(actor, Invitation, Action.DELETE, pk=invitation_id)
    if not invitation.is_open:
        raise RuleViolation(
            Code.INVITATION_CLOSED, f"This invitation was already {invitation.status}."
        )
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log.record("invitation.revoked", actor=actor, obj=invitation, request=request)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("organizations:invitation_accept", args=[invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link names. A forged link is 'not found'; an old one has expired."""
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise RuleViolation(
            Code.INVITATION_EXPIRED,
            "This invitation has expired.",
            unblock="Ask the organization for a new invitation.",
        ) from None
    except signing.BadSignature:
        raise NotFound("This invitation link is not valid.", code=Code.INVITATION_INVALID) from None
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.", code=Code.INVITATION_INVALID)
    if invitation.revoked_at or invitation.accepted_at:
        raise RuleViolation(
            Code.INVITATION_CLOSED,
            f"This invitation was {invitation.status}.",
            unblock="Ask the organization for a new invitation.",
        )
    if invitation.is_expired():
        raise RuleViolation(
            Code.INVITATION_EXPIRED,
            "This invitation has expired.",
            unblock="Ask the organization for a new invitation.",
        )
    return invitation


def accept_invitation(user: User, *, token: str, request: HttpRequest | None = None) -> Membership:
    invitation = invitation_from_token(token)
    if user.email.lower() != invitation.email.lower():
        raise RuleViolation(
            Code.INVITATION_EMAIL_MISMATCH,
            f"This invitation is for {invitation.email}; you are signed in as {user.email}.",
            unblock=f"Sign in as {invitation.email} to accept it.",
        )
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not updated:
            raise RuleViolation(Code.INVITATION_CLOSED, "This invitation was already used.")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    organization=invitation.organization, user=user, role=invitation.role
                )
        except IntegrityError:
            membership = Membership.objects.get(organization=invitation.organization, user=user)
        else:
            log.record(
                "membership.created",
                actor=user,
                organization=invitation.organization,
                obj=membership,
                request=request,
                detail={"role": membership.role, "via": "invitation"},
            )
        log.record(
            "invitation.accepted",
            actor=user,
            organization=invitation.organization,
            obj=invitation,
            request=request,
        )
    return membership


def deliver_invitation(*, invitation_id: int) -> bool:
    """Send the invitation email (run by the task queue). Idempotent for closed invitations."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open or invitation.is_expired():
        return False
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        "expires_at": invitation.expires_at,
    }
    send_mail(
        subject=f"You're invited to {invitation.organization.name} on Counselbench",
        message=render_to_string("organizations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True
