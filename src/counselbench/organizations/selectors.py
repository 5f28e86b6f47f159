"""Reads about organizations, members and invitations, always through the access policy."""

from django.db.models import QuerySet

from counselbench.access.models import AccessLogEntry
from counselbench.access.policy import Actor, visible
from counselbench.organizations.models import Invitation, Membership, Organization


def organizations_of(actor: Actor) -> QuerySet[Organization]:
    return visible(actor, Organization).order_by("name")


def memberships_of_user(actor: Actor) -> QuerySet[Membership]:
    """The actor's own memberships (for the organization switcher and /me)."""
    return (
        Membership.objects.filter(organization__in=visible(actor, Organization), user=actor.user)
        .select_related("organization")
        .order_by("organization__name")
    )


def members(actor: Actor) -> QuerySet[Membership]:
    return visible(actor, Membership).select_related("user").order_by("user__email")


def invitations(actor: Actor, *, open_only: bool = False) -> QuerySet[Invitation]:
    qs = visible(actor, Invitation).select_related("invited_by")
    if open_only:
        qs = qs.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    return qs.order_by("-created_at")


def activity(actor: Actor) -> QuerySet[AccessLogEntry]:
    return visible(actor, AccessLogEntry).order_by("-seq")
