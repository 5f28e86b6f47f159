"""Reads about users and their tokens, always through the access policy."""

from allauth.mfa.models import Authenticator
from django.db.models import QuerySet

from counselbench.access.policy import Actor, visible
from counselbench.accounts.models import ApiToken, User


def has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def tokens_for(actor: Actor) -> QuerySet[ApiToken]:
    return visible(actor, ApiToken).select_related("organization").order_by("-created_at")
