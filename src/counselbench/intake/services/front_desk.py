"""What every part of intake asks about the front desk: which firm an actor works it for, the
firm's time zone, and a phone number in E.164. One answer each, used by leads, reception,
booking and the public page."""

from __future__ import annotations

import zoneinfo

import phonenumbers

from counselbench.access.policy import Actor
from counselbench.core.errors import Invalid, NotFound, PermissionDenied
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.organizations.models import Organization


def front_desk_firm(actor: Actor, *, organization_id: int | None = None) -> Organization:
    """The firm the actor acts for at the front desk: a firm member's own firm; for a contractor
    (no current organization) the `organization_id` given, checked against their engagements,
    or their only firm. Naming a firm they do not work is a 404, as for any other tenant's id."""
    firms = actor.reception_firm_ids()
    if not firms:
        raise PermissionDenied(
            "You do not work a firm's front desk.", code=IntakeErrorCode.NOT_RECEPTION
        )
    if actor.organization is not None:
        if organization_id not in (None, actor.organization.pk):
            raise NotFound("Organization not found.")
        return actor.organization
    if organization_id is None:
        if len(firms) > 1:
            raise Invalid.field(
                "organization_id", "You work several firms' front desks: say which firm."
            )
        (organization_id,) = firms
    if organization_id not in firms:
        raise NotFound("Organization not found.")
    return Organization.objects.get(pk=organization_id)


def firm_zone(organization: Organization) -> zoneinfo.ZoneInfo:
    """The firm's time zone (UTC if the stored name is not one)."""
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def e164(value: str, region: str = "US") -> str:
    """A phone number as typed → E.164 ("+15125550123"); ValueError when it is not valid."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(value) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(value)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
