"""The firm's intake settings page (leads/settings/): the notice, states served, limits, the forms
and their questions, routing rules, the public URL, refusals and the webhook secret. Firm members
read it; owners change it (the services check the policy)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from counselbench.access.policy import Action, ActorRequest, can, fetch
from counselbench.core.errors import DomainError, Invalid, RuleViolation
from counselbench.intake.models import IntakeForm, IntakeProfile, QuestionKind
from counselbench.intake.services import intake as intake_services
from counselbench.intake.services import settings as services
from counselbench.talent.models import PracticeArea

HOME = "intake:intake_settings"
# What a form on this page shows as a message; a refusal of access stays a 403/404 page.
REFUSALS = (Invalid, RuleViolation)


def _refusal(request: ActorRequest, error: DomainError) -> None:
    detail = "; ".join(f"{f.path}: {f.message}" for f in error.fields)
    messages.error(request, error.message + (f" {detail}" if detail else ""))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return -1


@login_required
@require_http_methods(["GET"])
def overview(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    profile = services.profile(actor)
    forms = services.forms(actor)
    context: dict[str, Any] = {
        "profile": profile,
        "may_change": can(actor, Action.CHANGE, profile),
        "public_url": request.build_absolute_uri(
            reverse("intake:intake_notice", args=[profile.organization.slug])
        ),
        "masked_secret": services.masked(profile.webhook_secret),
        "forms": forms,
        "rules": services.routing_rules(actor),
        "people": services.assignable(actor),
        "refusals": intake_services.refusals_since(profile.organization_id, 7),
        "practice_areas": PracticeArea.choices,
        "jurisdictions": ", ".join(profile.jurisdictions),
    }
    return render(request, "intake/settings/overview.html", context)


@login_required
@require_http_methods(["POST"])
def update_profile(request: ActorRequest) -> HttpResponse:
    post = request.POST
    data = services.ProfileInput(
        enabled=post.get("enabled") == "on",
        notice_en=post.get("notice_en", ""),
        notice_es=post.get("notice_es", ""),
        jurisdictions=[s for s in post.get("jurisdictions", "").replace(",", " ").split() if s],
        response_target_minutes=_int(post.get("response_target_minutes")),
        submissions_per_hour=_int(post.get("submissions_per_hour")),
    )
    try:
        services.update_profile(request.actor, data=data)
        messages.success(request, "Intake settings saved.")
    except REFUSALS as error:
        _refusal(request, error)
    return redirect(HOME)


@login_required
@require_http_methods(["POST"])
def rotate_secret(request: ActorRequest) -> HttpResponse:
    services.rotate_webhook_secret(request.actor)
    messages.success(
        request, "A new webhook secret is set: give it to your telephony provider now."
    )
    return redirect(HOME)


@login_required
@require_http_methods(["GET"])
def reveal_secret(request: ActorRequest) -> HttpResponse:
    """The full secret, for the owner to copy into the telephony provider's settings."""
    profile = services.profile(request.actor)
    fetch(request.actor, IntakeProfile, Action.CHANGE, pk=profile.pk)
    response = HttpResponse(profile.webhook_secret, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def create_form(request: ActorRequest) -> HttpResponse:
    post = request.POST
    data = services.FormInput(
        practice_area=post.get("practice_area", ""),
        title_en=post.get("title_en", ""),
        title_es=post.get("title_es", ""),
        typical_value_cents=_dollars(post.get("typical_value", "")),
    )
    try:
        form = services.create_form(request.actor, data=data)
    except REFUSALS as error:
        _refusal(request, error)
        return redirect(HOME)
    messages.success(request, f"Form “{form.title_en}” created: now add its questions.")
    return redirect("intake:intake_settings_form", form.pk)


def _dollars(value: str) -> int | None:
    value = (value or "").replace(",", "").replace("$", "").strip()
    if not value:
        return None
    try:
        return round(float(value) * 100)
    except ValueError:
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def form_detail(request: ActorRequest, form_id: int) -> HttpResponse:
    actor = request.actor
    form = fetch(actor, IntakeForm, pk=form_id)
    if request.method == "POST":
        post = request.POST
        data = services.FormInput(
            title_en=post.get("title_en", ""),
            title_es=post.get("title_es", ""),
            active=post.get("active") == "on",
            typical_value_cents=_dollars(post.get("typical_value", "")) or 0,
        )
        try:
            services.update_form(actor, form_id=form.pk, data=data)
            messages.success(request, "Form saved.")
        except REFUSALS as error:
            _refusal(request, error)
        return redirect("intake:intake_settings_form", form.pk)
    questions = list(form.questions.all())
    for q in questions:
        q.choices_text = "\n".join(  # type: ignore[attr-defined]
            f"{c.get('value')} | {c.get('en')} | {c.get('es', '')}" for c in q.choices
        )
    context = {
        "form": form,
        "questions": questions,
        "kinds": QuestionKind.choices,
        "may_change": can(actor, Action.CHANGE, form),
        "typical_value": form.typical_value_cents / 100,
    }
    return render(request, "intake/settings/form.html", context)


def _question_input(post: Any) -> services.QuestionInput:
    choices = []
    for line in post.get("choices", "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        value = parts[0]
        choices.append(
            {
                "value": value,
                "en": parts[1] if len(parts) > 1 else value,
                "es": parts[2] if len(parts) > 2 else "",
            }
        )
    urgent = [v for v in post.get("urgent_values", "").replace(",", " ").split() if v]
    return services.QuestionInput(
        key=post.get("key", ""),
        label_en=post.get("label_en", ""),
        label_es=post.get("label_es", ""),
        kind=post.get("kind", "text"),
        required=post.get("required") == "on",
        position=_int(post.get("position")),
        choices=choices,
        urgent_values=urgent,
    )


@login_required
@require_http_methods(["POST"])
def add_question(request: ActorRequest, form_id: int) -> HttpResponse:
    try:
        services.add_question(request.actor, form_id=form_id, data=_question_input(request.POST))
        messages.success(request, "Question added.")
    except REFUSALS as error:
        _refusal(request, error)
    return redirect("intake:intake_settings_form", form_id)


@login_required
@require_http_methods(["POST"])
def change_question(request: ActorRequest, question_id: int) -> HttpResponse:
    try:
        if request.POST.get("delete"):
            form_id = _form_of_question(request, question_id)
            services.delete_question(request.actor, question_id=question_id)
            messages.success(request, "Question removed.")
            return redirect("intake:intake_settings_form", form_id)
        question = services.update_question(
            request.actor, question_id=question_id, data=_question_input(request.POST)
        )
        messages.success(request, "Question saved.")
        return redirect("intake:intake_settings_form", question.form_id)
    except REFUSALS as error:
        _refusal(request, error)
        return redirect("intake:intake_settings_form", _form_of_question(request, question_id))


def _form_of_question(request: ActorRequest, question_id: int) -> int:
    from counselbench.intake.models import IntakeQuestion

    return fetch(request.actor, IntakeQuestion, pk=question_id).form_id


@login_required
@require_http_methods(["POST"])
def set_route(request: ActorRequest) -> HttpResponse:
    try:
        services.set_route(
            request.actor,
            practice_area=request.POST.get("practice_area", ""),
            assignee_id=_int(request.POST.get("assignee_id")) or 0,
        )
        messages.success(request, "Routing rule saved.")
    except REFUSALS as error:
        _refusal(request, error)
    return redirect(HOME)


@login_required
@require_http_methods(["POST"])
def remove_route(request: ActorRequest, rule_id: int) -> HttpResponse:
    services.remove_route(request.actor, rule_id=rule_id)
    messages.success(request, "Routing rule removed.")
    return redirect(HOME)


urlpatterns: list = [
    path("leads/settings/", overview, name="intake_settings"),
    path("leads/settings/profile/", update_profile, name="intake_settings_profile"),
    path("leads/settings/webhook/rotate/", rotate_secret, name="intake_settings_rotate"),
    path("leads/settings/webhook/secret/", reveal_secret, name="intake_settings_secret"),
    path("leads/settings/forms/", create_form, name="intake_settings_forms"),
    path("leads/settings/forms/<int:form_id>/", form_detail, name="intake_settings_form"),
    path(
        "leads/settings/forms/<int:form_id>/questions/",
        add_question,
        name="intake_settings_add_question",
    ),
    path(
        "leads/settings/questions/<int:question_id>/",
        change_question,
        name="intake_settings_question",
    ),
    path("leads/settings/routes/", set_route, name="intake_settings_routes"),
    path(
        "leads/settings/routes/<int:rule_id>/delete/",
        remove_route,
        name="intake_settings_route_delete",
    ),
]
