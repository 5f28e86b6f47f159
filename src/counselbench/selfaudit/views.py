"""Self-audit pages: the firm's audits and one audit's hit list."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from counselbench.access.policy import ActorRequest, fetch
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.selfaudit import selectors, services
from counselbench.selfaudit.models import AuditPeriod


@login_required
@require_GET
def audit_list(request: ActorRequest) -> HttpResponse:
    request.actor.current_organization  # noqa: B018 (404 without one)
    return render(
        request,
        "selfaudit/audit_list.html",
        {"page": page_of(request, selectors.audits(request.actor))},
    )


@login_required
@require_GET
def audit_detail(request: ActorRequest, audit_id: int) -> HttpResponse:
    audit = fetch(request.actor, AuditPeriod, pk=audit_id)
    sees_values = selectors.sees_hourly_values(request.actor, audit)
    result = services.hit_list(request.actor, audit_id=audit.pk) if sees_values else None
    chart = None
    if result is not None:
        chart = {
            "labels": [r.category_name for r in result.rows],
            "savings": [r.saving_cents / 100 for r in result.rows],
        }
    return render(
        request,
        "selfaudit/audit_detail.html",
        {
            "audit": selectors.audits(request.actor).get(pk=audit.pk),
            "participants": selectors.participants(request.actor, audit),
            "sees_values": sees_values,
            "hit_list": result,
            "rows": [
                {
                    "row": r,
                    "saving": format_usd(r.saving_cents),
                    "rate": format_usd(r.market_rate_cents),
                    "explanation": r.explanation(result.weeks),
                }
                for r in result.rows
            ]
            if result
            else [],
            "total": format_usd(result.total_saving_cents) if result else None,
            "chart": chart,
        },
    )
