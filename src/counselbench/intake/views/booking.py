"""Booking pages.

Public (no login, English and Spanish with the intake page's language switch):
/book/<firm>/                  choose a consultation type, a day and a free time (in the visitor's
                               zone, detected by the browser), then name, email, phone
/book/<firm>/booked/<token>/   the confirmation
/book/cancel/<token>/          the prospect's cancellation link (shows it; a POST cancels)
/calendar/<token>.ics          an attorney's iCalendar feed (secret URL)

The firm's: /booking/availability/ (an attorney's week, days away, the feed URL; owners: anyone's,
and the consultation types) and /booking/appointments/ (upcoming, cancel, book for a caller).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, visible
from counselbench.core.errors import DomainError, Invalid, RuleViolation
from counselbench.intake.models import (
    Appointment,
    AppointmentState,
    AvailabilityException,
    ConsultationType,
    Language,
)
from counselbench.intake.services import booking as services
from counselbench.intake.services import calendar
from counselbench.intake.services import intake as intake_services
from counselbench.intake.views.public import (
    HONEYPOT,
    _defenses,
    _language,
    _too_fast_message,
    public_page,
)
from counselbench.organizations.models import Organization, Role
from counselbench.talent.models import PracticeArea

# Offered in the zone picker (the browser's own zone is added when it is not among them).
COMMON_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/Mexico_City",
    "America/Monterrey",
    "America/Tijuana",
    "America/Bogota",
    "America/Lima",
    "America/Caracas",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Guatemala",
    "America/El_Salvador",
    "America/Tegucigalpa",
    "Europe/Madrid",
    "Europe/London",
    "UTC",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")


def _zone_choices(current: str) -> list[str]:
    zones = list(COMMON_ZONES)
    if current not in zones:
        zones.insert(0, current)
    return zones


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 18 else None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


# --- Public booking page -------------------------------------------------------------------------


def _public(
    request: HttpRequest,
    template: str,
    firm: Organization,
    language: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    query = request.GET.copy()
    query["lang"] = "en" if language == "es" else "es"
    base = {
        "firm": firm,
        "language": language,
        "other_language": query["lang"],
        "switch_url": f"{request.path}?{query.urlencode()}",
        "path": request.path,
    }
    return render(request, f"intake/booking/{template}", {**base, **context}, status=status)


def _booking_context(
    request: HttpRequest, firm: Organization, language: str, data: Any
) -> dict[str, Any]:
    types = services.active_types(firm)
    tz_name = data.get("tz") or ""
    tz_valid = services.is_zone(tz_name)
    if not tz_valid:
        tz_name = firm.time_zone
    chosen = next((t for t in types if t.pk == _int(data.get("type"))), None)
    if chosen is None and len(types) == 1:
        chosen = types[0]
    days: list[tuple[dt.date, int]] = []
    slots: list[services.Slot] = []
    day = _day(data.get("day"))
    if chosen is not None:
        today = timezone.now().astimezone(services.zone(tz_name)).date()
        every = services.free_slots(
            organization=firm,
            consultation_type=chosen,
            start_day=today,
            days=services.HORIZON_DAYS + 1,
            tz=tz_name,
            distinct_times=True,
        )
        days = services.slot_days(every)
        if day not in {d for d, _n in days}:
            day = days[0][0] if days else None
        slots = [s for s in every if s.local_start.date() == day]
    lead = services.lead_for_token(firm, data.get("lead"))
    return {
        "types": [{"pk": t.pk, "name": t.name(language), "minutes": t.minutes} for t in types],
        "chosen": chosen,
        "chosen_name": chosen.name(language) if chosen else "",
        "tz": tz_name,
        "tz_detected": tz_valid,
        "zones": _zone_choices(tz_name),
        "days": days,
        "day": day,
        "slots": slots,
        "day_format": r"l j \d\e F" if language == "es" else "l, F j",
        "lead_token": lead.token if lead else "",
        "values": {
            "name": data.get("name", lead.name if lead else ""),
            "email": data.get("email", lead.email if lead else ""),
            "phone": data.get("phone", lead.phone if lead else ""),
            "slot": data.get("slot", ""),
        },
        "errors": {},
        # The abuse defenses of the intake page (views/public.py `_defenses`).
        "form_token": intake_services.form_token(firm.slug),
        "honeypot": HONEYPOT,
    }


@public_page
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, firm: Organization, profile: Any, language: str) -> HttpResponse:
    if request.method == "GET":
        context = _booking_context(request, firm, language, request.GET)
        return _public(request, "book.html", firm, language, context)

    def too_fast() -> HttpResponse:
        context = _booking_context(request, firm, language, request.POST)
        context["error"] = _too_fast_message()
        return _public(request, "book.html", firm, language, context, status=400)

    # The intake page's defenses (size, per-address limit, honeypot, minimum fill time), counted.
    back = reverse("intake:booking_public", args=[firm.slug]) + f"?lang={language}"
    refusal = _defenses(request, firm, profile, language, too_fast=too_fast, back_url=back)
    if refusal is not None:
        return refusal
    context = _booking_context(request, firm, language, request.POST)
    # Shown again after a field error or a taken time, the form keeps the time it was first
    # shown: choosing another time quickly is not filling it in too fast.
    context["form_token"] = request.POST.get("ts", "")
    picked = services.parse_slot_value(request.POST.get("slot", ""))
    try:
        if context["chosen"] is None:
            raise Invalid.field("consultation_type_id", _("Choose a type of consultation."))
        if picked is None:
            raise Invalid.field("slot", _("Choose one of the times offered."))
        appointment = services.book(
            organization=firm,
            consultation_type_id=context["chosen"].pk,
            attorney_id=picked[0],
            starts_at=picked[1],
            name=request.POST.get("name", "")[:400],
            email=request.POST.get("email", "")[:400],
            phone=request.POST.get("phone", "")[:60],
            time_zone=context["tz"],
            language=language,
            lead_token=request.POST.get("lead") or None,
        )
    except Invalid as error:
        context["errors"] = {
            {"attorney_id": "slot", "starts_at": "slot", "consultation_type_id": "type"}.get(
                f.path, f.path
            ): f.message
            for f in error.fields
        }
        context["error"] = error.message
        return _public(request, "book.html", firm, language, context, status=422)
    except RuleViolation as error:
        context["error"] = error.message
        context["values"]["slot"] = ""
        return _public(request, "book.html", firm, language, context, status=409)
    return redirect(
        reverse("intake:booking_booked", args=[firm.slug, appointment.cancel_token])
        + f"?lang={language}"
    )


@public_page
@require_GET
def booked(
    request: HttpRequest, firm: Organization, profile: Any, language: str, token: str
) -> HttpResponse:
    appointment = services.appointment_for_token(token)
    if appointment.organization_id != firm.pk:
        raise Http404
    return _public(request, "booked.html", firm, language, _appointment_context(appointment))


def _appointment_context(appointment: Appointment) -> dict[str, Any]:
    language = translation.get_language() or "en"
    return {
        "appointment": appointment,
        "type_name": appointment.consultation_type.name(language),
        "when": services.when_text(appointment),
        "attorney": appointment.attorney.display_name,
        "cancelled": appointment.state == AppointmentState.CANCELLED,
        "started": appointment.starts_at <= timezone.now(),
        "book_again": reverse("intake:booking_public", args=[appointment.organization.slug]),
    }


@require_http_methods(["GET", "POST"])
def cancel_link(request: HttpRequest, token: str) -> HttpResponse:
    """The prospect's link: their language unless they switch it on the page."""
    if not token or len(token) > 64:
        raise Http404
    appointment = (
        Appointment.objects.select_related("organization", "attorney", "consultation_type")
        .filter(cancel_token=token)
        .first()
    )
    if appointment is None:
        raise Http404
    language, chosen = _language(request)
    if not chosen and "lang" not in request.POST:
        language = appointment.language
    firm = appointment.organization
    with translation.override(language):
        context = _appointment_context(appointment)
        status = 200
        if request.method == "POST":
            try:
                appointment = services.cancel_by_token(token=token)
            except RuleViolation as error:
                context["error"] = error.message
                status = 409
            else:
                context = _appointment_context(appointment)
                context["just_cancelled"] = True
        response = _public(request, "cancel.html", firm, language, context, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The attorney's subscribed calendar: the secret in the URL is the only key."""
    try:
        feed = services.feed_by_token(token)
    except DomainError:
        raise Http404 from None
    body = calendar.feed_ics(feed, services.feed_appointments(feed))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="consultations.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The firm's pages ----------------------------------------------------------------------------


def _firm_member(request: ActorRequest) -> Organization:
    actor = request.actor
    organization = actor.current_organization
    if actor.role not in (Role.OWNER, Role.ATTORNEY, Role.STAFF):
        raise Http404
    return organization


def _week_text(rows) -> dict[int, str]:
    text: dict[int, list[str]] = {}
    for row in rows:
        text.setdefault(row.weekday, []).append(f"{row.starts:%H:%M}–{row.ends:%H:%M}")
    return {day: ", ".join(parts) for day, parts in text.items()}


def parse_week(data: Any) -> tuple[list[services.WeeklyHours], dict[int, str]]:
    """Seven text fields 'day0'..'day6', each like '9:00–12:00, 13:00–17:00'."""
    hours: list[services.WeeklyHours] = []
    errors: dict[int, str] = {}
    for weekday in range(7):
        raw = str(data.get(f"day{weekday}", ""))[:200]
        for part in filter(None, (p.strip() for p in raw.split(","))):
            match = _RANGE.match(part)
            try:
                if match is None:
                    raise ValueError
                h1, m1, h2, m2 = match.groups()
                starts = dt.time(int(h1), int(m1 or 0))
                ends = dt.time(int(h2), int(m2 or 0)) if h2 != "24" else dt.time(23, 59)
            except ValueError:
                errors[weekday] = f"“{part}” is not a range like 9:00–17:00."
                break
            hours.append(services.WeeklyHours(weekday, starts, ends))
    return hours, errors


def _availability_context(request: ActorRequest, organization: Organization) -> dict[str, Any]:
    actor = request.actor
    attorneys = services.bookable_attorneys(organization)
    me = actor.authenticated_user
    wanted = _int(request.GET.get("attorney") or request.POST.get("attorney"))
    default = me.pk if any(a.pk == me.pk for a in attorneys) else None
    selected = next((a for a in attorneys if a.pk == (wanted or default)), None)
    if selected is None and attorneys:
        selected = attorneys[0]
    may_edit = selected is not None and (
        actor.role == Role.OWNER or (actor.role == Role.ATTORNEY and selected.pk == me.pk)
    )
    context: dict[str, Any] = {
        "attorneys": attorneys,
        "selected": selected,
        "may_edit": may_edit,
        "may_pick": actor.role in (Role.OWNER, Role.STAFF),
        "firm_zone": organization.time_zone,
        "weekdays": list(enumerate(WEEKDAYS)),
        "week": {},
        "week_errors": {},
        "exceptions": [],
        "feed_url": "",
        "types": list(
            ConsultationType.objects.filter(organization=organization).order_by("minutes", "pk")
        ),
        "may_manage_types": services.may_manage_types(actor),
        "practice_areas": PracticeArea.choices,
        "type_errors": {},
    }
    if selected is not None:
        context["week"] = _week_text(services.week_of(organization, selected.pk))
        context["exceptions"] = list(
            visible(actor, AvailabilityException)
            .filter(attorney=selected, ends_at__gte=timezone.now())
            .order_by("starts_at")
        )
        if may_edit:
            feed = services.feed_of(actor, attorney_id=selected.pk)
            url = settings.SITE_URL.rstrip("/") + reverse("intake:calendar_feed", args=[feed.token])
            context["feed_url"] = url
            context["webcal_url"] = "webcal://" + url.split("://", 1)[1]
    return context


@login_required
@require_GET
def availability(request: ActorRequest) -> HttpResponse:
    organization = _firm_member(request)
    return render(
        request, "intake/booking/availability.html", _availability_context(request, organization)
    )


def _back(attorney_id: int | None) -> HttpResponse:
    url = reverse("intake:booking_availability")
    return redirect(f"{url}?attorney={attorney_id}" if attorney_id else url)


@login_required
@require_POST
def save_week(request: ActorRequest) -> HttpResponse:
    organization = _firm_member(request)
    attorney_id = _int(request.POST.get("attorney")) or request.actor.authenticated_user.pk
    hours, errors = parse_week(request.POST)
    if not errors:
        try:
            services.set_week(request.actor, attorney_id=attorney_id, hours=hours)
        except Invalid as error:
            for f in error.fields:
                index = int(f.path.split(".")[1]) if f.path.startswith("hours.") else 0
                errors[hours[index].weekday if index < len(hours) else 0] = f.message
            if not error.fields:
                raise
        else:
            messages.success(request, "Weekly hours saved.")
            return _back(attorney_id)
    context = _availability_context(request, organization)
    context["week"] = {d: request.POST.get(f"day{d}", "") for d in range(7)}
    context["week_errors"] = errors
    return render(request, "intake/booking/availability.html", context, status=422)


@login_required
@require_POST
def add_exception(request: ActorRequest) -> HttpResponse:
    organization = _firm_member(request)
    attorney_id = _int(request.POST.get("attorney")) or request.actor.authenticated_user.pk
    tz = services.firm_zone(organization)
    day = _day(request.POST.get("day"))
    try:
        if day is None:
            raise Invalid.field("day", "Choose the day.")
        start_text, end_text = request.POST.get("from", ""), request.POST.get("to", "")
        if not start_text and not end_text:
            starts = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
            ends = starts.replace(tzinfo=None) + dt.timedelta(days=1)
            ends = dt.datetime.combine(ends.date(), dt.time(0), tzinfo=tz)
        else:
            try:
                starts = dt.datetime.combine(day, dt.time.fromisoformat(start_text), tzinfo=tz)
                ends = dt.datetime.combine(day, dt.time.fromisoformat(end_text), tzinfo=tz)
            except ValueError:
                raise Invalid.field(
                    "from", "Give both times (HH:MM), or neither for the whole day."
                ) from None
        services.add_exception(
            request.actor,
            attorney_id=attorney_id,
            starts_at=starts,
            ends_at=ends,
            note=request.POST.get("note", "")[:400],
        )
    except Invalid as error:
        messages.error(request, "; ".join(f.message for f in error.fields) or error.message)
    else:
        messages.success(request, "Time away added: no consultations are offered in it.")
    return _back(attorney_id)


@login_required
@require_POST
def remove_exception(request: ActorRequest, exception_id: int) -> HttpResponse:
    _firm_member(request)
    exception = visible(request.actor, AvailabilityException).filter(pk=exception_id).first()
    services.remove_exception(request.actor, exception_id=exception_id)
    messages.success(request, "Time away removed.")
    return _back(exception.attorney_id if exception else None)


@login_required
@require_POST
def reset_feed(request: ActorRequest) -> HttpResponse:
    _firm_member(request)
    attorney_id = _int(request.POST.get("attorney")) or request.actor.authenticated_user.pk
    services.reset_feed(request.actor, attorney_id=attorney_id)
    messages.success(
        request, "New calendar link made; the old one no longer works. Subscribe again."
    )
    return _back(attorney_id)


@login_required
@require_POST
def add_type(request: ActorRequest) -> HttpResponse:
    _firm_member(request)
    minutes = _int(request.POST.get("minutes"))
    try:
        services.create_consultation_type(
            request.actor,
            name_en=request.POST.get("name_en", "")[:200],
            name_es=request.POST.get("name_es", "")[:200],
            minutes=minutes or 0,
            practice_area=request.POST.get("practice_area", "")
            if request.POST.get("practice_area") in PracticeArea.values
            else "",
        )
    except Invalid as error:
        messages.error(request, "; ".join(f.message for f in error.fields) or error.message)
    else:
        messages.success(request, "Consultation type added.")
    return _back(None)


@login_required
@require_POST
def toggle_type(request: ActorRequest, type_id: int) -> HttpResponse:
    _firm_member(request)
    current = visible(request.actor, ConsultationType).filter(pk=type_id).first()
    if current is None:
        raise Http404
    services.update_consultation_type(
        request.actor, consultation_type_id=type_id, changes={"active": not current.active}
    )
    messages.success(request, f"{current.name_en}: {'off' if current.active else 'offered'}.")
    return _back(None)


def _front_desk(request: ActorRequest) -> frozenset[int]:
    firms = request.actor.reception_firm_ids()
    if not firms:
        raise Http404
    return firms


@login_required
@require_GET
def appointments(request: ActorRequest) -> HttpResponse:
    _front_desk(request)
    now = timezone.now()
    rows = services.upcoming(request.actor, start=now - dt.timedelta(hours=2))[:200]
    return render(
        request,
        "intake/booking/appointments.html",
        {
            "rows": rows,
            "may_book": can(request.actor, Action.CREATE, Appointment),
        },
    )


@login_required
@require_POST
def cancel_appointment(request: ActorRequest, appointment_id: int) -> HttpResponse:
    _front_desk(request)
    try:
        appointment = services.cancel(request.actor, appointment_id=appointment_id)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Cancelled {appointment.name}'s consultation; the prospect is emailed."
        )
    return redirect("intake:booking_appointments")


@login_required
@require_http_methods(["GET", "POST"])
def book_for_caller(request: ActorRequest) -> HttpResponse:
    """The front desk books a caller: type → (attorney) → time → name and contact."""
    firms = _front_desk(request)
    actor = request.actor
    data = request.POST if request.method == "POST" else request.GET
    firm_id = _int(data.get("firm"))
    try:
        firm = services.front_desk_firm(
            actor, organization_id=firm_id if firm_id in firms else None
        )
    except Invalid:
        firm = Organization.objects.filter(pk__in=firms).order_by("name").first()
    assert firm is not None
    types = services.active_types(firm)
    chosen = next((t for t in types if t.pk == _int(data.get("type"))), types[0] if types else None)
    attorneys = services.bookable_attorneys(firm)
    attorney = next((a for a in attorneys if a.pk == _int(data.get("attorney"))), None)
    tz_name = data.get("tz") if services.is_zone(data.get("tz", "")) else firm.time_zone
    day = _day(data.get("day")) or timezone.now().astimezone(services.zone(tz_name)).date()
    context: dict[str, Any] = {
        "firms": Organization.objects.filter(pk__in=firms).order_by("name"),
        "firm": firm,
        "types": types,
        "chosen": chosen,
        "attorneys": attorneys,
        "attorney": attorney,
        "tz": tz_name,
        "zones": _zone_choices(tz_name),
        "day": day,
        "slots": [],
        "languages": Language.choices,
        "values": data,
        "errors": {},
    }
    if chosen is not None:
        context["slots"] = services.free_slots(
            organization=firm,
            consultation_type=chosen,
            attorney=attorney,
            start_day=day,
            days=1,
            tz=tz_name,
        )
    status = 200
    if request.method == "POST":
        picked = services.parse_slot_value(request.POST.get("slot", ""))
        try:
            if chosen is None:
                raise Invalid.field("type", "Choose a consultation type.")
            if picked is None:
                raise Invalid.field("slot", "Choose one of the free times.")
            appointment = services.book_for_caller(
                actor,
                organization_id=firm.pk,
                consultation_type_id=chosen.pk,
                attorney_id=picked[0],
                starts_at=picked[1],
                name=request.POST.get("name", "")[:400],
                email=request.POST.get("email", "")[:400],
                phone=request.POST.get("phone", "")[:60],
                time_zone=tz_name,
                language=request.POST.get("language", "en"),
            )
        except Invalid as error:
            context["errors"] = {f.path: f.message for f in error.fields}
            context["error"] = error.message
            status = 422
        except RuleViolation as error:
            context["error"] = error.message
            status = 409
        else:
            messages.success(
                request,
                f"Booked {appointment.name} with {appointment.attorney.display_name}"
                + (": the confirmation is emailed." if appointment.email else "."),
            )
            return redirect("intake:booking_appointments")
    return render(request, "intake/booking/book_for_caller.html", context, status=status)


urlpatterns: list = [
    path("book/cancel/<str:token>/", cancel_link, name="booking_cancel"),
    path("book/<slug:slug>/", book, name="booking_public"),
    path("book/<slug:slug>/booked/<str:token>/", booked, name="booking_booked"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("booking/availability/", availability, name="booking_availability"),
    path("booking/availability/week/", save_week, name="booking_week"),
    path("booking/availability/exceptions/", add_exception, name="booking_exception_add"),
    path(
        "booking/availability/exceptions/<int:exception_id>/remove/",
        remove_exception,
        name="booking_exception_remove",
    ),
    path("booking/availability/feed/reset/", reset_feed, name="booking_feed_reset"),
    path("booking/consultation-types/", add_type, name="booking_type_add"),
    path(
        "booking/consultation-types/<int:type_id>/toggle/", toggle_type, name="booking_type_toggle"
    ),
    path("booking/appointments/", appointments, name="booking_appointments"),
    path("booking/appointments/new/", book_for_caller, name="booking_new"),
    path(
        "booking/appointments/<int:appointment_id>/cancel/",
        cancel_appointment,
        name="booking_appointment_cancel",
    ),
]
