"""Time entries (PRODUCT §2.6): logged against a task or matter, submitted, approved or rejected
(with a reason) by the supervising attorney, in bulk; immutable once approved, so a correction is a
new entry pointing at the one it corrects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch, require, visible
from counselbench.billing.error_codes import BillingErrorCode as Code
from counselbench.billing.models import BillingRate, EntryState, TimeEntry
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.engagements.models import LIVE_STATES, BillingModel
from counselbench.matters.models import Matter, Task

MAX_MINUTES = 24 * 60
# How far back an entry may be dated (older work belongs to a closed period).
MAX_AGE_DAYS = 366


@dataclass(frozen=True)
class EntryInput:
    minutes: int
    date: date
    description: str
    task_id: int | None = None
    matter_id: int | None = None
    billable: bool = True
    corrects_id: int | None = None


def _check(data: EntryInput, *, today: date, correction: bool) -> list[FieldError]:
    errors = []
    low = -MAX_MINUTES if correction else 1
    if isinstance(data.minutes, bool) or not isinstance(data.minutes, int):
        errors.append(FieldError("minutes", "Whole minutes."))
    elif not low <= data.minutes <= MAX_MINUTES or data.minutes == 0:
        errors.append(
            FieldError("minutes", f"From {low} to {MAX_MINUTES} minutes (a day), not zero.")
        )
    if not isinstance(data.date, date):
        errors.append(FieldError("date", "A date."))
    elif data.date > today:
        errors.append(FieldError("date", "Time cannot be logged in the future."))
    elif data.date < today - timedelta(days=MAX_AGE_DAYS):
        errors.append(FieldError("date", "More than a year ago: that period is closed."))
    description = (data.description or "").strip()
    if not description or len(description) > 1000:
        errors.append(FieldError("description", "What was done (at most 1,000 characters)."))
    return errors


def _rate(actor: Actor, engagement, organization_id: int, on: date) -> int | None:
    if engagement is not None:
        return engagement.rate_cents if engagement.billing_model == BillingModel.HOURLY else None
    rate = (
        BillingRate.objects.filter(
            organization_id=organization_id, user=actor.user, effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )
    return rate.rate_cents if rate else None


def _target(actor: Actor, data: EntryInput) -> tuple[Matter, Task | None, Any]:
    """The matter (and task) the time is for, and the contractor's engagement: a contractor logs
    only on tasks assigned to them while the engagement is live."""
    task = None
    if data.task_id is not None:
        task = fetch(actor, Task, pk=data.task_id)
        matter = task.matter
    elif data.matter_id is not None:
        matter = fetch(actor, Matter, pk=data.matter_id)  # contractors see no matters: 404
    else:
        raise Invalid.field("task_id", "Log time against a task or a matter.")
    engagement = None
    if actor.organization is None:  # a contractor
        if task is None or task.assignee_id != actor.authenticated_user.pk or not task.engagement:
            raise RuleViolation(
                Code.NOT_YOUR_TASK,
                "Contractors log time on the tasks assigned to them.",
                unblock="Choose one of your tasks.",
            )
        engagement = task.engagement
        if engagement.state not in LIVE_STATES:
            raise RuleViolation(Code.ENGAGEMENT_NOT_LIVE, "The engagement is not live.")
    return matter, task, engagement


def log_time(actor: Actor, *, data: EntryInput, request: HttpRequest | None = None) -> TimeEntry:
    """A draft entry by the actor; with `corrects_id`, a correction of an approved entry."""
    require(actor, Action.CREATE, TimeEntry, "Members of the firm and its contractors log time.")
    corrects = None
    if data.corrects_id is not None:
        corrects = fetch(actor, TimeEntry, pk=data.corrects_id)
        if corrects.author_id != actor.authenticated_user.pk or not corrects.locked:
            raise Invalid.field(
                "corrects_id", "Correct one of your own approved entries (edit a draft instead)."
            )
        data = EntryInput(
            minutes=data.minutes,
            date=data.date,
            description=data.description,
            task_id=corrects.task_id,
            matter_id=corrects.matter_id if corrects.task_id is None else None,
            billable=corrects.billable,
            corrects_id=corrects.pk,
        )
    errors = _check(data, today=timezone.localdate(), correction=corrects is not None)
    if errors:
        raise Invalid("Some time details are not valid.", fields=errors)
    if corrects is not None:
        already = corrects.corrections.aggregate(total=Sum("minutes"))["total"] or 0
        if corrects.minutes + already + data.minutes < 0:
            raise Invalid.field(
                "minutes",
                "A correction cannot take back more than the entry still holds.",
                Code.CORRECTION_EXCEEDS,
            )
    matter, task, engagement = _target(actor, data)
    with transaction.atomic():
        entry = TimeEntry.objects.create(
            organization_id=matter.organization_id,
            author=actor.authenticated_user,
            matter=matter,
            task=task,
            engagement=engagement,
            date=data.date,
            minutes=data.minutes,
            description=data.description.strip(),
            billable=data.billable,
            rate_cents=_rate(actor, engagement, matter.organization_id, data.date),
            corrects=corrects,
        )
        log.record(
            "time.logged",
            actor=actor,
            organization=matter.organization_id,
            obj=entry,
            request=request,
            detail={"matter_id": matter.pk, "minutes": entry.minutes},
        )
    return entry


EDITABLE = ("minutes", "date", "description", "billable")


def update_entry(
    actor: Actor, *, entry_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> TimeEntry:
    entry = fetch(actor, TimeEntry, Action.CHANGE, pk=entry_id)
    if entry.state not in (EntryState.DRAFT, EntryState.REJECTED):
        raise RuleViolation(
            Code.ENTRY_LOCKED,
            f"A {entry.get_state_display().lower()} entry cannot be edited.",
            unblock="Log a correction: a new entry that points at this one.",
        )
    merged = EntryInput(
        minutes=changes.get("minutes", entry.minutes),
        date=changes.get("date", entry.date),
        description=changes.get("description", entry.description),
        billable=changes.get("billable", entry.billable),
    )
    errors = _check(merged, today=timezone.localdate(), correction=entry.corrects_id is not None)
    if errors:
        raise Invalid("Some time details are not valid.", fields=errors)
    before = {name: getattr(entry, name) for name in EDITABLE}
    with transaction.atomic():
        # Under the row lock: an entry approved meanwhile is not edited back into a draft.
        state = (
            TimeEntry.objects.select_for_update().values_list("state", flat=True).get(pk=entry.pk)
        )
        if state not in (EntryState.DRAFT, EntryState.REJECTED):
            raise RuleViolation(
                Code.ENTRY_LOCKED,
                "The entry was submitted or approved meanwhile; it cannot be edited.",
                unblock="Log a correction: a new entry that points at this one.",
            )
        entry.minutes, entry.date = merged.minutes, merged.date
        entry.description, entry.billable = merged.description.strip(), merged.billable
        entry.state, entry.rejection_reason = EntryState.DRAFT, ""  # a rejected entry, reworked
        entry.save(update_fields=[*EDITABLE, "state", "rejection_reason"])
        after = {name: getattr(entry, name) for name in EDITABLE}
        log.record(
            "time.updated",
            actor=actor,
            organization=entry.organization_id,
            obj=entry,
            request=request,
            detail={
                name: [str(before[name]), str(after[name])]
                for name in EDITABLE
                if before[name] != after[name]
            },
        )
    return entry


def delete_entry(actor: Actor, *, entry_id: int, request: HttpRequest | None = None) -> None:
    entry = fetch(actor, TimeEntry, Action.DELETE, pk=entry_id)
    if entry.state != EntryState.DRAFT:
        raise RuleViolation(
            Code.ENTRY_LOCKED,
            "Only a draft can be deleted.",
            unblock="Log a correction instead.",
        )
    with transaction.atomic():
        # Only a draft still (not submitted meanwhile) is deleted.
        deleted, _ = TimeEntry.objects.filter(pk=entry.pk, state=EntryState.DRAFT).delete()
        if not deleted:
            raise RuleViolation(
                Code.ENTRY_LOCKED,
                "The entry was submitted meanwhile; only a draft can be deleted.",
                unblock="Log a correction instead.",
            )
        log.record(
            "time.deleted",
            actor=actor,
            organization=entry.organization_id,
            object_type=entry._meta.label_lower,
            object_id=entry_id,
            request=request,
            detail={
                "matter_id": entry.matter_id,
                "date": entry.date.isoformat(),
                "minutes": entry.minutes,
                "description": entry.description,
            },
        )


def submit(
    actor: Actor, *, entry_ids: list[int], request: HttpRequest | None = None
) -> list[TimeEntry]:
    """The author submits drafts (a day's or a week's) for approval, all or none."""
    entries = _many(actor, entry_ids, Action.CHANGE)
    for entry in entries:
        if entry.state not in (EntryState.DRAFT, EntryState.REJECTED):
            raise RuleViolation(
                Code.TRANSITION_NOT_ALLOWED,
                f"Entry {entry.pk} is {entry.get_state_display().lower()}; only drafts are "
                "submitted.",
            )
    now = timezone.now()
    with transaction.atomic():
        for entry in entries:
            entry.state, entry.submitted_at = EntryState.SUBMITTED, now
            entry.save(update_fields=["state", "submitted_at"])
        _log(actor, "time.submitted", entries, request)
    return entries


def approve(
    actor: Actor, *, entry_ids: list[int], request: HttpRequest | None = None
) -> list[TimeEntry]:
    """The supervising attorney (or an owner) approves submitted entries in bulk, all or none.
    From here an entry is immutable."""
    return _decide(actor, entry_ids, EntryState.APPROVED, "", request)


def reject(
    actor: Actor, *, entry_ids: list[int], reason: str, request: HttpRequest | None = None
) -> list[TimeEntry]:
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise Invalid.field("reason", "Say why, so the author can fix it.", Code.REASON_REQUIRED)
    return _decide(actor, entry_ids, EntryState.REJECTED, reason, request)


def _many(actor: Actor, entry_ids: list[int], action: Action) -> list[TimeEntry]:
    if not entry_ids:
        raise Invalid.field("entry_ids", "Choose at least one entry.")
    if len(entry_ids) > 500:
        raise Invalid.field("entry_ids", "At most 500 entries at once.")
    found = {
        e.pk: e
        for e in visible(actor, TimeEntry).filter(pk__in=entry_ids).select_related("task", "matter")
    }
    missing = [i for i in entry_ids if i not in found]
    if missing:
        raise Invalid.field("entry_ids", f"No such entries: {', '.join(map(str, missing))}.")
    entries = [found[i] for i in dict.fromkeys(entry_ids)]
    for entry in entries:
        if not can(actor, action, entry):
            who = "its author" if action == Action.CHANGE else "the supervising attorney"
            raise PermissionDenied(f"Entry {entry.pk} is for {who} to act on.")
    return entries


def _decide(
    actor: Actor,
    entry_ids: list[int],
    to: EntryState,
    reason: str,
    request: HttpRequest | None,
) -> list[TimeEntry]:
    entries = _many(actor, entry_ids, Action.REVIEW)
    for entry in entries:
        if entry.state != EntryState.SUBMITTED:
            raise RuleViolation(
                Code.TRANSITION_NOT_ALLOWED,
                f"Entry {entry.pk} is {entry.get_state_display().lower()}; only submitted "
                "entries are approved or rejected.",
            )
    now = timezone.now()
    with transaction.atomic():
        for entry in entries:
            entry.state, entry.decided_by, entry.decided_at = to, actor.user, now
            entry.rejection_reason = reason
            entry.save(update_fields=["state", "decided_by", "decided_at", "rejection_reason"])
        _log(actor, f"time.{to}", entries, request, reason=reason)
    return entries


def _log(actor: Actor, action: str, entries: list[TimeEntry], request, **more: str) -> None:
    by_firm: dict[int, list[int]] = {}
    for entry in entries:
        by_firm.setdefault(entry.organization_id, []).append(entry.pk)
    for organization_id, ids in by_firm.items():
        log.record(
            action,
            actor=actor,
            organization=organization_id,
            object_type="billing.timeentry",
            request=request,
            detail={"entry_ids": ids, **{k: v for k, v in more.items() if v}},
        )
