"""The firm's billing rates: what a timekeeper's hour is billed at, from a date. An entry keeps
the rate of its day; a new rate applies from its date on."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, require
from counselbench.accounts.models import User
from counselbench.billing.models import BillingRate
from counselbench.core.errors import FieldError, Invalid
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.organizations.models import Membership

MAX_RATE_CENTS = 500_000  # $5,000 an hour


def timekeepers(organization_id: int) -> list[User]:
    """Who bills time at the firm: its members and the professionals engaged there."""
    members = User.objects.filter(memberships__organization_id=organization_id)
    contractors = User.objects.filter(
        professional_profile__engagements__organization_id=organization_id,
        professional_profile__engagements__state__in=LIVE_STATES,
    )
    return list((members | contractors).distinct().order_by("full_name", "email"))


def set_billing_rate(
    actor: Actor,
    *,
    user_id: int,
    rate_cents: int,
    effective_from: date,
    request: HttpRequest | None = None,
) -> BillingRate:
    require(actor, Action.CREATE, BillingRate, "The owner sets billing rates.")
    organization = actor.current_organization
    errors = []
    known = Membership.objects.filter(organization=organization, user_id=user_id).exists() or (
        Engagement.objects.filter(organization=organization, professional__user_id=user_id).exists()
    )
    if not known:
        errors.append(FieldError("user_id", "A member of the firm or a professional engaged here."))
    if (
        not isinstance(rate_cents, int)
        or isinstance(rate_cents, bool)
        or not 1 <= rate_cents <= MAX_RATE_CENTS
    ):
        errors.append(FieldError("rate_cents", "From $0.01 to $5,000 an hour, in cents."))
    if errors:
        raise Invalid("The rate is not valid.", fields=errors)
    with transaction.atomic():
        rate, _ = BillingRate.objects.update_or_create(
            organization=organization,
            user_id=user_id,
            effective_from=effective_from,
            defaults={"rate_cents": rate_cents},
        )
        log.record(
            "billing.rate_set",
            actor=actor,
            obj=rate,
            request=request,
            detail={"user_id": user_id, "rate_cents": rate_cents, "from": str(effective_from)},
        )
    return rate
