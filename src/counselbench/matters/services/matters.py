"""Clients, matters and their parties, the client's consent to outside help, and ethical walls.

Consent (ABA Formal Opinion 08-451) and screens gate every contractor's access; withdrawing
consent or screening someone revokes their grants on the matter at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.core.usps import US_STATES
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.models import (
    Client,
    ClientContact,
    ClientKind,
    Consent,
    ConsentMethod,
    Matter,
    MatterStatus,
    Party,
    PartyRole,
    Screen,
)
from counselbench.organizations.models import Membership, Role
from counselbench.talent.models import PracticeArea

ATTORNEY_ROLES = (Role.OWNER, Role.ATTORNEY)


def _text(
    errors: list[FieldError], data: dict[str, Any], name: str, limit: int, *, required: bool
) -> str:
    value = str(data.get(name) or "").strip()
    if (required and not value) or len(value) > limit:
        wanted = "Required, at most" if required else "At most"
        errors.append(FieldError(name, f"{wanted} {limit} characters."))
    return value


def firm_attorney(organization_id: int, user_id: Any, path: str) -> User:
    """A member of the firm who is an owner or attorney, or a 422 naming `path`."""
    membership = (
        Membership.objects.filter(
            organization_id=organization_id, user_id=user_id, role__in=ATTORNEY_ROLES
        )
        .select_related("user")
        .first()
        if isinstance(user_id, int)
        else None
    )
    if membership is None:
        raise Invalid.field(path, "Choose an owner or attorney of this firm.")
    return membership.user


# --- Clients -------------------------------------------------------------------------------------


def create_client(actor: Actor, *, data: dict[str, Any], request: HttpRequest | None = None):
    require(actor, Action.CREATE, Client, "Owners and attorneys open clients.")
    errors: list[FieldError] = []
    kind = data.get("kind") or ClientKind.ORGANIZATION
    if kind not in ClientKind.values:
        errors.append(FieldError("kind", "person or organization."))
    name = _text(errors, data, "name", 200, required=True)
    email = _text(errors, data, "email", 254, required=False)
    if email and "@" not in email:
        errors.append(FieldError("email", "An email address."))
    phone = _text(errors, data, "phone", 30, required=False)
    address = _text(errors, data, "address", 300, required=False)
    notes = _text(errors, data, "notes", 5000, required=False)
    contacts = data.get("contacts") or []
    for i, contact in enumerate(contacts):
        if not str(contact.get("name") or "").strip():
            errors.append(FieldError(f"contacts.{i}.name", "Required."))
    if errors:
        raise Invalid("Some client details are not valid.", fields=errors)
    with transaction.atomic():
        client = Client.objects.create(
            organization=actor.current_organization,
            kind=kind,
            name=name,
            email=email,
            phone=phone,
            address=address,
            notes=notes,
            created_by=actor.user,
        )
        for contact in contacts:
            ClientContact.objects.create(
                client=client,
                name=str(contact["name"]).strip()[:200],
                title=str(contact.get("title") or "")[:100],
                email=str(contact.get("email") or "")[:254],
                phone=str(contact.get("phone") or "")[:30],
            )
        log.record("clients.created", actor=actor, obj=client, request=request)
    return client


# --- Matters -------------------------------------------------------------------------------------


def _next_number(organization_id: int, year: int) -> str:
    taken = Matter.objects.filter(
        organization_id=organization_id, number__startswith=f"{year}-"
    ).count()
    return f"{year}-{taken + 1:04d}"


def open_matter(
    actor: Actor,
    *,
    data: dict[str, Any],
    parties: list[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
) -> Matter:
    """Open a matter for a client, add its parties (the client among them) and run the intake
    conflict check against the firm's other matters."""
    from counselbench.matters.services.conflicts import check_matter

    require(actor, Action.CREATE, Matter, "Owners and attorneys open matters.")
    firm = actor.current_organization
    errors: list[FieldError] = []
    client_id = data.get("client_id")
    client = (
        Client.objects.filter(organization=firm, pk=client_id).first()
        if isinstance(client_id, int)
        else None
    )
    if client is None:
        errors.append(FieldError("client_id", "Choose a client of this firm."))
    title = _text(errors, data, "title", 200, required=True)
    description = _text(errors, data, "description", 10_000, required=False)
    jurisdiction = str(data.get("jurisdiction") or "").upper()
    if jurisdiction not in US_STATES:
        errors.append(FieldError("jurisdiction", "A US state or territory code, e.g. TX."))
    practice_area = str(data.get("practice_area") or "")
    if practice_area not in PracticeArea.values:
        errors.append(FieldError("practice_area", f"One of: {', '.join(PracticeArea.values)}."))
    opened_on = data.get("opened_on") or timezone.localdate()
    if not isinstance(opened_on, date):
        errors.append(FieldError("opened_on", "A date."))
    number = _text(errors, data, "number", 40, required=False)
    if number and Matter.objects.filter(organization=firm, number=number).exists():
        errors.append(FieldError("number", "Another matter has this number."))
    responsible = None
    try:
        responsible = firm_attorney(
            firm.pk,
            data.get("responsible_attorney_id") or actor.authenticated_user.pk,
            "responsible_attorney_id",
        )
    except Invalid as exc:
        errors.extend(exc.fields)
    party_errors, cleaned = _check_parties(parties or [], prefix="parties")
    errors.extend(party_errors)
    if errors:
        raise Invalid("Some matter details are not valid.", fields=errors)
    assert client is not None and responsible is not None and isinstance(opened_on, date)
    with transaction.atomic():
        matter = Matter.objects.create(
            organization=firm,
            client=client,
            number=number or _next_number(firm.pk, opened_on.year),
            title=title,
            description=description,
            jurisdiction=jurisdiction,
            practice_area=practice_area,
            responsible_attorney=responsible,
            opened_on=opened_on,
            created_by=actor.user,
        )
        _add_parties(actor, matter, [(client.name, PartyRole.CLIENT), *cleaned])
        log.record("matters.opened", actor=actor, obj=matter, request=request)
        check_matter(matter, run_by=actor.user)
    return matter


MATTER_FIELDS = ("title", "description", "status", "responsible_attorney_id", "practice_area")


def update_matter(
    actor: Actor, *, matter_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> Matter:
    """Edit a matter; closing it stamps the date and revokes every contractor grant on it."""
    from counselbench.insights.services import surveys
    from counselbench.matters.services.grants import revoke_for_matter

    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    errors: list[FieldError] = []
    before = {name: str(getattr(matter, name)) for name in MATTER_FIELDS}
    if "title" in changes:
        matter.title = _text(errors, changes, "title", 200, required=True)
    if "description" in changes:
        matter.description = _text(errors, changes, "description", 10_000, required=False)
    if "practice_area" in changes:
        if changes["practice_area"] not in PracticeArea.values:
            errors.append(FieldError("practice_area", "Not a practice area."))
        matter.practice_area = changes["practice_area"]
    if "responsible_attorney_id" in changes:
        try:
            matter.responsible_attorney = firm_attorney(
                matter.organization_id,
                changes["responsible_attorney_id"],
                "responsible_attorney_id",
            )
        except Invalid as exc:
            errors.extend(exc.fields)
    closing = False
    if "status" in changes:
        if changes["status"] not in MatterStatus.values:
            errors.append(FieldError("status", f"One of: {', '.join(MatterStatus.values)}."))
        else:
            closing = changes["status"] == MatterStatus.CLOSED != matter.status
            if matter.status == MatterStatus.CLOSED != changes["status"]:
                matter.closed_on = None  # reopened
            matter.status = changes["status"]
            if closing:
                matter.closed_on = max(timezone.localdate(), matter.opened_on)
    if errors:
        raise Invalid("Some matter details are not valid.", fields=errors)
    after = {name: str(getattr(matter, name)) for name in MATTER_FIELDS}
    with transaction.atomic():
        matter.save()
        if closing:
            revoke_for_matter(matter, by=actor.user, reason="The matter was closed.")
            # The client's satisfaction survey (insights), emailed once this commits.
            surveys.on_matter_closed(matter, by=actor.user)
        log.record(
            "matters.changed",
            actor=actor,
            obj=matter,
            request=request,
            detail={k: [before[k], after[k]] for k in MATTER_FIELDS if before[k] != after[k]},
        )
    return matter


def require_open(matter: Matter) -> None:
    if matter.status == MatterStatus.CLOSED:
        raise RuleViolation(
            Code.MATTER_CLOSED,
            f"Matter {matter.number} is closed.",
            unblock="Reopen the matter first.",
        )


# --- Parties -------------------------------------------------------------------------------------


def _check_parties(
    parties: list[dict[str, Any]], *, prefix: str
) -> tuple[list[FieldError], list[tuple[str, str]]]:
    errors: list[FieldError] = []
    cleaned: list[tuple[str, str]] = []
    for i, party in enumerate(parties):
        name = str(party.get("name") or "").strip()
        role = party.get("role")
        if not name or len(name) > 200:
            errors.append(FieldError(f"{prefix}.{i}.name", "Required, at most 200 characters."))
        if role not in PartyRole.values:
            errors.append(
                FieldError(f"{prefix}.{i}.role", f"One of: {', '.join(PartyRole.values)}.")
            )
        cleaned.append((name, str(role)))
    return errors, cleaned


def _add_parties(actor: Actor, matter: Matter, parties: list[tuple[str, str]]) -> list[Party]:
    from counselbench.matters.conflicts import normalize

    return [
        Party.objects.create(
            matter=matter,
            name=name,
            role=role,
            normalized=normalize(name)[:200],
            added_by=actor.user,
        )
        for name, role in parties
    ]


def add_parties(
    actor: Actor,
    *,
    matter_id: int,
    parties: list[dict[str, Any]],
    request: HttpRequest | None = None,
) -> list[Party]:
    """Add parties. Every conflict check run before this is stale from now on (services.conflicts
    compares run times with the newest party)."""
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    errors, cleaned = _check_parties(parties, prefix="parties")
    if not parties:
        errors.append(FieldError("parties", "Add at least one party."))
    if errors:
        raise Invalid("Some parties are not valid.", fields=errors)
    with transaction.atomic():
        added = _add_parties(actor, matter, cleaned)
        log.record(
            "matters.parties_added",
            actor=actor,
            obj=matter,
            request=request,
            detail={"parties": [{"name": n, "role": r} for n, r in cleaned]},
        )
    return added


def remove_party(
    actor: Actor, *, matter_id: int, party_id: int, request: HttpRequest | None = None
) -> None:
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    party = fetch(actor, Party, Action.CHANGE, pk=party_id, matter=matter)
    with transaction.atomic():
        party.delete()
        log.record(
            "matters.party_removed",
            actor=actor,
            obj=matter,
            request=request,
            detail={"name": party.name, "role": party.role},
        )


# --- Client consent (ABA Formal Opinion 08-451) --------------------------------------------------


def consent_in_force(matter: Matter) -> Consent | None:
    return matter.consents.filter(withdrawn_at__isnull=True).first()


def require_consent(matter: Matter) -> Consent:
    consent = consent_in_force(matter)
    if consent is None:
        raise RuleViolation(
            Code.CONSENT_MISSING,
            f"The client has not consented to outside help on matter {matter.number} "
            "(ABA Formal Opinion 08-451): no contractor may have any access to it.",
            unblock="Record the client's informed consent on the matter.",
        )
    return consent


def record_consent(
    actor: Actor, *, matter_id: int, data: dict[str, Any], request: HttpRequest | None = None
) -> Consent:
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    errors: list[FieldError] = []
    consented_by = _text(errors, data, "consented_by", 200, required=True)
    scope = _text(errors, data, "scope", 5000, required=True)
    method = str(data.get("method") or "")
    if method not in ConsentMethod.values:
        errors.append(FieldError("method", f"One of: {', '.join(ConsentMethod.values)}."))
    consented_on = data.get("consented_on")
    if not isinstance(consented_on, date):
        errors.append(FieldError("consented_on", "A date."))
    elif consented_on > timezone.localdate():
        errors.append(FieldError("consented_on", "Consent cannot be dated in the future."))
    markup_disclosed = data.get("markup_disclosed")
    if not isinstance(markup_disclosed, bool):
        errors.append(FieldError("markup_disclosed", "Say whether the markup was disclosed."))
    if errors:
        raise Invalid("The consent record is incomplete.", fields=errors)
    assert isinstance(consented_on, date) and isinstance(markup_disclosed, bool)
    if consent_in_force(matter) is not None:
        raise RuleViolation(
            Code.CONSENT_ALREADY_RECORDED,
            "Consent is already recorded on this matter.",
            unblock="Withdraw the recorded consent first to record a new one.",
        )
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                matter=matter,
                consented_by=consented_by,
                consented_on=consented_on,
                method=method,
                scope=scope,
                markup_disclosed=markup_disclosed,
                recorded_by=actor.authenticated_user,
            )
            log.record(
                "matters.consent_recorded",
                actor=actor,
                obj=matter,
                request=request,
                detail={
                    "consent_id": consent.pk,
                    "method": method,
                    "markup_disclosed": markup_disclosed,
                },
            )
    except IntegrityError:  # recorded concurrently
        raise RuleViolation(
            Code.CONSENT_ALREADY_RECORDED, "Consent is already recorded on this matter."
        ) from None
    return consent


def withdraw_consent(
    actor: Actor, *, matter_id: int, request: HttpRequest | None = None
) -> Consent:
    """The client withdrew consent: every contractor grant on the matter is revoked."""
    from counselbench.matters.services.grants import revoke_for_matter

    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    consent = require_consent(matter)
    with transaction.atomic():
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        revoke_for_matter(matter, by=actor.user, reason="The client withdrew consent.")
        log.record(
            "matters.consent_withdrawn",
            actor=actor,
            obj=matter,
            request=request,
            detail={"consent_id": consent.pk},
        )
    return consent


# --- Ethical walls -------------------------------------------------------------------------------


def screen_person(
    actor: Actor,
    *,
    matter_id: int,
    user_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Screen:
    """Screen a firm member or contractor from a matter: an explicit deny over every grant and
    role. Their grants on the matter are revoked; an assigned open task must be reassigned."""
    from counselbench.matters.services.grants import revoke_for_matter

    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    reason = (reason or "").strip()
    errors = []
    if not reason or len(reason) > 300:
        errors.append(FieldError("reason", "Why this person is screened (at most 300 characters)."))
    person = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    related = person is not None and (
        Membership.objects.filter(user=person, organization=matter.organization).exists()
        or matter.organization.engagements.filter(professional__user=person).exists()
    )
    if not related:
        errors.append(
            FieldError("user_id", "Choose a member of the firm or one of its contractors.")
        )
    elif person == actor.user:
        errors.append(FieldError("user_id", "You cannot screen yourself."))
    if errors:
        raise Invalid("The screen is not valid.", fields=errors)
    assert person is not None
    try:
        with transaction.atomic():
            screen = Screen.objects.create(
                matter=matter, user=person, reason=reason, created_by=actor.user
            )
            revoke_for_matter(
                matter, by=actor.user, reason="Screened from the matter.", grantee=person
            )
            log.record(
                "matters.screen_added",
                actor=actor,
                obj=matter,
                request=request,
                detail={"user_id": person.pk, "email": person.email, "reason": reason},
            )
    except IntegrityError:
        raise RuleViolation(
            Code.ALREADY_SCREENED, f"{person.display_name} is already screened from this matter."
        ) from None
    return screen


def remove_screen(
    actor: Actor, *, matter_id: int, screen_id: int, request: HttpRequest | None = None
) -> Screen:
    matter = fetch(actor, Matter, Action.CHANGE, pk=matter_id)
    screen = fetch(actor, Screen, Action.CHANGE, pk=screen_id, matter=matter, removed_at=None)
    with transaction.atomic():
        screen.removed_at, screen.removed_by = timezone.now(), actor.user
        screen.save(update_fields=["removed_at", "removed_by"])
        log.record(
            "matters.screen_removed",
            actor=actor,
            obj=matter,
            request=request,
            detail={"user_id": screen.user_id},
        )
    return screen


def is_screened(matter: Matter, user: User) -> bool:
    return Screen.objects.filter(matter=matter, user=user, removed_at__isnull=True).exists()
