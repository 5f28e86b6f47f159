"""The timer (PRODUCT §2.6): a person starts it on a task and stops it to log a draft entry of the
elapsed minutes through services.time, so every rule on logging time applies unchanged. A timer
is its owner's alone: nothing here takes a timer id, everything starts from the actor's user."""

from __future__ import annotations

import math
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.billing.error_codes import BillingErrorCode as Code
from counselbench.billing.models import RunningTimer, TimeEntry
from counselbench.billing.services.time import MAX_MINUTES, EntryInput, log_time
from counselbench.core.errors import Invalid, RuleViolation
from counselbench.matters.models import Task

# A timer left running longer than a day was forgotten, not worked: it is discarded on stop.
MAX_RUNNING = timedelta(minutes=MAX_MINUTES)


def current_timer(actor: Actor) -> RunningTimer | None:
    """The actor's running timer, if any."""
    if not actor.is_authenticated:
        return None
    return (
        RunningTimer.objects.filter(user=actor.authenticated_user)
        .select_related("task", "task__matter")
        .first()
    )


def elapsed_minutes(timer: RunningTimer, now=None) -> int:
    """Minutes since the timer started, rounded up, at least one."""
    seconds = ((now or timezone.now()) - timer.started_at).total_seconds()
    return max(1, math.ceil(seconds / 60))


def start_timer(
    actor: Actor, *, task_id: int, note: str = "", request: HttpRequest | None = None
) -> RunningTimer:
    """Start the actor's timer on a task they could log time on: visible to them and, for a
    contractor, assigned to them under an engagement (the same rule services.time applies)."""
    require(actor, Action.CREATE, TimeEntry, "Members of the firm and its contractors log time.")
    task = fetch(actor, Task, pk=task_id)
    user = actor.authenticated_user
    if actor.organization is None and (task.assignee_id != user.pk or not task.engagement_id):
        raise RuleViolation(
            Code.NOT_YOUR_TASK,
            "Contractors log time on the tasks assigned to them.",
            unblock="Choose one of your tasks.",
        )
    note = (note or "").strip()
    if len(note) > 1000:
        raise Invalid.field("note", "At most 1,000 characters.")
    running = current_timer(actor)
    if running is not None:
        raise RuleViolation(
            Code.TIMER_RUNNING,
            f"Your timer is already running on “{running.task.title}”.",
            unblock="Stop it (or discard it) first.",
        )
    try:
        with transaction.atomic():
            return RunningTimer.objects.create(user=user, task=task, note=note)
    except IntegrityError:  # a second tab started one at the same moment
        raise RuleViolation(
            Code.TIMER_RUNNING,
            "Your timer is already running.",
            unblock="Stop it (or discard it) first.",
        ) from None


def stop_timer(actor: Actor, *, note: str = "", request: HttpRequest | None = None) -> TimeEntry:
    """Stop the actor's timer and log a draft entry of the elapsed minutes (rounded up) on the
    day it started. A timer over 24 hours is discarded and refused."""
    timer = current_timer(actor)
    if timer is None:
        raise RuleViolation(Code.NO_TIMER, "No timer is running.", unblock="Start one on a task.")
    now = timezone.now()
    if now - timer.started_at > MAX_RUNNING:
        timer.delete()
        raise RuleViolation(
            Code.TIMER_TOO_LONG,
            "The timer ran for more than 24 hours, so it was discarded.",
            unblock="Log the time you actually worked with the form.",
        )
    description = (note or "").strip() or timer.note or f"Work on “{timer.task.title}”"
    with transaction.atomic():
        # Lock the row, so two stops (two tabs) log the time once.
        locked = RunningTimer.objects.select_for_update().filter(pk=timer.pk).first()
        if locked is None:
            raise RuleViolation(Code.NO_TIMER, "The timer was already stopped.")
        entry = log_time(
            actor,
            data=EntryInput(
                minutes=elapsed_minutes(timer, now),
                date=timezone.localdate(timer.started_at),
                description=description[:1000],
                task_id=timer.task_id,
            ),
            request=request,
        )
        locked.delete()
    return entry


def discard_timer(actor: Actor, *, request: HttpRequest | None = None) -> bool:
    """Throw the actor's timer away without logging anything; False if none was running."""
    if not actor.is_authenticated:
        return False
    deleted, _ = RunningTimer.objects.filter(user=actor.authenticated_user).delete()
    return deleted > 0
