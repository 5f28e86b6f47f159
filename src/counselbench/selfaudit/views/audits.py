"""Audit pages: the list, opening an audit, and its hit list with the fit test and the choice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselbench.access.policy import Action, ActorRequest, can, fetch, require
from counselbench.core.errors import DomainError
from counselbench.core.money import cents_from_dollars, format_usd
from counselbench.core.pagination import page_of
from counselbench.organizations.selectors import members as members_of
from counselbench.selfaudit import selectors, services
from counselbench.selfaudit.forms import AuditForm, ChoiceForm, FitAnswerForm
from counselbench.selfaudit.models import AuditPeriod, LicenseLevel


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
            "may_answer": can(request.actor, Action.CHANGE, audit),
            "may_edit_audit": can(request.actor, Action.CHANGE, audit),
            "recommendation": result.recommendation if result else None,
            "chosen": audit.chosen_category,
            "candidates": [r for r in result.rows if not r.no_saving] if result else [],
            "rows": [
                {
                    "row": r,
                    "fit": result.answers.get(r.category_id),
                    "fit_form": FitAnswerForm(
                        answer=result.answers.get(r.category_id), prefix=f"fit{r.category_id}"
                    ),
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


@login_required
@require_POST
def answer_fit_test(request: ActorRequest, audit_id: int, category_id: int) -> HttpResponse:
    form = FitAnswerForm(request.POST, prefix=f"fit{category_id}")
    target = reverse("selfaudit:audit_detail", args=[audit_id]) + f"#category-{category_id}"
    if form.is_valid():
        try:
            answer = services.answer_fit_test(
                request.actor,
                audit_id=audit_id,
                category_id=category_id,
                answers=form.cleaned_data,
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Fit test saved: {answer.category.name} is {answer.verdict.replace('-', ' ')}.",
            )
    return redirect(target)


@login_required
@require_POST
def choose_process(request: ActorRequest, audit_id: int) -> HttpResponse:
    form = ChoiceForm(request.POST)
    if form.is_valid():
        try:
            audit = services.choose_process(
                request.actor,
                audit_id=audit_id,
                category_id=form.cleaned_data["category_id"],
                request=request,
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            messages.error(request, error.message)
        else:
            if audit.chosen_category:
                messages.success(
                    request, f"{audit.chosen_category.name} is the process to outsource first."
                )
    return redirect("selfaudit:audit_detail", audit_id=audit_id)


def _level_for(role: str) -> str:
    return "paralegal" if role == "staff" else "attorney"


def _participant_rows(request: ActorRequest, members, current: dict) -> tuple[list, list, list]:
    """The "who takes part" table: (rows to show, ParticipantInput for each ticked row, errors).
    `current` maps user id → Participant for an existing audit: they stay ticked (nobody is
    removed) and their level and value are the starting point."""
    rows, people, errors = [], [], []
    posted = request.method == "POST"
    for m in members:
        existing = current.get(m.user_id)
        level = existing.level if existing else _level_for(m.role)
        value = f"{existing.hourly_value_cents / 100:.2f}" if existing else ""
        checked = bool(existing) or (not posted and not current)
        if posted:
            level = request.POST.get(f"level_{m.user_id}", level)
            value = request.POST.get(f"value_{m.user_id}", "")
            checked = bool(existing) or bool(request.POST.get(f"take_part_{m.user_id}"))
        rows.append(
            {"m": m, "level": level, "value": value, "checked": checked, "fixed": bool(existing)}
        )
        if posted and checked:
            try:
                cents = cents_from_dollars(value)
            except ValueError:
                errors.append(f"Enter an hourly value for {m.user.display_name}.")
                continue
            people.append(services.ParticipantInput(m.user_id, level, cents))
    return rows, people, errors


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request: ActorRequest) -> HttpResponse:
    """Open an audit: name, period, and who takes part at what hourly value."""
    require(request.actor, Action.CREATE, AuditPeriod, "Only the firm's owner opens audits.")
    members = list(members_of(request.actor))
    form = AuditForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    rows, people, errors = _participant_rows(request, members, {})
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            audit = services.create_audit(
                request.actor, participants=people, request=request, **form.cleaned_data
            )
        except DomainError as error:
            errors += [f.message for f in error.fields] or [error.message]
        else:
            messages.success(request, "Audit opened. Import a time export or log entries.")
            return redirect("selfaudit:audit_import", audit_id=audit.pk)
    return render(
        request,
        "selfaudit/audit_create.html",
        {"form": form, "rows": rows, "errors": errors, "levels": LicenseLevel.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_edit(request: ActorRequest, audit_id: int) -> HttpResponse:
    """Rename or re-date the audit, add people, correct levels and hourly values (owners)."""
    audit = fetch(request.actor, AuditPeriod, Action.CHANGE, pk=audit_id)
    current = {p.user_id: p for p in audit.participants.all()}
    form = AuditForm(
        request.POST or None,
        initial={"name": audit.name, "starts_on": audit.starts_on, "ends_on": audit.ends_on},
    )
    rows, people, errors = _participant_rows(request, list(members_of(request.actor)), current)
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            services.edit_audit(
                request.actor,
                audit_id=audit.pk,
                participants=people,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as error:
            errors += [f.message for f in error.fields] or [error.message]
        else:
            messages.success(request, "Audit saved. The hit list uses the new values.")
            return redirect("selfaudit:audit_detail", audit_id=audit.pk)
    return render(
        request,
        "selfaudit/audit_create.html",
        {
            "form": form,
            "rows": rows,
            "errors": errors,
            "levels": LicenseLevel.choices,
            "audit": audit,
        },
        status=422 if errors or form.errors else 200,
    )
