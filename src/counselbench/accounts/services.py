"""API tokens: create (secret shown once), revoke, and authenticate a bearer token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.accounts.error_codes import AccountsErrorCode
from counselbench.accounts.models import ApiToken
from counselbench.accounts.selectors import token_holder
from counselbench.core.errors import CoreErrorCode, Invalid, PermissionDenied
from counselbench.organizations.models import Organization, Role

TOKEN_PREFIX = "cbt_"  # noqa: S105 (a public marker, not a secret)
MAX_TOKEN_DAYS = 365
# Record "last used" (and log the use) at most this often per token, so a busy integration does
# not turn every API call into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    actor: Actor,
    *,
    name: str,
    organization_slug: str,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is not stored and cannot be shown again."""
    require(
        actor, Action.CREATE, ApiToken, "Only members of an organization can create API tokens."
    )
    name = (name or "").strip()
    if not name:
        raise Invalid.field("name", "Give the token a name, e.g. the integration that will use it.")
    if len(name) > 100:
        raise Invalid.field("name", "Keep the name under 100 characters.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise Invalid.field(
            "expires_in_days",
            f"Expiry must be between 1 and {MAX_TOKEN_DAYS} days, or empty for no expiry.",
            code=AccountsErrorCode.TOKEN_EXPIRY_INVALID,
        )
    organization = visible(actor, Organization).filter(slug=organization_slug).first()
    if not organization_slug:
        raise Invalid.field("organization", "Name the organization the token acts in.")
    if organization is None:
        raise Invalid.field(
            "organization",
            "You are not a member of that organization.",
            code=AccountsErrorCode.TOKEN_NOT_MEMBER,
        )

    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.authenticated_user,
            organization=organization,
            name=name,
            prefix=raw[:12],
            secret_hash=hash_secret(raw),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        log.record(
            "token.created",
            actor=actor.user,
            organization=organization,
            obj=token,
            request=request,
            detail={"name": name},
        )
    return token, raw


def revoke_token(actor: Actor, *, token_id: int, request: HttpRequest | None = None) -> ApiToken:
    token = fetch(actor, ApiToken, Action.DELETE, pk=token_id)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            log.record(
                "token.revoked",
                actor=actor.user,
                organization=token.organization_id,
                obj=token,
                request=request,
            )
    return token


def authenticate_token(raw: str, *, request: HttpRequest | None = None) -> Actor | None:
    """The actor a bearer token speaks for, or None if the token is unknown, revoked, expired, or
    its user is inactive or no longer a member of the token's organization."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    holder = token_holder(hash_secret(raw))
    if holder is None:
        return None
    token = holder.token
    if not token.is_usable() or not token.user.is_active:
        return None
    if holder.role is None:  # no longer a member of the token's organization
        return None
    actor = Actor(
        user=token.user,
        organization=token.organization,
        role=Role(holder.role),
        token=token,
        two_factor=holder.has_totp,
        professional=holder.is_professional,
    )
    organization = actor.current_organization
    if organization.require_mfa and not actor.has_two_factor():
        raise PermissionDenied(
            f"{organization.name} requires two-factor authentication.",
            code=CoreErrorCode.MFA_REQUIRED,
            unblock="Turn on two-factor authentication for this account, then retry.",
        )
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional update: of several concurrent requests only one records the use.
        updated = ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )
        if updated:
            log.record(
                "token.used",
                actor=token.user,
                organization=token.organization,
                obj=token,
                request=request,
            )
    return actor
