"""The firm's intake settings: its notice, the states it serves, its limits, the intake forms and
their questions, routing rules and the telephony webhook secret. Firm members read them (the
front desk reads the forms); owners change them (access policy, `_intake_settings_rule`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    QuestionKind,
    RoutingRule,
    new_secret,
)
from counselbench.intake.services.intake import US_STATES, config_changed
from counselbench.organizations.models import Membership, Role
from counselbench.talent.models import PracticeArea

NOTICE_MAX = 5000
QUESTIONS_MAX = 20
CHOICES_MAX = 20
WHO_CHANGES = "Only the firm's owners change the intake settings."
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _firm(actor: Actor) -> Any:
    if actor.organization is None or actor.organization.is_provider:
        raise PermissionDenied("The intake settings are the firm's own.")
    return actor.organization


def profile(actor: Actor) -> IntakeProfile:
    """The actor's firm's intake profile (created with the defaults on first use)."""
    firm = _firm(actor)
    found, _ = IntakeProfile.objects.get_or_create(organization=firm)
    require(actor, Action.VIEW, found, "The intake settings are for the firm's members.")
    return found


@dataclass
class ProfileInput:
    enabled: bool | None = None
    notice_en: str | None = None
    notice_es: str | None = None
    jurisdictions: list[str] | None = None
    response_target_minutes: int | None = None
    submissions_per_hour: int | None = None


def update_profile(actor: Actor, *, data: ProfileInput) -> IntakeProfile:
    found = profile(actor)
    require(actor, Action.CHANGE, found, WHO_CHANGES)
    errors: list[FieldError] = []
    for name in ("notice_en", "notice_es"):
        value = getattr(data, name)
        if value is not None and len(value) > NOTICE_MAX:
            errors.append(FieldError(name, f"The notice can be at most {NOTICE_MAX} characters."))
    states: list[str] | None = None
    if data.jurisdictions is not None:
        states = sorted({str(s).strip().upper() for s in data.jurisdictions if str(s).strip()})
        unknown = [s for s in states if s not in US_STATES]
        if unknown:
            errors.append(
                FieldError("jurisdictions", f"Not a US state code: {', '.join(unknown)}.")
            )
    if data.response_target_minutes is not None and not 1 <= data.response_target_minutes <= 10080:
        errors.append(
            FieldError("response_target_minutes", "Give a target between 1 minute and 7 days.")
        )
    if data.submissions_per_hour is not None and not 1 <= data.submissions_per_hour <= 1_000_000:
        errors.append(
            FieldError("submissions_per_hour", "Give a limit between 1 and 1,000,000 an hour.")
        )
    if errors:
        raise Invalid("Please correct the fields marked.", fields=errors)
    for name in ("enabled", "notice_en", "notice_es", "response_target_minutes"):
        if getattr(data, name) is not None:
            setattr(found, name, getattr(data, name))
    if data.submissions_per_hour is not None:
        found.submissions_per_hour = data.submissions_per_hour
    if states is not None:
        found.jurisdictions = states
    found.updated_at = timezone.now()
    found.save()
    return found


def rotate_webhook_secret(actor: Actor) -> IntakeProfile:
    found = profile(actor)
    require(actor, Action.CHANGE, found, WHO_CHANGES)
    found.webhook_secret = new_secret()
    found.updated_at = timezone.now()
    found.save(update_fields=["webhook_secret", "updated_at"])
    return found


def masked(secret: str) -> str:
    return "•" * 8 + secret[-4:] if secret else ""


# --- Forms and questions -------------------------------------------------------------------------


@dataclass
class QuestionInput:
    key: str
    label_en: str
    label_es: str = ""
    kind: str = QuestionKind.TEXT
    required: bool = False
    position: int | None = None
    choices: list[dict[str, str]] = field(default_factory=list)
    urgent_values: list[str] = field(default_factory=list)


@dataclass
class FormInput:
    practice_area: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    active: bool | None = None
    typical_value_cents: int | None = None


def _clean_question(q: QuestionInput, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    q.key = (q.key or "").strip().lower()
    if not _KEY.match(q.key):
        errors.append(
            FieldError(f"{path}.key", "Use lowercase letters, digits, - or _ (at most 40).")
        )
    q.label_en = (q.label_en or "").strip()
    q.label_es = (q.label_es or "").strip()
    if not q.label_en:
        errors.append(FieldError(f"{path}.label_en", "Give the question in English."))
    for lang in ("en", "es"):
        if len(getattr(q, f"label_{lang}")) > 200:
            errors.append(FieldError(f"{path}.label_{lang}", "At most 200 characters."))
    if q.kind not in QuestionKind.values:
        errors.append(FieldError(f"{path}.kind", "Choose text, choice or yes_no."))
    cleaned: list[dict[str, str]] = []
    if q.kind == QuestionKind.CHOICE:
        if not q.choices:
            errors.append(FieldError(f"{path}.choices", "A choice question needs its choices."))
        if len(q.choices) > CHOICES_MAX:
            errors.append(FieldError(f"{path}.choices", f"At most {CHOICES_MAX} choices."))
        seen: set[str] = set()
        for i, c in enumerate(q.choices[:CHOICES_MAX]):
            value = str(c.get("value", "")).strip()
            en = str(c.get("en", "")).strip()
            es = str(c.get("es", "")).strip()
            if not value or not en or value in seen or len(value) > 60 or len(en) > 120:
                errors.append(
                    FieldError(
                        f"{path}.choices[{i}]",
                        "Each choice needs a unique value and an English label.",
                    )
                )
            seen.add(value)
            cleaned.append({"value": value, "en": en, "es": es[:120]})
    q.choices = cleaned
    allowed = {"yes", "no"} if q.kind == QuestionKind.YES_NO else {c["value"] for c in cleaned}
    q.urgent_values = [str(v) for v in q.urgent_values or []]
    if q.kind == QuestionKind.TEXT and q.urgent_values:
        errors.append(FieldError(f"{path}.urgent_values", "Only choice and yes/no answers."))
    elif any(v not in allowed for v in q.urgent_values):
        errors.append(FieldError(f"{path}.urgent_values", "Mark only answers the question offers."))
    return errors


def _clean_form(data: FormInput, *, creating: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    if (creating or data.practice_area is not None) and (
        data.practice_area not in PracticeArea.values
    ):
        errors.append(FieldError("practice_area", "Choose a practice area."))
    for name in ("title_en", "title_es"):
        value = getattr(data, name)
        if value is not None:
            setattr(data, name, value.strip())
            if len(value.strip()) > 120:
                errors.append(FieldError(name, "At most 120 characters."))
    if creating and not data.title_en:
        errors.append(FieldError("title_en", "Give the form a title in English."))
    if data.title_en is not None and not creating and not data.title_en:
        errors.append(FieldError("title_en", "Give the form a title in English."))
    value = data.typical_value_cents
    if value is not None and not 0 <= value <= 100_000_000_00:
        errors.append(FieldError("typical_value_cents", "Give a value between $0 and $100M."))
    return errors


def forms(actor: Actor) -> list[IntakeForm]:
    return list(visible(actor, IntakeForm).prefetch_related("questions").order_by("practice_area"))


def create_form(
    actor: Actor, *, data: FormInput, questions: list[QuestionInput] | None = None
) -> IntakeForm:
    firm = _firm(actor)
    require(actor, Action.CREATE, IntakeForm, WHO_CHANGES)
    questions = questions or []
    errors = _clean_form(data, creating=True)
    if len(questions) > QUESTIONS_MAX:
        errors.append(FieldError("questions", f"At most {QUESTIONS_MAX} questions."))
    keys: set[str] = set()
    for i, q in enumerate(questions):
        errors += _clean_question(q, f"questions[{i}]")
        if q.key in keys:
            errors.append(FieldError(f"questions[{i}].key", "Each question needs its own key."))
        keys.add(q.key)
    if errors:
        raise Invalid("Please correct the fields marked.", fields=errors)
    try:
        with transaction.atomic():
            form = IntakeForm.objects.create(
                organization=firm,
                practice_area=data.practice_area or "",
                title_en=data.title_en or "",
                title_es=data.title_es or "",
                active=True if data.active is None else data.active,
                typical_value_cents=data.typical_value_cents or 0,
            )
            for i, q in enumerate(questions):
                _save_question(form, q, default_position=i + 1)
            config_changed(firm.pk)
    except IntegrityError:
        raise Invalid.field(
            "practice_area", "The firm already has a form for this practice area."
        ) from None
    return form


def update_form(actor: Actor, *, form_id: int, data: FormInput) -> IntakeForm:
    form = fetch(actor, IntakeForm, Action.CHANGE, pk=form_id)
    errors = _clean_form(data, creating=False)
    if errors:
        raise Invalid("Please correct the fields marked.", fields=errors)
    for name in ("practice_area", "title_en", "title_es", "active", "typical_value_cents"):
        if getattr(data, name) is not None:
            setattr(form, name, getattr(data, name))
    try:
        with transaction.atomic():
            form.save()
            config_changed(form.organization_id)
    except IntegrityError:
        raise Invalid.field(
            "practice_area", "The firm already has a form for this practice area."
        ) from None
    return form


def _save_question(
    form: IntakeForm,
    q: QuestionInput,
    *,
    default_position: int,
    existing: IntakeQuestion | None = None,
) -> IntakeQuestion:
    question = existing or IntakeQuestion(form=form)
    question.key = q.key
    question.kind = q.kind
    question.label_en = q.label_en
    question.label_es = q.label_es
    question.required = q.required
    question.position = q.position if q.position is not None else default_position
    question.choices = q.choices
    question.urgent_values = q.urgent_values
    question.save()
    return question


def add_question(actor: Actor, *, form_id: int, data: QuestionInput) -> IntakeQuestion:
    form = fetch(actor, IntakeForm, Action.CHANGE, pk=form_id)
    errors = _clean_question(data, "question")
    count = form.questions.count()
    if count >= QUESTIONS_MAX:
        raise RuleViolation("intake_too_many_questions", f"A form has at most {QUESTIONS_MAX}.")
    if errors:
        raise Invalid("Please correct the fields marked.", fields=errors)
    if form.questions.filter(key=data.key).exists():
        raise Invalid.field("question.key", "The form already has a question with this key.")
    question = _save_question(form, data, default_position=count + 1)
    config_changed(form.organization_id)
    return question


def update_question(actor: Actor, *, question_id: int, data: QuestionInput) -> IntakeQuestion:
    question = fetch(actor, IntakeQuestion, Action.CHANGE, pk=question_id, related=("form",))
    errors = _clean_question(data, "question")
    if errors:
        raise Invalid("Please correct the fields marked.", fields=errors)
    if question.form.questions.filter(key=data.key).exclude(pk=question.pk).exists():
        raise Invalid.field("question.key", "The form already has a question with this key.")
    saved = _save_question(
        question.form, data, default_position=question.position, existing=question
    )
    config_changed(question.form.organization_id)
    return saved


def delete_question(actor: Actor, *, question_id: int) -> None:
    question = fetch(actor, IntakeQuestion, Action.DELETE, pk=question_id, related=("form",))
    question.delete()
    config_changed(question.form.organization_id)


# --- Routing -------------------------------------------------------------------------------------


def routing_rules(actor: Actor) -> list[RoutingRule]:
    return list(visible(actor, RoutingRule).select_related("assignee"))


def assignable(actor: Actor) -> list[Any]:
    """The firm's people a lead may be routed to (its owners, attorneys and staff)."""
    firm = _firm(actor)
    return [
        m.user
        for m in Membership.objects.filter(
            organization=firm, role__in=[Role.OWNER, Role.ATTORNEY, Role.STAFF]
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ]


def set_route(actor: Actor, *, practice_area: str, assignee_id: int) -> RoutingRule:
    """Route new leads of `practice_area` ('' = any area without its own rule) to a person."""
    firm = _firm(actor)
    require(actor, Action.CREATE, RoutingRule, WHO_CHANGES)
    if practice_area and practice_area not in PracticeArea.values:
        raise Invalid.field("practice_area", "Choose a practice area (or any area).")
    person = next((u for u in assignable(actor) if u.pk == assignee_id), None)
    if person is None:
        raise Invalid.field("assignee_id", "Choose a member of the firm.")
    rule, _ = RoutingRule.objects.update_or_create(
        organization=firm, practice_area=practice_area, defaults={"assignee": person}
    )
    config_changed(firm.pk)
    return rule


def remove_route(actor: Actor, *, rule_id: int) -> None:
    rule = fetch(actor, RoutingRule, Action.DELETE, pk=rule_id)
    rule.delete()
    config_changed(rule.organization_id)
