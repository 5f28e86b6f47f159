"""The task log: entries added all-or-nothing, edited and deleted under the audit's rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch
from counselbench.core.errors import FieldError, Invalid
from counselbench.selfaudit.models import (
    AuditPeriod,
    Participant,
    TaskCategory,
    TaskEntry,
)
from counselbench.selfaudit.services import totals

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class EntryInput:
    user_id: int
    date: date
    minutes: int
    description: str
    category_id: int | None = None


def add_entries(
    actor: Actor, *, audit_id: int, entries: list[EntryInput], request: HttpRequest | None = None
) -> list[TaskEntry]:
    """Add entries all-or-nothing: any bad row refuses the whole batch, naming each row's field."""
    audit = fetch(actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    if not entries:
        raise Invalid.field("entries", "Send at least one entry.")
    with transaction.atomic():
        totals.lock(audit.pk)
        participants = {p.user_id: p for p in audit.participants.all()}
        categories = _usable_categories(audit)
        day_totals = logged_day_totals(audit, {e.user_id for e in entries})
        errors: list[FieldError] = []
        rows = []
        for index, item in enumerate(entries):
            row, row_errors = validate_entry(
                actor, audit, item, f"entries.{index}", participants, categories, day_totals
            )
            errors += row_errors
            if row is not None:
                rows.append(row)
        if errors:
            raise Invalid(
                f"{len({e.path.split('.')[1] for e in errors})} of {len(entries)} "
                "entries are not valid; nothing was saved.",
                fields=errors,
            )
        created = TaskEntry.objects.bulk_create(rows)
        totals.apply(audit.pk, totals.delta_of(created))
        log.record(
            "audit.entries_added",
            actor=actor,
            obj=audit,
            request=request,
            detail={"count": len(created)},
        )
    return created


def update_entry(
    actor: Actor,
    *,
    audit_id: int,
    entry_id: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> TaskEntry:
    entry = fetch(actor, TaskEntry, Action.CHANGE, pk=entry_id, audit_id=audit_id)
    audit = entry.audit
    with transaction.atomic():
        totals.lock(audit.pk)
        entry.refresh_from_db(fields=["date", "minutes", "description", "category"])
        change = totals.delta_of([entry], sign=-1)
        merged = EntryInput(
            user_id=entry.participant.user_id,
            date=changes.get("date", entry.date),
            minutes=changes.get("minutes", entry.minutes),
            description=changes.get("description", entry.description),
            category_id=changes.get("category_id", entry.category_id),
        )
        participants = {entry.participant.user_id: entry.participant}
        day_totals = logged_day_totals(audit, {merged.user_id}, excluding=entry.pk)
        row, errors = validate_entry(
            actor,
            audit,
            merged,
            "body",
            participants,
            _usable_categories(audit, keep=entry.category_id),
            day_totals,
        )
        if errors:
            raise Invalid("The entry is not valid; nothing was saved.", fields=errors)
        for field in ("date", "minutes", "description", "category_id"):
            setattr(entry, field, getattr(row, field))
        entry.save(update_fields=["date", "minutes", "description", "category"])
        change.update(totals.delta_of([entry]))  # update() keeps negative counts; + would not
        totals.apply(audit.pk, change)
    return entry


def delete_entry(
    actor: Actor, *, audit_id: int, entry_id: int, request: HttpRequest | None = None
) -> None:
    entry = fetch(actor, TaskEntry, Action.DELETE, pk=entry_id, audit_id=audit_id)
    with transaction.atomic():
        totals.lock(entry.audit_id)
        entry.refresh_from_db(fields=["minutes", "category"])
        entry.delete()
        totals.apply(entry.audit_id, totals.delta_of([entry], sign=-1))


def _usable_categories(audit: AuditPeriod, keep: int | None = None) -> set[int]:
    """Active categories of the firm (plus one already on the entry being edited)."""
    active = set(
        TaskCategory.objects.filter(
            organization_id=audit.organization_id, retired_at__isnull=True
        ).values_list("id", flat=True)
    )
    return active | ({keep} if keep else set())


def logged_day_totals(
    audit: AuditPeriod, user_ids: set[int], excluding: int | None = None
) -> dict[tuple[int, date], int]:
    totals: dict[tuple[int, date], int] = defaultdict(int)
    logged = audit.entries.filter(participant__user_id__in=user_ids)
    if excluding is not None:  # the entry being edited does not count against itself
        logged = logged.exclude(pk=excluding)
    rows = logged.values("participant__user_id", "date").annotate(total=Sum("minutes"))
    for row in rows:
        totals[(row["participant__user_id"], row["date"])] = row["total"]
    return totals


def validate_entry(
    actor: Actor,
    audit: AuditPeriod,
    item: EntryInput,
    path: str,
    participants: dict[int, Participant],
    categories: set[int],
    day_totals: dict[tuple[int, date], int],
) -> tuple[TaskEntry | None, list[FieldError]]:
    errors = []
    participant = participants.get(item.user_id)
    if participant is None:
        errors.append(
            FieldError(f"{path}.user_id", "This person is not a participant of the audit.")
        )
    elif not can(actor, Action.LOG_TIME, participant):
        errors.append(FieldError(f"{path}.user_id", "Staff log only their own time."))
    if not audit.starts_on <= item.date <= audit.ends_on:
        errors.append(
            FieldError(
                f"{path}.date", f"The date must be between {audit.starts_on} and {audit.ends_on}."
            )
        )
    if item.minutes <= 0:
        errors.append(FieldError(f"{path}.minutes", "Minutes must be positive."))
    elif item.minutes > MINUTES_PER_DAY:
        errors.append(FieldError(f"{path}.minutes", "No entry is longer than 24 hours."))
    else:
        key = (item.user_id, item.date)
        if day_totals[key] + item.minutes > MINUTES_PER_DAY:
            errors.append(
                FieldError(
                    f"{path}.minutes",
                    f"That makes {(day_totals[key] + item.minutes) / 60:.1f} h on {item.date} for "
                    "this person: more than 24 hours in a day.",
                )
            )
        else:
            day_totals[key] += item.minutes
    if not (item.description or "").strip():
        errors.append(FieldError(f"{path}.description", "Describe the task."))
    if item.category_id is not None and item.category_id not in categories:
        errors.append(FieldError(f"{path}.category_id", "Unknown or retired category."))
    if errors or participant is None:
        return None, errors
    return TaskEntry(
        audit=audit,
        participant=participant,
        date=item.date,
        minutes=item.minutes,
        description=item.description.strip()[:500],
        category_id=item.category_id,
    ), []
