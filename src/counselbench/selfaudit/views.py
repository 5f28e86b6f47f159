"""Self-audit pages: the firm's audits and one audit's hit list."""

from django import forms
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
from counselbench.selfaudit import csv_import, selectors, services
from counselbench.selfaudit.forms import AuditForm, ChoiceForm, FitAnswerForm, ImportForm, RoiForm
from counselbench.selfaudit.models import AuditPeriod, LicenseLevel
from counselbench.selfaudit.roi import SOURCES


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


@login_required
@require_GET
def audit_summary(request: ActorRequest, audit_id: int) -> HttpResponse:
    """One printable page a partner can take to a meeting (the browser prints it to PDF)."""
    context = _roi_context(request, audit_id)
    result = services.hit_list(request.actor, audit_id=audit_id)
    context.update(
        {
            "hit_list": result,
            "total": format_usd(result.total_saving_cents),
            "top_rows": [(r, format_usd(r.saving_cents)) for r in result.rows[:8]],
        }
    )
    return render(request, "selfaudit/summary.html", context)


def _level_for(role: str) -> str:
    return "paralegal" if role == "staff" else "attorney"


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request: ActorRequest) -> HttpResponse:
    """Open an audit: name, period, and who takes part at what hourly value."""
    require(request.actor, Action.CREATE, AuditPeriod, "Only the firm's owner opens audits.")
    members = list(members_of(request.actor))
    form = AuditForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    errors = []
    if request.method == "POST" and form.is_valid():
        people = []
        for m in members:
            if request.POST.get(f"take_part_{m.user_id}"):
                try:
                    value = cents_from_dollars(request.POST.get(f"value_{m.user_id}", ""))
                except ValueError:
                    errors.append(f"Enter an hourly value for {m.user.display_name}.")
                    continue
                people.append(
                    services.ParticipantInput(
                        m.user_id, request.POST.get(f"level_{m.user_id}", ""), value
                    )
                )
        if not errors:
            try:
                audit = services.create_audit(
                    request.actor, participants=people, request=request, **form.cleaned_data
                )
            except DomainError as error:
                errors += [f.message for f in error.fields] or [error.message]
            else:
                messages.success(request, "Audit opened. Import a time export or log entries.")
                return redirect("selfaudit:audit_import", audit_id=audit.pk)
    rows = [
        {
            "m": m,
            "level": request.POST.get(f"level_{m.user_id}", _level_for(m.role)),
            "value": request.POST.get(f"value_{m.user_id}", ""),
            "checked": request.POST.get(
                f"take_part_{m.user_id}", "on" if request.method == "GET" else ""
            ),
        }
        for m in members
    ]
    return render(
        request,
        "selfaudit/audit_create.html",
        {"form": form, "rows": rows, "errors": errors, "levels": LicenseLevel.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_import(request: ActorRequest, audit_id: int) -> HttpResponse:
    """Upload → check (mapping, preview, errors by line) → confirm. Nothing is saved before."""
    audit = fetch(request.actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"audit": audit, "form": form, "fields": csv_import.FIELDS}
    if request.method == "POST" and form.is_valid():
        try:
            text = form.text()
        except forms.ValidationError as error:
            form.add_error("file", error)
            return render(request, "selfaudit/import.html", context)
        mapping = {
            f: request.POST[f"map_{f}"] for f in csv_import.FIELDS if request.POST.get(f"map_{f}")
        } or None
        try:
            if request.POST.get("confirm"):
                _, imported = services.import_csv(
                    request.actor,
                    audit_id=audit.pk,
                    csv_text=text,
                    mapping=mapping,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    request=request,
                )
                messages.success(request, f"Imported {imported} entries.")
                return redirect("selfaudit:audit_categorize", audit_id=audit.pk)
            preview = services.preview_import(
                request.actor, audit_id=audit.pk, csv_text=text, mapping=mapping
            )
        except DomainError as error:
            context["error"] = error
            if error.fields and error.fields[0].path.startswith(("rows.", "mapping.")):
                preview = services.preview_import(
                    request.actor, audit_id=audit.pk, csv_text=text, mapping=mapping
                )
            else:
                return render(request, "selfaudit/import.html", context, status=error.status)
        context.update(
            {
                "preview": preview,
                "csv_text": text,
                "sample": [(line, item) for line, item in preview.valid[:10]],
            }
        )
    return render(request, "selfaudit/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def audit_categorize(request: ActorRequest, audit_id: int) -> HttpResponse:
    """Uncategorized entries with a suggested category each; accept or change, then save."""
    audit = fetch(request.actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    if request.method == "POST":
        saved = 0
        for key, value in request.POST.items():
            if key.startswith("category_") and value.isdigit():
                try:
                    services.update_entry(
                        request.actor,
                        audit_id=audit.pk,
                        entry_id=int(key.removeprefix("category_")),
                        changes={"category_id": int(value)},
                        request=request,
                    )
                    saved += 1
                except DomainError as error:
                    if error.status in (403, 404):
                        raise
                    messages.error(request, error.message)
        messages.success(request, f"{saved} entries categorized. Suggestions learn from them.")
        return redirect("selfaudit:audit_categorize", audit_id=audit.pk)
    pairs = services.suggestions(request.actor, audit_id=audit.pk, limit=100)
    return render(
        request,
        "selfaudit/categorize.html",
        {
            "audit": audit,
            "pairs": pairs,
            "categories": selectors.task_categories(request.actor).order_by("name"),
        },
    )
