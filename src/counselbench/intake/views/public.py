"""The firm's public intake page (no login), in English and Spanish.

/intake/<firm>/                  the prospective-client notice (ABA Model Rule 1.18)
/intake/<firm>/start/            step one: the names the conflict check needs, the practice area
/intake/<firm>/details/<token>/  step two: contact, urgency, summary, the practice-area questions
/intake/<firm>/thanks/[<token>/] the thank-you page, linking to booking

The language comes from ?lang=es|en (remembered in the language cookie), else the cookie, else
Accept-Language. Every prospect sees the same pages whatever the conflict check found.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from counselbench.core.errors import Invalid
from counselbench.intake.models import (
    Language,
    Lead,
    QuestionKind,
    RefusalReason,
    Urgency,
)
from counselbench.intake.services import intake as services
from counselbench.intake.views import settings as settings_views
from counselbench.organizations.models import Organization

HONEYPOT = "website"
LANGUAGES = ("en", "es")


def _language(request: HttpRequest) -> tuple[str, bool]:
    """The visitor's language, and whether they chose it on this request (?lang=)."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in LANGUAGES:
        return chosen, "lang" in request.GET
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in LANGUAGES:
        return cookie, False
    header = translation.get_language_from_request(request, check_path=False) or ""
    return ("es" if header.startswith("es") else "en"), False


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the firm by slug (404 if unknown), activate the visitor's language for the view,
    and remember a language chosen with ?lang= in the cookie."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        # The firm and its profile (made on first use), memoized per process for a few seconds.
        profile = services.public_profile(slug)
        if profile is None:
            raise Http404
        firm = profile.organization
        if firm.is_provider:
            raise Http404
        language, chosen = _language(request)
        with translation.override(language):
            if not profile.enabled:
                response = _render(request, "closed.html", firm, language, {}, status=404)
            else:
                response = view(request, firm, profile, language, *args, **kwargs)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=not settings.DEBUG,
            )
        response["Content-Language"] = language
        response["Cache-Control"] = "no-store"
        response.headers.setdefault("Vary", "Cookie, Accept-Language")
        return response

    return wrapper


def _render(
    request: HttpRequest,
    template: str,
    firm: Organization,
    language: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    base = {
        "firm": firm,
        "language": language,
        "other_language": "en" if language == "es" else "es",
        "path": request.path,
    }
    return render(request, f"intake/public/{template}", {**base, **context}, status=status)


def _limited(
    request: HttpRequest, firm: Organization, language: str, wait: float, back: str
) -> HttpResponse:
    response = _render(request, "limited.html", firm, language, {"back_url": back}, status=429)
    response["Retry-After"] = str(max(1, int(wait) + 1))
    return response


def _refused(
    request: HttpRequest, firm: Organization, language: str, status: int, back: str
) -> HttpResponse:
    return _render(request, "refused.html", firm, language, {"back_url": back}, status=status)


def _defenses(
    request: HttpRequest,
    firm: Organization,
    profile: Any,
    language: str,
    *,
    too_fast: Callable[[], HttpResponse] | None = None,
    new_lead: bool = False,
    back_url: str = "",
) -> HttpResponse | None:
    """The refusals of a public form's POST, each counted for the firm (IntakeRefusal), cheapest
    first: too large, too many from the address, the honeypot, then — when `too_fast` is given,
    which renders the form again — the minimum fill time (the form's signed `ts`), and last, for
    a new lead, the firm's hourly allowance: counted only for what passed the cheap checks, so
    bots caught by them cannot use it up. Shared by the intake and booking pages; `back_url`:
    where the refusal pages link back to (default: the intake notice)."""
    back = back_url or _url("intake:intake_notice", firm)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > services.BODY_MAX_BYTES:  # before the body is read at all
        services.record_refusal(firm, RefusalReason.TOO_LARGE)
        return _refused(request, firm, language, 413, back)
    name = request.POST.get("name", "")
    ip = services.IntakeIPThrottle()
    if not ip.allow_request(request):
        services.record_refusal(firm, RefusalReason.RATE_LIMIT_IP, name=name)
        return _limited(request, firm, language, ip.wait(), back)
    if request.POST.get(HONEYPOT):
        services.record_refusal(firm, RefusalReason.HONEYPOT, name=name)
        return _refused(request, firm, language, 400, back)
    if too_fast is not None:
        age = services.form_age(firm.slug, request.POST.get("ts", ""))
        if age is None or age < services.min_fill_seconds():
            services.record_refusal(firm, RefusalReason.TOO_FAST, name=name)
            return too_fast()
    if new_lead:
        per_firm = services.IntakeFirmThrottle(profile)
        if not per_firm.allow_request(request):
            services.record_refusal(firm, RefusalReason.RATE_LIMIT_FIRM, name=name)
            return _limited(request, firm, language, per_firm.wait(), back)
    return None


def _too_fast_message() -> str:
    return _("Please take a moment to check your answers, then send the form again.")


def _errors_by_field(error: Invalid) -> dict[str, str]:
    found: dict[str, str] = {}
    for f in error.fields:
        key = f.path.split("[")[0]
        found.setdefault(key, f.message)
    return found


@require_http_methods(["GET"])
@public_page
def notice(request: HttpRequest, firm: Organization, profile: Any, language: str) -> HttpResponse:
    text = profile.notice_es if language == Language.ES else profile.notice_en
    return _render(request, "notice.html", firm, language, {"notice": text})


def _step_one_context(
    firm: Organization, language: str, forms: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    areas = [{"value": area, "label": form.title(language)} for area, form in forms.items()]
    return {
        "areas": areas,
        "values": values,
        "form_token": services.form_token(firm.slug),
        "honeypot": HONEYPOT,
        "parties_max": services.PARTIES_MAX,
        "name_max": services.NAME_MAX,
    }


@require_http_methods(["GET", "POST"])
@public_page
def start(request: HttpRequest, firm: Organization, profile: Any, language: str) -> HttpResponse:
    forms = services.firm_config(profile).forms
    if request.method == "GET":
        context = _step_one_context(firm, language, forms, {})
        return _render(request, "step1.html", firm, language, context)

    def posted() -> dict[str, str]:
        return {
            "name": request.POST.get("name", ""),
            "other_parties": request.POST.get("other_parties", ""),
            "practice_area": request.POST.get("practice_area", ""),
        }

    def too_fast() -> HttpResponse:
        context = _step_one_context(firm, language, forms, posted())
        context["form_message"] = _too_fast_message()
        return _render(request, "step1.html", firm, language, context, status=400)

    refusal = _defenses(request, firm, profile, language, too_fast=too_fast, new_lead=True)
    if refusal is not None:
        return refusal
    values = posted()
    data = services.LeadInput(
        name=values["name"],
        practice_area=values["practice_area"],
        other_parties=values["other_parties"].splitlines(),
        language=language,
    )
    try:
        lead = services.create_lead(
            organization=firm,
            data=data,
            source="web",
            forms=forms,
            profile=profile,
            replay_token=_last_lead_token(request, firm),
        )
    except Invalid as error:
        context = _step_one_context(firm, language, forms, values)
        context["errors"] = _errors_by_field(error)
        context["form_message"] = error.message
        return _render(request, "step1.html", firm, language, context, status=422)
    # Always the lead made for (or, on a replay, already by) this browser: never another's.
    step = "intake:intake_thanks" if lead.details_completed_at else "intake:intake_details"
    response = redirect(_url(step, firm, lead.token))
    _remember_lead(response, firm, lead)
    return response


# The token of the lead a browser made last, in its own cookie (signed, HTTP only, this firm's
# intake path, REPLAY_WINDOW long): the same step one sent again goes on with that lead.
LAST_LEAD_COOKIE = "cb_intake_lead"
_LAST_LEAD_SALT = "counselbench.intake.last-lead"


def _last_lead_token(request: HttpRequest, firm: Organization) -> str:
    return request.get_signed_cookie(
        LAST_LEAD_COOKIE,
        default="",
        salt=_LAST_LEAD_SALT + firm.slug,
        max_age=services.REPLAY_WINDOW.total_seconds(),
    )


def _remember_lead(response: HttpResponse, firm: Organization, lead: Lead) -> None:
    response.set_signed_cookie(
        LAST_LEAD_COOKIE,
        lead.token,
        salt=_LAST_LEAD_SALT + firm.slug,
        max_age=int(services.REPLAY_WINDOW.total_seconds()),
        path=f"/intake/{firm.slug}/",
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def _url(name: str, firm: Organization, token: str | None = None) -> str:
    args = [firm.slug] + ([token] if token else [])
    return reverse(name, args=args)


def _questions(lead: Lead, language: str) -> list[dict[str, Any]]:
    form = services._form_for(lead.organization_id, lead.practice_area) if lead.form_id else None
    if form is None:
        return []
    return [
        {
            "key": q.key,
            "name": f"q_{q.key}",
            "kind": q.kind,
            "label": q.label(language),
            "required": q.required,
            "choices": [
                {"value": c.get("value"), "label": c.get(language) or c.get("en") or c.get("value")}
                for c in q.choices
            ]
            if q.kind == QuestionKind.CHOICE
            else [],
        }
        for q in form.questions.all()
    ]


def _urgencies() -> list[dict[str, str]]:
    labels = {
        Urgency.LOW: _("Not urgent"),
        Urgency.NORMAL: _("Within a few weeks"),
        Urgency.HIGH: _("Within days"),
        Urgency.EMERGENCY: _("Emergency: a deadline or court date in the next 48 hours"),
    }
    return [{"value": str(k), "label": v} for k, v in labels.items()]


@require_http_methods(["GET", "POST"])
@public_page
def details(
    request: HttpRequest, firm: Organization, profile: Any, language: str, token: str
) -> HttpResponse:
    lead = Lead.objects.filter(organization=firm, token=token).first()
    if lead is None:
        raise Http404
    if lead.details_completed_at is not None:
        return redirect(_url("intake:intake_thanks", firm, lead.token))
    context: dict[str, Any] = {
        "token": lead.token,
        "questions": _questions(lead, language),
        "urgencies": _urgencies(),
        "states": services.US_STATES,
        "values": {"urgency": "normal"},
        "summary_max": services.SUMMARY_MAX,
        "honeypot": HONEYPOT,
    }
    if request.method == "GET":
        return _render(request, "step2.html", firm, language, context)

    refusal = _defenses(request, firm, profile, language)
    if refusal is not None:
        return refusal
    answers = {q["key"]: request.POST.get(q["name"], "") for q in context["questions"]}
    values = {
        "email": request.POST.get("email", ""),
        "phone": request.POST.get("phone", ""),
        "state": request.POST.get("state", ""),
        "urgency": request.POST.get("urgency", "normal"),
        "summary": request.POST.get("summary", ""),
        "answers": answers,
    }
    data = services.DetailsInput(**values)
    try:
        result = services.complete_details(lead, data=data)
    except Invalid as error:
        context["values"] = values
        context["errors"] = {
            (f.path.replace("answers.", "q_")): f.message for f in reversed(error.fields)
        }
        for q in context["questions"]:
            q["value"] = answers.get(q["key"], "")
            q["error"] = context["errors"].get(q["name"], "")
        context["form_message"] = error.message
        return _render(request, "step2.html", firm, language, context, status=422)
    return redirect(_url("intake:intake_thanks", firm, result.token))


@require_http_methods(["GET"])
@public_page
def thanks(
    request: HttpRequest, firm: Organization, profile: Any, language: str, token: str = ""
) -> HttpResponse:
    lead = Lead.objects.filter(organization=firm, token=token).first() if token else None
    if token and lead is None:
        raise Http404
    booking = f"/book/{firm.slug}/" + (f"?lead={lead.token}" if lead is not None else "")
    return _render(request, "thanks.html", firm, language, {"booking_url": booking})


urlpatterns: list = [
    path("intake/<slug:slug>/", notice, name="intake_notice"),
    path("intake/<slug:slug>/start/", start, name="intake_start"),
    path("intake/<slug:slug>/details/<str:token>/", details, name="intake_details"),
    path("intake/<slug:slug>/thanks/", thanks, name="intake_thanks"),
    path("intake/<slug:slug>/thanks/<str:token>/", thanks, name="intake_thanks"),
    # The firm's own intake settings (leads/settings/...), in views/settings.py.
    *settings_views.urlpatterns,
]
