"""Getting work into an audit from a time export: import a CSV, then categorize with suggestions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from counselbench.access.policy import Action, ActorRequest, fetch
from counselbench.core.errors import DomainError
from counselbench.selfaudit import csv_import, selectors, services
from counselbench.selfaudit.forms import ImportForm
from counselbench.selfaudit.models import AuditPeriod


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
