"""Contractor statements: the firm's billing people see every statement (overdue and due-soon ones
flagged), issue a pay period's statement, record its payment and export the unpaid ones as a CSV
batch for the bank; the supervising attorney reads their engagements' statements; a contractor
sees their own statements and whether (and when) they were paid. Writes go through
billing.services.statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch
from counselbench.billing import selectors
from counselbench.billing.forms import IssueStatementForm, PayoutForm
from counselbench.billing.models import ContractorStatement, PayoutMethod, StatementState
from counselbench.billing.services import statements as services
from counselbench.core.errors import DomainError, PermissionDenied
from counselbench.core.forms import add_domain_error
from counselbench.core.money import format_usd
from counselbench.core.pagination import page_of
from counselbench.engagements import selectors as engagement_selectors
from counselbench.engagements.models import LIVE_STATES, EngagementState
from counselbench.matters.views.matters import query_without_page
from counselbench.organizations.models import Role

WHO_READS = (
    "Statements are for the firm's billing people, the supervising attorneys, and the "
    "contractors they pay."
)


def _require_reader(actor: Actor) -> None:
    firm_side = actor.may_bill() or (actor.organization is not None and actor.role == Role.ATTORNEY)
    contractor = actor.organization is None and actor.is_professional
    if not (firm_side or contractor):
        raise PermissionDenied(WHO_READS)


def _day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def payment_status(statement: ContractorStatement, today: date) -> tuple[str, str]:
    """What a person reads about a statement's payment, and how loud: ok, warn or late."""
    if statement.state == StatementState.PAID:
        assert statement.paid_on is not None
        method = PayoutMethod(statement.paid_method).label if statement.paid_method else ""
        text = f"Paid on {_day(statement.paid_on)}"
        if method:
            text += f" by {method}"
        if statement.paid_reference:
            text += f", ref {statement.paid_reference}"
        return text, "ok"
    days = (statement.due_on - today).days
    if days < 0:
        return f"Overdue by {-days} day{'s' * (days != -1)}", "late"
    if days == 0:
        return "Due today", "warn"
    loud = "warn" if days <= services.DUE_SOON_DAYS else ""
    return f"Due in {days} day{'s' * (days != 1)}", loud


def _payable_engagements(actor: Actor) -> list:
    """The engagements a statement can be issued for: at work now, or ended (the final one)."""
    return list(
        engagement_selectors.engagements(actor)
        .filter(
            organization=actor.organization,
            state__in=(*LIVE_STATES, EngagementState.ENDED),
        )
        .order_by("professional__user__full_name", "title", "pk")
    )


def _alerts(actor: Actor, today: date) -> dict[str, Any] | None:
    if not actor.may_bill():
        return None
    org = actor.current_organization.pk

    def figures(rows) -> dict[str, int]:
        return rows.aggregate(count=Count("pk"), cents=Sum("amount_cents", default=0))

    return {
        "late": figures(services.late_statements(org, today)),
        "soon": figures(services.due_soon_statements(org, today)),
        "soon_days": services.DUE_SOON_DAYS,
    }


def _list_page(
    request: ActorRequest, *, status: int = 200, issue_form: IssueStatementForm | None = None
) -> HttpResponse:
    actor = request.actor
    _require_reader(actor)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    state = state if state in StatementState.values else ""
    raw_engagement = request.GET.get("engagement", "")
    engagement_id = (
        int(raw_engagement) if raw_engagement.isdigit() and len(raw_engagement) < 19 else None
    )
    page = page_of(
        request, selectors.statements(actor, state=state or None, engagement_id=engagement_id)
    )
    for statement in page:
        statement.status_text, statement.status_level = payment_status(statement, today)  # type: ignore[attr-defined]
    may_issue = can(actor, Action.CREATE, ContractorStatement)
    engagements = _payable_engagements(actor) if actor.organization is not None else []
    context = {
        "page": page,
        "query": query_without_page(request),
        "state": state,
        "states": StatementState.choices,
        "engagement_id": engagement_id,
        "engagements": engagements,
        "filtered": bool(state or engagement_id),
        "contractor_view": actor.organization is None,
        "may_issue": may_issue,
        "issue_form": issue_form
        or (IssueStatementForm(engagements=engagements) if may_issue else None),
        "alerts": _alerts(actor, today),
        "today": today,
    }
    return render(request, "billing/statements.html", context, status=status)


@login_required
@require_GET
def statement_list(request: ActorRequest) -> HttpResponse:
    return _list_page(request)


@login_required
@require_POST
def issue_statement(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    if not can(actor, Action.CREATE, ContractorStatement):
        raise PermissionDenied("Owners and billing staff pay contractors.")
    form = IssueStatementForm(request.POST, engagements=_payable_engagements(actor))
    status = 422
    if form.is_valid():
        try:
            statement = services.issue_statement(
                actor,
                engagement_id=form.cleaned_data["engagement_id"],
                on=form.cleaned_data["on"],
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                f"{statement.number} issued: {format_usd(statement.amount_cents, exact=True)} for "
                f"{_day(statement.period_start)} to {_day(statement.period_end)}, due "
                f"{_day(statement.due_on)}.",
            )
            return redirect("billing:statement", statement_id=statement.pk)
    return _list_page(request, status=status, issue_form=form)


@login_required
@require_GET
def payout_batch(request: ActorRequest) -> HttpResponse:
    body = services.payout_batch_csv(request.actor)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="contractor-payouts-{stamp}.csv"'
    return response


def _detail_page(
    request: ActorRequest,
    statement_id: int,
    *,
    status: int = 200,
    pay_form: PayoutForm | None = None,
) -> HttpResponse:
    actor = request.actor
    statement = fetch(
        actor,
        ContractorStatement,
        related=(
            "engagement__professional__user",
            "engagement__organization",
            "engagement__supervising_attorney",
            "paid_by",
        ),
        pk=statement_id,
    )
    today = timezone.localdate()
    statement.status_text, statement.status_level = payment_status(statement, today)  # type: ignore[attr-defined]
    may_pay = statement.state == StatementState.ISSUED and can(actor, Action.CHANGE, statement)
    context = {
        "statement": statement,
        "engagement": statement.engagement,
        "lines": list(statement.lines.all()),
        "may_pay": may_pay,
        "pay_form": pay_form
        or (
            PayoutForm(initial={"paid_on": today, "method": PayoutMethod.ACH}) if may_pay else None
        ),
        "contractor_view": actor.organization is None,
    }
    return render(request, "billing/statement.html", context, status=status)


@login_required
@require_GET
def statement_detail(request: ActorRequest, statement_id: int) -> HttpResponse:
    return _detail_page(request, statement_id)


@login_required
@require_POST
def pay_statement(request: ActorRequest, statement_id: int) -> HttpResponse:
    actor = request.actor
    statement = fetch(actor, ContractorStatement, Action.CHANGE, pk=statement_id)
    form = PayoutForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            paid = services.record_payout(
                actor,
                statement_id=statement.pk,
                data=services.PayoutInput(**form.cleaned_data),
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
            status = error.status
        else:
            assert paid.paid_on is not None
            messages.success(
                request,
                f"{paid.number} recorded as paid on {_day(paid.paid_on)} "
                f"({format_usd(paid.amount_cents, exact=True)}).",
            )
            return redirect("billing:statement", statement_id=paid.pk)
    return _detail_page(request, statement_id, status=status, pay_form=form)
