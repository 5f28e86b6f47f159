"""The front desk's pages: the reception log (log a call or chat; the calls the telephony webhook
reported wait "in progress" at the top for the receptionist to complete), one entry's page, the
day's summary grouped by urgency, the messages inbox (read status both ways), and the shift rota
with its coverage gaps. Every write goes through intake.services.reception / .shifts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch
from counselbench.core.errors import DomainError, PermissionDenied
from counselbench.core.forms import add_domain_error
from counselbench.core.pagination import page_of
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.intake.models import (
    Channel,
    Language,
    Outcome,
    ReceptionEntry,
    Shift,
    Urgency,
)
from counselbench.intake.services import reception as services
from counselbench.intake.services import shifts as shift_services
from counselbench.organizations.models import Organization

PER_PAGE = 50


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _firm(request: ActorRequest) -> Organization:
    """The firm whose front desk this is: the member's own, or the receptionist's chosen one
    (`?firm=<id>`, default their first)."""
    actor = request.actor
    firms = sorted(actor.reception_firm_ids())
    if not firms:
        raise PermissionDenied(
            "You do not work a firm's front desk.", code=IntakeErrorCode.NOT_RECEPTION
        )
    if actor.organization is not None:
        return actor.organization
    chosen = _int(request.POST.get("firm") or request.GET.get("firm"))
    return Organization.objects.get(pk=chosen if chosen in firms else firms[0])


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _firm_query(request: ActorRequest, firm: Organization, **extra: Any) -> str:
    params = {k: v for k, v in extra.items() if v}
    if request.actor.organization is None:
        params["firm"] = firm.pk
    return f"?{urlencode(params)}" if params else ""


def _common(request: ActorRequest, firm: Organization) -> dict[str, Any]:
    actor = request.actor
    firms = []
    if actor.organization is None and len(actor.reception_firm_ids()) > 1:
        firms = list(Organization.objects.filter(pk__in=actor.reception_firm_ids()))
    return {
        "firm": firm,
        "firms": firms,
        "unread": services.unread_count(actor),
        "firm_param": firm.pk if actor.organization is None else "",
    }


# --- Forms ----------------------------------------------------------------------------------------


class EntryForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.CALL)
    caller_name = forms.CharField(label="Caller's name", max_length=200, required=False)
    number = forms.CharField(
        label="Phone number",
        max_length=40,
        required=False,
        help_text="Any format; US numbers need no +1.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    reason = forms.CharField(label="Reason for calling", max_length=200, required=False)
    message = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.NORMAL)
    language = forms.ChoiceField(choices=Language.choices, initial=Language.EN)
    outcome = forms.ChoiceField(choices=Outcome.choices, initial=Outcome.MESSAGE_TAKEN)
    for_user_id = forms.TypedChoiceField(label="For", coerce=int, empty_value=None, required=False)
    lead_id = forms.IntegerField(
        label="Lead number", required=False, min_value=1, help_text="Optional: the lead's id."
    )
    external_id = forms.CharField(
        label="Call id",
        max_length=100,
        required=False,
        help_text="From the phone system, when it shows one: joins the call it reported.",
    )

    def __init__(self, *args: Any, firm: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.display_name) for u in services.firm_people(firm)]
        self.fields["for_user_id"].choices = [("", "—"), *people]


class EditEntryForm(EntryForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["external_id"]
        del self.fields["channel"]


class MessageForm(forms.Form):
    recipient_id = forms.TypedChoiceField(label="For", coerce=int)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Message", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.NORMAL)

    def __init__(self, *args: Any, firm: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.display_name) for u in services.firm_people(firm)]
        self.fields["recipient_id"].choices = [("", "—"), *people]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ShiftForm(forms.Form):
    person_id = forms.TypedChoiceField(label="Who", coerce=int)
    starts_at = forms.DateTimeField(label="Starts", widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label="Ends", widget=LocalDateTimeInput())
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, firm: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = [(u.pk, u.display_name) for u in shift_services.front_desk_people(firm)]
        self.fields["person_id"].choices = [("", "—"), *people]
        # Times typed here are the firm's local times, whatever the viewer's time zone.
        self.zone = services.firm_zone(firm)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if isinstance(value, datetime):
                data[name] = timezone.make_aware(value.replace(tzinfo=None), self.zone)
        return data


# --- The log --------------------------------------------------------------------------------------


def _log_page(
    request: ActorRequest, firm: Organization, *, form: EntryForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.actor
    today = services.firm_today(firm)
    day = _day(request.GET.get("day"), today)
    rows = services.entries_of_day(actor, firm, day).order_by("-started_at", "-pk")
    urgency = request.GET.get("urgency") or ""
    outcome = request.GET.get("outcome") or ""
    if urgency in Urgency.values:
        rows = rows.filter(urgency=urgency)
    if outcome in Outcome.values:
        rows = rows.filter(outcome=outcome)
    in_progress = list(
        services.log_rows(actor)
        .filter(organization=firm, outcome=Outcome.IN_PROGRESS)
        .order_by("-started_at")[:20]
    )
    context = {
        **_common(request, firm),
        "page": page_of(request, rows, PER_PAGE),
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "urgency": urgency,
        "outcome": outcome,
        "urgencies": Urgency.choices,
        "outcomes": Outcome.choices,
        "in_progress": in_progress,
        "form": form or EntryForm(firm=firm),
        "may_log": can(actor, Action.CREATE, ReceptionEntry),
    }
    return render(request, "intake/reception/log.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def log(request: ActorRequest) -> HttpResponse:
    firm = _firm(request)
    if request.method == "GET":
        return _log_page(request, firm)
    form = EntryForm(request.POST, firm=firm)
    if not form.is_valid():
        return _log_page(request, firm, form=form, status=422)
    data = {**form.cleaned_data, "organization_id": firm.pk}
    try:
        entry = services.log_entry(request.actor, data=data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        add_domain_error(form, error)
        return _log_page(request, firm, form=form, status=error.status)
    sent = " Message sent." if entry.messages.exists() else ""
    messages.success(request, f"Logged: {entry}.{sent}")
    return redirect(reverse("intake:reception") + _firm_query(request, firm))


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request: ActorRequest, entry_id: int) -> HttpResponse:
    actor = request.actor
    entry = fetch(actor, ReceptionEntry, pk=entry_id, related=("organization",))
    firm = entry.organization
    editable = services.is_editable(entry) and can(actor, Action.CHANGE, entry)
    initial = {
        "caller_name": entry.caller_name,
        "number": entry.number,
        "reason": entry.reason,
        "message": entry.message,
        "urgency": entry.urgency,
        "language": entry.language,
        "outcome": entry.outcome if entry.outcome != Outcome.IN_PROGRESS else "message_taken",
        "for_user_id": entry.for_user_id,
        "lead_id": entry.lead_id,
    }
    status = 200
    form = EditEntryForm(initial=initial, firm=firm)
    if request.method == "POST":
        form = EditEntryForm(request.POST, initial=initial, firm=firm)
        if form.is_valid():
            try:
                services.update_entry(actor, entry_id=entry.pk, data=form.cleaned_data)
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, "Entry saved.")
                return redirect(reverse("intake:reception") + _firm_query(request, firm))
        else:
            status = 422
    entry = services.log_rows(actor).get(pk=entry.pk)
    context = {
        **_common(request, firm),
        "entry": entry,
        "form": form,
        "editable": editable,
        "call_events": list(entry.call_events.order_by("occurred_at", "pk"))
        if entry.external_id
        else [],
        "entry_messages": list(entry.messages.select_related("recipient")),
    }
    return render(request, "intake/reception/entry.html", context, status=status)


@login_required
@require_GET
def summary(request: ActorRequest) -> HttpResponse:
    firm = _firm(request)
    day = _day(request.GET.get("day"), services.firm_today(firm))
    result = services.daily_summary(request.actor, day=day, organization_id=firm.pk)
    context = {
        **_common(request, firm),
        "summary": result,
        "day": day,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
    }
    return render(request, "intake/reception/summary.html", context)


# --- Messages -------------------------------------------------------------------------------------


def _messages_page(
    request: ActorRequest, firm: Organization, *, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.actor
    context = {
        **_common(request, firm),
        "page": page_of(request, services.inbox(actor).order_by("-created_at", "-pk"), PER_PAGE),
        "sent": list(services.sent_messages(actor).order_by("-created_at", "-pk")[:30]),
        "form": form or MessageForm(firm=firm),
    }
    return render(request, "intake/reception/messages.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: ActorRequest) -> HttpResponse:
    firm = _firm(request)
    if request.method == "GET":
        return _messages_page(request, firm)
    form = MessageForm(request.POST, firm=firm)
    if not form.is_valid():
        return _messages_page(request, firm, form=form, status=422)
    try:
        message = services.leave_message(
            request.actor, data={**form.cleaned_data, "organization_id": firm.pk}
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        add_domain_error(form, error)
        return _messages_page(request, firm, form=form, status=error.status)
    messages.success(request, f"Message left for {message.recipient.display_name}.")
    return redirect(reverse("intake:messages") + _firm_query(request, firm))


@login_required
@require_GET
def message_detail(request: ActorRequest, message_id: int) -> HttpResponse:
    message = services.open_message(request.actor, message_id=message_id)
    context = {**_common(request, message.organization), "message": message}
    return render(request, "intake/reception/message.html", context)


@login_required
@require_POST
def message_read(request: ActorRequest, message_id: int) -> HttpResponse:
    message = services.mark_read(request.actor, message_id=message_id)
    if request.headers.get("HX-Request"):
        return HttpResponse(
            f'<span class="badge ok">Read {timezone.localtime(message.read_at):%H:%M}</span>'
        )
    messages.success(request, "Marked read.")
    return redirect("intake:messages")


# --- Shifts ---------------------------------------------------------------------------------------


def _shifts_page(
    request: ActorRequest, firm: Organization, *, form: ShiftForm | None = None, status: int = 200
) -> HttpResponse:
    actor = request.actor
    today = services.firm_today(firm)
    monday = shift_services.week_start(_day(request.GET.get("week"), today))
    week = shift_services.week_view(firm, monday)
    may_plan = can(actor, Action.CREATE, Shift)
    for shift in week.shifts:
        shift.may_delete = can(actor, Action.DELETE, shift)  # type: ignore[attr-defined]
    context = {
        **_common(request, firm),
        "week": week,
        "monday": monday,
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "gap_labels": [shift_services.describe_gap(s, e) for s, e in week.gaps],
        "rota": _rota(week),
        "may_plan": may_plan,
        "form": form or (ShiftForm(firm=firm) if may_plan else None),
    }
    return render(request, "intake/reception/shifts.html", context, status=status)


# The week drawn as SVG (the site's CSP allows no inline styles): a gutter, then seven columns.
GUTTER, COLUMN, HEAD, DAY_HEIGHT = 44, 100, 26, 576


def _rota(week: shift_services.Week) -> dict[str, Any]:
    days, rects = [], []
    for index, column in enumerate(week.days):
        x = GUTTER + index * COLUMN
        hours = "" if column.hours == 24 else f" ({column.hours:.0f} h)"
        days.append(
            {"x": x, "cx": x + COLUMN / 2, "label": f"{column.day:%a} {column.day.day}{hours}"}
        )
        for kind, segments in (("shift", column.shifts), ("gap", column.gaps)):
            for seg in segments:
                who = seg.shift.person.display_name if seg.shift else "Gap"
                rects.append(
                    {
                        "kind": kind,
                        "x": x + 3,
                        "y": round(HEAD + seg.top / 100 * DAY_HEIGHT, 2),
                        "width": COLUMN - 6,
                        "height": round(seg.height / 100 * DAY_HEIGHT, 2),
                        "who": who,
                        "label": seg.label,
                        "tall": seg.height / 100 * DAY_HEIGHT >= 26,
                    }
                )
    lines = [{"y": HEAD + h / 24 * DAY_HEIGHT, "label": f"{h:02d}:00"} for h in range(0, 25, 3)]
    return {
        "width": GUTTER + 7 * COLUMN,
        "height": HEAD + DAY_HEIGHT + 4,
        "bottom": HEAD + DAY_HEIGHT,
        "days": days,
        "rects": rects,
        "lines": lines,
        "gutter": GUTTER,
        "right": GUTTER + 7 * COLUMN,
    }


@login_required
@require_http_methods(["GET", "POST"])
def shifts(request: ActorRequest) -> HttpResponse:
    firm = _firm(request)
    if request.method == "GET":
        return _shifts_page(request, firm)
    if not can(request.actor, Action.CREATE, Shift):
        raise PermissionDenied("Owners and staff plan the shifts.")
    form = ShiftForm(request.POST, firm=firm)
    if not form.is_valid():
        return _shifts_page(request, firm, form=form, status=422)
    try:
        shift = shift_services.plan_shift(request.actor, data=form.cleaned_data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        add_domain_error(form, error)
        return _shifts_page(request, firm, form=form, status=error.status)
    messages.success(request, f"{shift.person.display_name} is on shift.")
    week = timezone.localdate(shift.starts_at, services.firm_zone(firm)).isoformat()
    return redirect(reverse("intake:shifts") + f"?week={week}")


@login_required
@require_POST
def shift_delete(request: ActorRequest, shift_id: int) -> HttpResponse:
    shift = fetch(request.actor, Shift, Action.DELETE, pk=shift_id)
    week = timezone.localdate(shift.starts_at, services.firm_zone(shift.organization))
    shift_services.delete_shift(request.actor, shift_id=shift_id)
    messages.success(request, "Shift removed.")
    return redirect(reverse("intake:shifts") + f"?week={week.isoformat()}")


urlpatterns: list = [
    path("reception/", log, name="reception"),
    path("reception/<int:entry_id>/", entry_detail, name="reception_entry"),
    path("reception/summary/", summary, name="reception_summary"),
    path("reception/shifts/", shifts, name="shifts"),
    path("reception/shifts/<int:shift_id>/delete/", shift_delete, name="shift_delete"),
    path("messages/", inbox, name="messages"),
    path("messages/<int:message_id>/", message_detail, name="message"),
    path("messages/<int:message_id>/read/", message_read, name="message_read"),
]
