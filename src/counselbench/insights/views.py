"""Insights pages: the firm dashboard (charts, signals, reviews due, scorecards), one engagement's
scorecard, CSV exports of every chart, the printable/PDF monthly report, and the client's public
survey page. The figures are the API's (services.export.as_data), so what the page shows can be
reproduced from `/api/v1/insights/metrics`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from counselbench.access.policy import ActorRequest, metrics_engagements, visible
from counselbench.core.errors import DomainError, Invalid, PermissionDenied, RuleViolation
from counselbench.core.forms import add_domain_error
from counselbench.core.pdf import pdf_response
from counselbench.engagements.models import CheckIn, EngagementRating
from counselbench.insights.forms import RangeForm, SurveyForm
from counselbench.insights.models import SatisfactionSurvey, ScalingSignal
from counselbench.insights.services import export, metrics, reviews, signals, surveys
from counselbench.insights.services.periods import firm_zone, previous_month

CHART_ORDER = [
    "trend",
    "recovered",
    "utilization",
    "quality",
    "turnaround",
    "cost",
    "velocity",
    "satisfaction",
]


def _range(request: ActorRequest) -> tuple[RangeForm, date | None, date | None]:
    form = RangeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["from_"], form.cleaned_data["to"]
    return form, None, None


def _board(
    request: ActorRequest, *, engagement_id: int | None = None
) -> tuple[RangeForm, metrics.Dashboard]:
    """The dashboard for the range asked for; a refused range shows its error on the form and
    the default range's figures."""
    form, start, end = _range(request)
    try:
        board = metrics.dashboard(request.actor, start=start, end=end, engagement_id=engagement_id)
    except Invalid as error:
        if not error.fields or error.fields[0].path not in ("from", "to"):
            raise
        add_domain_error(form, error)
        board = metrics.dashboard(request.actor, engagement_id=engagement_id)
    return form, board


def _presets(today: date) -> list[tuple[str, dict[str, str]]]:
    last_start, last_end = previous_month(today)
    return [
        ("Last month", {"from": last_start.isoformat(), "to": last_end.isoformat()}),
        ("This month", {"from": today.replace(day=1).isoformat(), "to": today.isoformat()}),
        (
            "Last 90 days",
            {"from": (today - timedelta(days=89)).isoformat(), "to": today.isoformat()},
        ),
    ]


def _context(request: ActorRequest, form: RangeForm, board: metrics.Dashboard) -> dict[str, Any]:
    data = export.as_data(board, reverse("insights:export"))
    p = board.period
    today = timezone.now().astimezone(p.zone).date()
    query = {"from": p.start.isoformat(), "to": p.end.isoformat()}
    return {
        "form": form,
        "board": board,
        "data": data,
        "metrics": data["metrics"],
        "by_key": {m["key"]: m for m in data["metrics"]},
        "chart_list": sorted(data["charts"], key=lambda c: CHART_ORDER.index(c["key"])),
        "presets": _presets(today),
        "query": query,
    }


def _require_firm_view(request: ActorRequest) -> None:
    actor = request.actor
    if actor.organization is None or actor.role not in ("owner", "attorney", "staff"):
        raise PermissionDenied("The insights dashboard is for the firm's people.")


@login_required
@require_GET
def dashboard(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if actor.organization is None and actor.is_professional:
        return redirect("insights:mine")
    _require_firm_view(request)
    form, board = _board(request)
    context = _context(request, form, board)
    context["signals"] = list(
        visible(actor, ScalingSignal)
        .filter(cleared_on__isnull=True)
        .select_related("engagement__posting", "category")
    )
    for signal in context["signals"]:
        signal.action = signals.action_url(signal)
    context["reviews"] = reviews.due_reviews(actor)
    context["answers"] = (
        visible(actor, SatisfactionSurvey)
        .filter(answered_at__isnull=False)
        .select_related("matter")
        .order_by("-answered_at")[:5]
    )
    return render(request, "insights/dashboard.html", context)


@login_required
@require_GET
def scorecard(request: ActorRequest, engagement_id: int) -> HttpResponse:
    form, board = _board(request, engagement_id=engagement_id)
    context = _context(request, form, board)
    engagement = board.scope.engagements[0]
    figures = board.engagements[0]
    context.update(
        engagement=engagement,
        figures=figures,
        checkins=CheckIn.objects.filter(engagement=engagement, held_at__isnull=False).order_by(
            "-held_at"
        ),
        rating=EngagementRating.objects.filter(engagement=engagement).first(),
        suggested=metrics.suggested_scores(figures),
        firm_view=request.actor.organization is not None,
    )
    return render(request, "insights/scorecard.html", context)


@login_required
@require_GET
def mine(request: ActorRequest) -> HttpResponse:
    """A professional's own engagements, each with its scorecard."""
    if request.actor.organization is not None:
        return redirect("insights:dashboard")
    engagements = (
        metrics_engagements(request.actor)
        .filter(state__in=metrics.WORKED_STATES)
        .select_related("organization")
        .order_by("-start_date", "-pk")
    )
    return render(request, "insights/mine.html", {"engagements": engagements})


@login_required
@require_GET
def export_csv(request: ActorRequest) -> HttpResponse:
    engagement = request.GET.get("engagement", "")
    if not engagement:
        _require_firm_view(request)
    elif not engagement.isdigit():
        raise Invalid.field("engagement", "An engagement number.")
    _, board = _board(request, engagement_id=int(engagement) if engagement else None)
    chart = request.GET.get("chart", "metrics")
    response = HttpResponse(export.to_csv(board, chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(board, chart)}"'
    return response


def _report_context(request: ActorRequest) -> dict[str, Any]:
    _require_firm_view(request)
    form, board = _board(request)
    context = _context(request, form, board)
    context["signals"] = list(visible(request.actor, ScalingSignal).filter(cleared_on__isnull=True))
    context["generated"] = timezone.now().astimezone(firm_zone(board.scope.organization.time_zone))
    context["bars"] = export.report_bars(board)
    return context


@login_required
@require_GET
def report(request: ActorRequest) -> HttpResponse:
    return render(request, "insights/report.html", _report_context(request))


@login_required
@require_GET
def report_pdf(request: ActorRequest) -> HttpResponse:
    context = _report_context(request)
    p = context["board"].period
    return pdf_response(
        request,
        "insights/report_pdf.html",
        context,
        filename=f"insights {context['board'].scope.organization.name} {p.start} to {p.end}",
    )


# --- The client's survey (public, through the signed link) ---------------------------------------


@require_http_methods(["GET", "POST"])
def survey(request: ActorRequest, token: str) -> HttpResponse:
    try:
        found = surveys.survey_for_token(token)
    except RuleViolation as error:
        return render(request, "insights/public/survey_closed.html", {"message": error.message})
    context: dict[str, Any] = {"survey": found, "firm": found.organization}
    if found.answered_at is not None:
        return render(request, "insights/public/survey_thanks.html", context)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.answer(
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("insights:survey", token=token)
    context["form"] = form
    status = 422 if form.errors else 200
    return render(request, "insights/public/survey.html", context, status=status)
