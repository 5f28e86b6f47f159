"""The weekly timesheet: the signed-in person's time for a week (a grid on a desktop, day cards on
a phone), the add-time form, edits and deletions of drafts, corrections of approved entries,
"Submit this week" and the timer. Every change goes through billing.services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, fetch, require, visible
from counselbench.billing.forms import CorrectionForm, EntryForm
from counselbench.billing.models import EntryState, TimeEntry
from counselbench.billing.services import time as services
from counselbench.billing.services import timers
from counselbench.core.errors import DomainError, Invalid
from counselbench.core.forms import add_domain_error
from counselbench.matters import selectors as matter_selectors
from counselbench.matters.models import Task
from counselbench.matters.views.outcomes import refusal_text

WHO_LOGS = "Members of the firm and its contractors log time."
EDITABLE_STATES = (EntryState.DRAFT, EntryState.REJECTED)


def monday_of(value: str | None) -> date:
    """The Monday of the week holding `value` (YYYY-MM-DD), else of this week."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def _week_of(request: ActorRequest) -> date:
    return monday_of(request.POST.get("week") or request.GET.get("week"))


def timesheet_url(monday: date) -> str:
    return f"{reverse('billing:timesheet')}?week={monday.isoformat()}"


def _entries(actor: Actor, monday: date):
    return (
        visible(actor, TimeEntry)
        .filter(author=actor.authenticated_user, date__range=(monday, monday + timedelta(days=6)))
        .select_related("task", "matter", "corrects")
        .order_by("date", "pk")
    )


def _tasks(actor: Actor, entries: list[TimeEntry]) -> list[Task]:
    """The rows: the person's open assigned tasks and the tasks they logged time on this week."""
    tasks = {t.pk: t for t in matter_selectors.my_tasks(actor)}
    logged = {e.task_id for e in entries if e.task_id and e.task_id not in tasks}
    if logged:
        tasks.update(
            (t.pk, t) for t in matter_selectors.tasks(actor).filter(pk__in=logged).order_by()
        )
    return sorted(tasks.values(), key=lambda t: (t.matter.number, t.title, t.pk))


def _edit_form(entry: TimeEntry, data: Any = None) -> EntryForm:
    return EntryForm(
        data,
        with_task=False,
        auto_id=f"edit-{entry.pk}-%s",
        initial={
            "date": entry.date,
            "minutes": f"{entry.minutes // 60}:{entry.minutes % 60:02d}",
            "description": entry.description,
            "billable": entry.billable,
        },
    )


def _correct_form(entry: TimeEntry, data: Any = None) -> CorrectionForm:
    return CorrectionForm(
        data, auto_id=f"correct-{entry.pk}-%s", initial={"date": timezone.localdate()}
    )


def _page(
    request: ActorRequest,
    monday: date,
    *,
    status: int = 200,
    add_form: EntryForm | None = None,
    bound: tuple[int, forms.Form] | None = None,
) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    days = [monday + timedelta(days=d) for d in range(7)]
    entries = list(_entries(actor, monday))
    tasks = _tasks(actor, entries)
    timer = timers.current_timer(actor)

    # The grid: minutes per task (or matter, for matter-level time) per day.
    rows: dict[Any, dict[str, Any]] = {}
    for task in tasks:
        rows[("task", task.pk)] = {"task": task, "matter": task.matter, "cells": [0] * 7}
    for entry in entries:
        key = ("task", entry.task_id) if entry.task_id else ("matter", entry.matter_id)
        row = rows.setdefault(key, {"task": entry.task, "matter": entry.matter, "cells": [0] * 7})
        row["cells"][(entry.date - monday).days] += entry.minutes
    for row in rows.values():
        row["total"] = sum(row["cells"])
    day_totals = [sum(r["cells"][d] for r in rows.values()) for d in range(7)]

    cards = []
    for d, day in enumerate(days):
        on_day = [e for e in entries if e.date == day]
        for entry in on_day:
            entry.editable = entry.state in EDITABLE_STATES  # type: ignore[attr-defined]
            if bound and bound[0] == entry.pk:
                entry.form, entry.open = bound[1], True  # type: ignore[attr-defined]
            elif entry.editable:  # type: ignore[attr-defined]
                entry.form = _edit_form(entry)  # type: ignore[attr-defined]
            elif entry.locked:
                entry.form = _correct_form(entry)  # type: ignore[attr-defined]
        cards.append({"day": day, "entries": on_day, "total": day_totals[d], "today": day == today})

    default_day = min(max(today, monday), days[-1]) if monday <= today else monday
    context: dict[str, Any] = {
        "monday": monday,
        "sunday": days[-1],
        "days": days,
        "today": today,
        "rows": list(rows.values()),
        "day_totals": day_totals,
        "week_total": sum(day_totals),
        "cards": cards,
        "drafts": sum(1 for e in entries if e.state == EntryState.DRAFT),
        "rejected": sum(1 for e in entries if e.state == EntryState.REJECTED),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7) if monday + timedelta(days=7) <= today else None,
        "this_week": today - timedelta(days=today.weekday()),
        "timer": timer,
        "timer_minutes": timers.elapsed_minutes(timer) if timer else 0,
        "tasks": tasks,
        "add_form": add_form
        or EntryForm(tasks=tasks, initial={"date": default_day, "billable": True}),
        "may_approve": _may_approve(actor),
    }
    return render(request, "billing/timesheet.html", context, status=status)


def _may_approve(actor: Actor) -> bool:
    return actor.organization is not None and actor.role in ("owner", "attorney")


@login_required
@require_GET
def timesheet(request: ActorRequest) -> HttpResponse:
    require(request.actor, Action.CREATE, TimeEntry, WHO_LOGS)
    return _page(request, _week_of(request))


def _done(request: ActorRequest, monday: date, act: Callable[[], str]) -> HttpResponse:
    """Run an action, then back to the week: done or refused, said in a message."""
    try:
        done = act()
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, done)
    return redirect(timesheet_url(monday))


def _form_action(
    request: ActorRequest,
    monday: date,
    form: forms.Form,
    act: Callable[[dict], str],
    *,
    entry: TimeEntry | None = None,
    anchor: str = "",
) -> HttpResponse:
    """A form on the timesheet: done, back to the week; invalid or refused, the page again with
    the errors on the form (nothing changed)."""
    status = 422
    if form.is_valid():
        try:
            done = act(form.cleaned_data)
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect(timesheet_url(monday) + (f"#{anchor}" if anchor else ""))
    if entry is not None:
        return _page(request, monday, status=status, bound=(entry.pk, form))
    assert isinstance(form, EntryForm)
    return _page(request, monday, status=status, add_form=form)


@login_required
@require_POST
def log_entry(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require(actor, Action.CREATE, TimeEntry, WHO_LOGS)
    monday = _week_of(request)
    tasks = _tasks(actor, list(_entries(actor, monday)))
    form = EntryForm(request.POST, tasks=tasks)

    def act(data: dict) -> str:
        entry = services.log_time(
            actor,
            data=services.EntryInput(
                minutes=data["minutes"],
                date=data["date"],
                description=data["description"],
                task_id=data["task_id"],
                billable=data["billable"],
            ),
            request=request,
        )
        return f"{_hm(entry.minutes)} logged on {entry.date:%a %b} {entry.date.day} (draft)."

    return _form_action(request, monday_of(request.POST.get("date")), form, act)


def _hm(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"


@login_required
@require_POST
def edit_entry(request: ActorRequest, entry_id: int) -> HttpResponse:
    entry = fetch(request.actor, TimeEntry, Action.CHANGE, pk=entry_id)
    monday = _week_of(request)
    form = _edit_form(entry, request.POST)

    def act(data: dict) -> str:
        changed = services.update_entry(
            request.actor,
            entry_id=entry.pk,
            changes={
                "minutes": data["minutes"],
                "date": data["date"],
                "description": data["description"],
                "billable": data["billable"],
            },
            request=request,
        )
        return f"Entry saved: {_hm(changed.minutes)} on {changed.date:%a %b} {changed.date.day}."

    return _form_action(request, monday, form, act, entry=entry, anchor=f"entry-{entry.pk}")


@login_required
@require_POST
def delete_entry(request: ActorRequest, entry_id: int) -> HttpResponse:
    entry = fetch(request.actor, TimeEntry, Action.DELETE, pk=entry_id)

    def act() -> str:
        services.delete_entry(request.actor, entry_id=entry.pk, request=request)
        return "Entry deleted."

    return _done(request, _week_of(request), act)


@login_required
@require_POST
def correct_entry(request: ActorRequest, entry_id: int) -> HttpResponse:
    entry = fetch(request.actor, TimeEntry, Action.CHANGE, pk=entry_id)  # the author's own
    form = _correct_form(entry, request.POST)

    def act(data: dict) -> str:
        correction = services.log_time(
            request.actor,
            data=services.EntryInput(
                minutes=data["minutes"],
                date=data["date"],
                description=data["description"],
                corrects_id=entry.pk,
            ),
            request=request,
        )
        return f"Correction of {_hm(correction.minutes)} logged as a draft; submit it for approval."

    return _form_action(request, _week_of(request), form, act, entry=entry)


@login_required
@require_POST
def submit_week(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    require(actor, Action.CREATE, TimeEntry, WHO_LOGS)
    monday = _week_of(request)

    def act() -> str:
        ids = list(
            _entries(actor, monday).filter(state=EntryState.DRAFT).values_list("pk", flat=True)
        )
        if not ids:
            return "Nothing to submit: this week has no drafts."
        submitted = services.submit(actor, entry_ids=ids, request=request)
        total = sum(e.minutes for e in submitted)
        count = f"{len(submitted)} entr{'y' if len(submitted) == 1 else 'ies'}"
        return f"{count} ({_hm(total)}) submitted for approval."

    return _done(request, monday, act)


@login_required
@require_POST
def start_timer(request: ActorRequest) -> HttpResponse:
    raw = request.POST.get("task_id", "")

    def act() -> str:
        if not raw.isdigit() or len(raw) > 18:
            raise Invalid.field("task_id", "Choose a task to time.")
        timer = timers.start_timer(
            request.actor,
            task_id=int(raw),
            note=request.POST.get("note", ""),
            request=request,
        )
        return f"Timer started on “{timer.task.title}”."

    return _done(request, _week_of(request), act)


@login_required
@require_POST
def stop_timer(request: ActorRequest) -> HttpResponse:
    require(request.actor, Action.CREATE, TimeEntry, WHO_LOGS)

    def act() -> str:
        entry = timers.stop_timer(request.actor, note=request.POST.get("note", ""), request=request)
        return f"Timer stopped: {_hm(entry.minutes)} logged as a draft."

    return _done(request, _week_of(request), act)


@login_required
@require_POST
def discard_timer(request: ActorRequest) -> HttpResponse:
    require(request.actor, Action.CREATE, TimeEntry, WHO_LOGS)

    def act() -> str:
        if timers.discard_timer(request.actor, request=request):
            return "Timer discarded; nothing was logged."
        return "No timer was running."

    return _done(request, _week_of(request), act)
