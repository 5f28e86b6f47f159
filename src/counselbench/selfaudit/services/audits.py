"""Audit periods and their participants (who takes part, at what hourly value)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.organizations.models import Membership
from counselbench.selfaudit.error_codes import SelfAuditErrorCode as Code
from counselbench.selfaudit.models import (
    AuditPeriod,
    LicenseLevel,
    Participant,
)
from counselbench.selfaudit.services.categories import ensure_firm_setup

DEFAULT_PERIOD_DAYS = 7


@dataclass(frozen=True)
class ParticipantInput:
    user_id: int
    level: str
    hourly_value_cents: int


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Invalid.field(
            "ends_on", "The period must end on or after its first day.", code=Code.PERIOD_INVALID
        )
    if (ends_on - starts_on).days > 366:
        raise Invalid.field(
            "ends_on", "An audit period is at most a year long.", code=Code.PERIOD_INVALID
        )


def create_audit(
    actor: Actor,
    *,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    participants: list[ParticipantInput] = (),  # type: ignore[assignment]
    request: HttpRequest | None = None,
) -> AuditPeriod:
    """Open an audit period (default: one week from today) with its participants."""
    require(actor, Action.CREATE, AuditPeriod, "Only the firm's owner opens audits.")
    organization = actor.current_organization
    name = (name or "").strip()
    if not name:
        raise Invalid.field("name", "Name the audit, e.g. “Week of March 3”.")
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or starts_on + timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        ensure_firm_setup(organization)
        audit = AuditPeriod.objects.create(
            organization=organization,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor.authenticated_user,
        )
        for index, item in enumerate(participants):
            _save_participant(audit, item, path=f"participants.{index}")
        log.record("audit.created", actor=actor, obj=audit, request=request)
    return audit


def update_audit(
    actor: Actor,
    *,
    audit_id: int,
    name: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    request: HttpRequest | None = None,
) -> AuditPeriod:
    audit = fetch(actor, AuditPeriod, Action.CHANGE, pk=audit_id)
    new_start, new_end = starts_on or audit.starts_on, ends_on or audit.ends_on
    _check_dates(new_start, new_end)
    outside = audit.entries.exclude(date__range=(new_start, new_end)).count()
    if outside:
        raise RuleViolation(
            Code.ENTRIES_OUTSIDE_PERIOD,
            f"{outside} logged entr{'y falls' if outside == 1 else 'ies fall'} "
            "outside the new dates.",
            unblock="Move or delete those entries first.",
        )
    if name is not None:
        if not name.strip():
            raise Invalid.field("name", "Name the audit.")
        audit.name = name.strip()
    audit.starts_on, audit.ends_on = new_start, new_end
    audit.save(update_fields=["name", "starts_on", "ends_on"])
    log.record("audit.changed", actor=actor, obj=audit, request=request)
    return audit


def edit_audit(
    actor: Actor,
    *,
    audit_id: int,
    name: str,
    starts_on: date,
    ends_on: date | None,
    participants: list[ParticipantInput],
    request: HttpRequest | None = None,
) -> AuditPeriod:
    """Rename or re-date the audit and add or re-value participants, all or nothing. Nobody is
    removed: their entries are part of the audit's history (delete the entries first)."""
    with transaction.atomic():
        audit = update_audit(
            actor,
            audit_id=audit_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on or starts_on + timedelta(days=6),
            request=request,
        )
        errors: list[FieldError] = []
        for index, item in enumerate(participants):
            try:
                participant = _save_participant(audit, item, path=f"participants.{index}")
            except Invalid as error:
                errors += error.fields
            else:
                log.record("audit.participant_set", actor=actor, obj=participant, request=request)
        if errors:
            raise Invalid("Some participants are not valid.", fields=errors)
    return audit


def delete_audit(actor: Actor, *, audit_id: int, request: HttpRequest | None = None) -> None:
    audit = fetch(actor, AuditPeriod, Action.DELETE, pk=audit_id)
    with transaction.atomic():
        log.record(
            "audit.deleted",
            actor=actor,
            obj=audit,
            request=request,
            detail={"name": audit.name, "entries": audit.entries.count()},
        )
        audit.delete()


def _save_participant(audit: AuditPeriod, item: ParticipantInput, *, path: str) -> Participant:
    errors = []
    if item.level not in LicenseLevel.values:
        errors.append(FieldError(f"{path}.level", "Choose attorney, paralegal or administrative."))
    if item.hourly_value_cents <= 0:
        errors.append(
            FieldError(f"{path}.hourly_value_cents", "The hourly value must be positive.")
        )
    if not Membership.objects.filter(
        organization_id=audit.organization_id, user_id=item.user_id
    ).exists():
        errors.append(FieldError(f"{path}.user_id", "Not a member of this firm."))
    if errors:
        raise Invalid("Some participants are not valid.", fields=errors)
    participant, _ = Participant.objects.update_or_create(
        audit=audit,
        user_id=item.user_id,
        defaults={"level": item.level, "hourly_value_cents": item.hourly_value_cents},
    )
    return participant


def set_participant(
    actor: Actor, *, audit_id: int, item: ParticipantInput, request: HttpRequest | None = None
) -> Participant:
    audit = fetch(actor, AuditPeriod, Action.CHANGE, pk=audit_id)
    with transaction.atomic():
        participant = _save_participant(audit, item, path="body")
        log.record("audit.participant_set", actor=actor, obj=participant, request=request)
    return participant
