"""API: the firm's intake forms (one per practice area) and their questions. The front desk reads
them; the firm's owners create and change them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest, fetch, visible
from counselbench.core.schemas import InputSchema
from counselbench.intake.models import IntakeForm
from counselbench.intake.services import settings as services

router = Router(tags=["intake"])


class ChoiceSchema(Schema):
    value: str = Field(max_length=60)
    en: str = Field(max_length=120)
    es: str = Field("", max_length=120)


class IntakeQuestionOut(Schema):
    id: int
    position: int
    key: str
    kind: str
    label_en: str
    label_es: str
    required: bool
    choices: list[ChoiceSchema]
    urgent_values: list[str]


class FormOut(Schema):
    id: int
    organization_id: int
    practice_area: str
    title_en: str
    title_es: str
    active: bool
    typical_value_cents: int
    created_at: dt.datetime
    questions: list[IntakeQuestionOut]


class QuestionIn(InputSchema):
    key: str = Field(max_length=40, description="lowercase letters, digits, - or _")
    label_en: str = Field(max_length=200)
    label_es: str = Field("", max_length=200)
    kind: Literal["text", "choice", "yes_no"] = "text"
    required: bool = False
    position: int | None = Field(None, ge=0, le=1000)
    choices: list[ChoiceSchema] = Field(default_factory=list, max_length=20)
    urgent_values: list[str] = Field(default_factory=list, max_length=20)


class FormIn(InputSchema):
    practice_area: str = Field(max_length=30)
    title_en: str = Field(max_length=120)
    title_es: str = Field("", max_length=120)
    active: bool = True
    typical_value_cents: int = Field(0, ge=0, le=10_000_000_000)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=20)


class FormPatch(InputSchema):
    practice_area: str | None = Field(None, max_length=30)
    title_en: str | None = Field(None, max_length=120)
    title_es: str | None = Field(None, max_length=120)
    active: bool | None = None
    typical_value_cents: int | None = Field(None, ge=0, le=10_000_000_000)


def _question_input(q: QuestionIn) -> services.QuestionInput:
    return services.QuestionInput(
        key=q.key,
        label_en=q.label_en,
        label_es=q.label_es,
        kind=q.kind,
        required=q.required,
        position=q.position,
        choices=[c.dict() for c in q.choices],
        urgent_values=list(q.urgent_values),
    )


def _one(request: ActorRequest, form_id: int) -> IntakeForm:
    return fetch(request.auth, IntakeForm, pk=form_id)


@router.get("/intake/forms", response=list[FormOut], summary="The intake forms (front desk)")
@paginate
def list_forms(request: ActorRequest):
    return visible(request.auth, IntakeForm).prefetch_related("questions").order_by("practice_area")


@router.post("/intake/forms", response={201: FormOut}, summary="Create an intake form (owner)")
def create_form(request: ActorRequest, payload: FormIn):
    form = services.create_form(
        request.auth,
        data=services.FormInput(
            practice_area=payload.practice_area,
            title_en=payload.title_en,
            title_es=payload.title_es,
            active=payload.active,
            typical_value_cents=payload.typical_value_cents,
        ),
        questions=[_question_input(q) for q in payload.questions],
    )
    return Status(201, _one(request, form.pk))


@router.get("/intake/forms/{int:form_id}", response=FormOut, summary="One intake form")
def get_form(request: ActorRequest, form_id: int):
    return _one(request, form_id)


@router.patch("/intake/forms/{int:form_id}", response=FormOut, summary="Change a form (owner)")
def update_form(request: ActorRequest, form_id: int, payload: FormPatch):
    services.update_form(
        request.auth,
        form_id=form_id,
        data=services.FormInput(**payload.dict(exclude_unset=True)),
    )
    return _one(request, form_id)


@router.post(
    "/intake/forms/{int:form_id}/questions",
    response={201: IntakeQuestionOut},
    summary="Add a question to a form (owner)",
)
def add_question(request: ActorRequest, form_id: int, payload: QuestionIn):
    question = services.add_question(request.auth, form_id=form_id, data=_question_input(payload))
    return Status(201, question)


@router.put(
    "/intake/questions/{int:question_id}",
    response=IntakeQuestionOut,
    summary="Replace a question (owner)",
)
def update_question(request: ActorRequest, question_id: int, payload: QuestionIn):
    return services.update_question(
        request.auth, question_id=question_id, data=_question_input(payload)
    )


@router.delete(
    "/intake/questions/{int:question_id}", response={204: None}, summary="Remove a question"
)
def delete_question(request: ActorRequest, question_id: int):
    services.delete_question(request.auth, question_id=question_id)
    return Status(204, None)
