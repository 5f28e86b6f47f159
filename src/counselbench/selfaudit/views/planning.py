"""ROI pages: the model with editable assumptions, and the one-page summary for a partner."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from counselbench.access.policy import ActorRequest, fetch
from counselbench.core.charts import horizontal_bars
from counselbench.core.money import format_usd
from counselbench.core.pdf import pdf_response
from counselbench.selfaudit import services
from counselbench.selfaudit.forms import RoiForm
from counselbench.selfaudit.models import AuditPeriod
from counselbench.selfaudit.roi import SOURCES

# Hit-list rows on the one-page summary: enough to see the pattern, few enough to fit the page.
SUMMARY_ROWS = 8


def _roi_context(request: ActorRequest, audit_id: int) -> dict:
    audit = fetch(request.actor, AuditPeriod, pk=audit_id)
    given = {k: v for k, v in request.GET.items() if k in RoiForm.base_fields and v != ""}
    form = RoiForm(given) if given else None
    overrides = form.overrides() if form is not None and form.is_valid() else {}
    category_id = request.GET.get("category")
    result = services.roi(
        request.actor,
        audit_id=audit.pk,
        overrides=overrides,
        category_id=int(category_id) if (category_id or "").isdigit() else None,
    )
    if form is None or form.is_valid():
        # Show every assumption in use, defaults and changes alike; an invalid form keeps the
        # user's input and its errors (and the figures use the defaults meanwhile).
        form = RoiForm(initial=RoiForm.initial_from(result.assumptions))
    f = result.figures
    options = [
        ("Today (done in-house as now)", f.current_cents),
        ("In-house hire", f.in_house_cents),
        ("Contractor", f.contractor_cents),
        ("Provider plan", f.provider_cents),
    ]
    return {
        "audit": audit,
        "form": form,
        "roi": result,
        "figures": f,
        "options": [(label, format_usd(cents)) for label, cents in options],
        "option_cents": options,
        "chart": {
            "labels": [label for label, _ in options],
            "costs": [cents / 100 for _, cents in options],
        },
        "money": {"interruptions": format_usd(f.interruptions_cents)},
        "sources": SOURCES,
        "query": request.GET.urlencode(),
    }


@login_required
@require_GET
def audit_roi(request: ActorRequest, audit_id: int) -> HttpResponse:
    return render(request, "selfaudit/roi.html", _roi_context(request, audit_id))


def _summary_context(request: ActorRequest, audit_id: int) -> dict:
    context = _roi_context(request, audit_id)
    result = services.hit_list(request.actor, audit_id=audit_id)
    top = result.rows[:SUMMARY_ROWS]
    context.update(
        {
            "hit_list": result,
            "total": format_usd(result.total_saving_cents),
            "top_rows": [(r, format_usd(r.saving_cents)) for r in top],
            "hit_chart": horizontal_bars(
                "Annual misused time by category",
                [(r.category_name, r.saving_cents, format_usd(r.saving_cents)) for r in top],
            ),
            "cost_chart": horizontal_bars(
                "Cost a year of each option",
                [(label, cents, format_usd(cents)) for label, cents in context["option_cents"]],
            ),
        }
    )
    return context


@login_required
@require_GET
def audit_summary(request: ActorRequest, audit_id: int) -> HttpResponse:
    """One printable page a partner can take to a meeting."""
    return render(request, "selfaudit/summary.html", _summary_context(request, audit_id))


@login_required
@require_GET
def audit_summary_pdf(request: ActorRequest, audit_id: int) -> HttpResponse:
    """The same page as a one-page US Letter PDF, with the same assumptions in the query."""
    context = _summary_context(request, audit_id)
    audit = context["audit"]
    return pdf_response(
        request,
        "selfaudit/summary_pdf.html",
        context,
        filename=f"outsourcing summary {audit.organization.name} {audit.name}",
    )
