"""The task log by hand: a keyboard-friendly grid to add entries, and each person's week with
its entries to correct or delete."""

from datetime import date, timedelta
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, fetch
from counselbench.core.errors import DomainError
from counselbench.selfaudit import selectors, services
from counselbench.selfaudit.forms import (
    ENTRY_FIELD_FOR,
    EntryEditForm,
    EntryRowFormSet,
)
from counselbench.selfaudit.models import AuditPeriod, LicenseLevel, TaskEntry


def _category_choices(request: ActorRequest) -> list:
    """Active categories grouped by license level, for a <select> with optgroups."""
    order = {level: i for i, level in enumerate(LicenseLevel.values)}
    categories = sorted(
        selectors.task_categories(request.actor), key=lambda c: (order[c.level], c.name)
    )
    return [
        (f"{LicenseLevel(level).label} work", [(c.pk, c.name) for c in group])
        for level, group in groupby(categories, key=lambda c: c.level)
    ]


def _clamp(day: date, audit: AuditPeriod) -> date:
    return min(max(day, audit.starts_on), audit.ends_on)


def _week_url(audit_id: int, user_id: int, day: date, anchor: str = "") -> str:
    path = reverse("selfaudit:audit_week", args=[audit_id])
    return f"{path}?person={user_id}&week={day.isoformat()}{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def audit_log(request: ActorRequest, audit_id: int) -> HttpResponse:
    """Add entries from a grid: Enter moves down (adding a row at the end), Ctrl+Enter saves.
    All rows are saved together or none, each error shown on its own cell."""
    audit = fetch(request.actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    people = selectors.loggable_participants(request.actor, audit)
    me = request.actor.authenticated_user.pk
    default_person = next((p.user_id for p in people if p.user_id == me), None) or (
        people[0].user_id if people else None
    )
    asked_person = request.GET.get("person", "")
    if asked_person.isdigit() and int(asked_person) in {p.user_id for p in people}:
        default_person = int(asked_person)
    # The day the user left off (after saving), else today if it is in the period, else the
    # period's first day: a past audit is filled in from its start.
    asked_date = parse_date(request.GET.get("date") or "")
    today = timezone.localdate()
    if asked_date:
        default_date = _clamp(asked_date, audit)
    elif audit.starts_on <= today <= audit.ends_on:
        default_date = today
    else:
        default_date = audit.starts_on
    form_kwargs = {
        "people": [(p.user_id, p.user.display_name) for p in people],
        "categories": _category_choices(request),
        "period": (audit.starts_on, audit.ends_on),
        "initial": {"person": default_person, "date": default_date},
    }
    status = 200
    if request.method == "POST":
        formset = EntryRowFormSet(request.POST, form_kwargs=form_kwargs)
        if formset.is_valid():
            filled = [form for form in formset.forms if form.has_changed()]
            if not filled:
                formset.non_form_errors().append("Fill in at least one row.")
                status = 422
            else:
                try:
                    created = services.add_entries(
                        request.actor,
                        audit_id=audit.pk,
                        entries=[
                            services.EntryInput(
                                user_id=form.cleaned_data["person"],
                                date=form.cleaned_data["date"],
                                minutes=form.cleaned_data["duration"],
                                description=form.cleaned_data["description"],
                                category_id=form.cleaned_data["category"],
                            )
                            for form in filled
                        ],
                        request=request,
                    )
                except DomainError as error:
                    if error.status in (403, 404):
                        raise
                    _place_errors(filled, formset, error)
                    status = 422
                else:
                    return _after_saving(request, audit, created)
        else:
            status = 422
    else:
        formset = EntryRowFormSet(form_kwargs=form_kwargs)
    return render(
        request,
        "selfaudit/log.html",
        {"audit": audit, "formset": formset, "people": people},
        status=status,
    )


def _place_errors(filled: list, formset, error: DomainError) -> None:
    """Put each of the service's `entries.N.field` errors on the grid cell it is about."""
    for field_error in error.fields:
        parts = field_error.path.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
            form = filled[int(parts[1])]
            name = ENTRY_FIELD_FOR.get(parts[2], parts[2])
            form.add_error(name if name in form.fields else None, field_error.message)
        else:
            formset.non_form_errors().append(field_error.message)
    formset.non_form_errors().append(error.message)


def _after_saving(
    request: ActorRequest, audit: AuditPeriod, created: list[TaskEntry]
) -> HttpResponse:
    uncategorized = sum(1 for e in created if e.category_id is None)
    hours = sum(e.minutes for e in created) / 60
    text = f"Saved {len(created)} entr{'y' if len(created) == 1 else 'ies'} ({hours:.2f} h)."
    if uncategorized:
        text += f" {uncategorized} without a category: categorize them with suggestions."
    messages.success(request, text)
    last = created[-1]
    # A fresh grid that starts where the user left off: same person, same day.
    path = reverse("selfaudit:audit_log", args=[audit.pk])
    return redirect(f"{path}?person={last.participant.user_id}&date={last.date.isoformat()}")


@login_required
@require_GET
def audit_week(request: ActorRequest, audit_id: int) -> HttpResponse:
    """One person's week: minutes by category and day, then the entries to correct."""
    audit = fetch(request.actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    people = selectors.loggable_participants(request.actor, audit)
    if not people:
        return render(request, "selfaudit/week.html", {"audit": audit, "people": []})
    by_user = {p.user_id: p for p in people}
    asked = request.GET.get("person", "")
    me = request.actor.authenticated_user.pk
    if asked:
        if not asked.isdigit() or int(asked) not in by_user:
            raise Http404("No such participant in this audit.")
        person = by_user[int(asked)]
    else:
        person = by_user.get(me, people[0])
    day = _clamp(parse_date(request.GET.get("week") or "") or timezone.localdate(), audit)
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    week_entries = list(
        selectors.entries(request.actor, audit, user_id=person.user_id).filter(
            date__range=(days[0], days[-1])
        )
    )
    grid: dict[str, list[int]] = {}
    for entry in week_entries:
        name = entry.category.name if entry.category else "Uncategorized"
        grid.setdefault(name, [0] * 7)[(entry.date - monday).days] += entry.minutes
    rows = sorted(grid.items(), key=lambda item: (item[0] == "Uncategorized", item[0]))
    categories = _category_choices(request)
    first_monday = audit.starts_on - timedelta(days=audit.starts_on.weekday())
    return render(
        request,
        "selfaudit/week.html",
        {
            "audit": audit,
            "people": people,
            "person": person,
            "days": [(d, audit.starts_on <= d <= audit.ends_on) for d in days],
            "rows": [(name, minutes, sum(minutes)) for name, minutes in rows],
            "day_totals": [sum(m[i] for m in grid.values()) for i in range(7)],
            "week_total": sum(e.minutes for e in week_entries),
            "entries": [
                (
                    entry,
                    EntryEditForm(
                        categories=categories,
                        prefix=f"e{entry.pk}",
                        initial={
                            "date": entry.date,
                            "duration": f"{entry.minutes // 60}:{entry.minutes % 60:02d}",
                            "description": entry.description,
                            "category": entry.category_id,
                        },
                    ),
                )
                for entry in week_entries
            ],
            "previous_week": monday - timedelta(days=7) if monday > audit.starts_on else None,
            "next_week": monday + timedelta(days=7)
            if monday + timedelta(days=7) <= audit.ends_on
            else None,
            "week_number": (monday - first_monday).days // 7 + 1,
            "week_count": (audit.ends_on - first_monday).days // 7 + 1,
        },
    )


@login_required
@require_POST
def entry_update(request: ActorRequest, audit_id: int, entry_id: int) -> HttpResponse:
    entry = fetch(request.actor, TaskEntry, Action.CHANGE, pk=entry_id, audit_id=audit_id)
    form = EntryEditForm(request.POST, categories=_category_choices(request), prefix=f"e{entry.pk}")
    back = _week_url(audit_id, entry.participant.user_id, entry.date, f"#entry-{entry.pk}")
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label + ': ' if label else ''}{' '.join(errors)}")
        return redirect(back)
    try:
        entry = services.update_entry(
            request.actor,
            audit_id=audit_id,
            entry_id=entry.pk,
            changes={
                "date": form.cleaned_data["date"],
                "minutes": form.cleaned_data["duration"],
                "description": form.cleaned_data["description"],
                "category_id": form.cleaned_data["category"],
            },
            request=request,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, " ".join(f.message for f in error.fields) or error.message)
        return redirect(back)
    messages.success(request, "Entry saved.")
    return redirect(
        _week_url(audit_id, entry.participant.user_id, entry.date, f"#entry-{entry.pk}")
    )


@login_required
@require_POST
def entry_delete(request: ActorRequest, audit_id: int, entry_id: int) -> HttpResponse:
    entry = fetch(request.actor, TaskEntry, Action.DELETE, pk=entry_id, audit_id=audit_id)
    back = _week_url(audit_id, entry.participant.user_id, entry.date)
    services.delete_entry(request.actor, audit_id=audit_id, entry_id=entry.pk, request=request)
    messages.success(request, "Entry deleted.")
    return redirect(back)
