"""API schemas for clients, matters, parties, consent, screens, tasks and grants."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from counselbench.core.schemas import InputSchema, ObjectId
from counselbench.matters.models import (
    ClientKind,
    ConsentMethod,
    MatterStatus,
    PartyRole,
    TaskStatus,
)
from counselbench.talent.models import PracticeArea


class ClientContactIn(InputSchema):
    name: str = Field(..., max_length=200)
    title: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class ClientIn(InputSchema):
    kind: ClientKind = ClientKind.ORGANIZATION
    name: str = Field(..., max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=300)
    notes: str = Field("", max_length=5000)
    contacts: list[ClientContactIn] = Field(default_factory=list, max_length=50)


class ContactOut(Schema):
    name: str
    title: str
    email: str
    phone: str


class ClientOut(Schema):
    id: int
    kind: str
    name: str
    email: str
    phone: str
    address: str
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.all())


class PartyIn(InputSchema):
    name: str = Field(..., max_length=200)
    role: PartyRole


class PartiesIn(InputSchema):
    parties: list[PartyIn] = Field(..., min_length=1, max_length=100)


class PartyOut(Schema):
    id: int
    name: str
    role: str
    role_label: str = Field(..., alias="get_role_display")
    added_at: datetime


class MatterIn(InputSchema):
    client_id: ObjectId
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=10_000)
    number: str = Field("", max_length=40, description="Blank: the next YYYY-NNNN")
    jurisdiction: str = Field(..., min_length=2, max_length=2)
    practice_area: PracticeArea
    responsible_attorney_id: ObjectId | None = None
    opened_on: date | None = None
    parties: list[PartyIn] = Field(default_factory=list, max_length=100)


class MatterPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    status: MatterStatus | None = None
    practice_area: PracticeArea | None = None
    responsible_attorney_id: ObjectId | None = None


class ConsentIn(InputSchema):
    consented_by: str = Field(..., max_length=200)
    consented_on: date
    method: ConsentMethod
    scope: str = Field(..., max_length=5000)
    markup_disclosed: bool


class ConsentOut(Schema):
    id: int
    consented_by: str
    consented_on: date
    method: str
    scope: str
    markup_disclosed: bool
    recorded_by: str
    recorded_at: datetime
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return obj.recorded_by.display_name


class MatterOut(Schema):
    id: int
    number: str
    title: str
    description: str
    client_id: int
    client: str
    jurisdiction: str
    practice_area: str
    responsible_attorney_id: int
    responsible_attorney: str
    status: str
    opened_on: date
    closed_on: date | None
    consent_in_force: bool

    @staticmethod
    def resolve_client(obj) -> str:
        return obj.client.name

    @staticmethod
    def resolve_responsible_attorney(obj) -> str:
        return obj.responsible_attorney.display_name

    @staticmethod
    def resolve_consent_in_force(obj) -> bool:
        return bool(getattr(obj, "has_consent", False))


class ScreenIn(InputSchema):
    user_id: ObjectId
    reason: str = Field(..., max_length=300)


class ScreenOut(Schema):
    id: int
    user_id: int
    user: str
    reason: str
    created_by: str | None
    created_at: datetime
    removed_at: datetime | None

    @staticmethod
    def resolve_user(obj) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.display_name if obj.created_by else None


class MatterDetailOut(MatterOut):
    """Built from a matter the API decorates with `shown_parties`, `shown_consent` and
    `shown_screens` (read once each)."""

    parties: list[PartyOut] = Field(..., alias="shown_parties")
    consent: ConsentOut | None = Field(..., alias="shown_consent")
    screens: list[ScreenOut] = Field(..., alias="shown_screens")


# --- Tasks ---------------------------------------------------------------------------------------


class TaskIn(InputSchema):
    matter_id: ObjectId
    title: str = Field(..., max_length=200)
    instructions: str = Field("", max_length=20_000)
    category_id: ObjectId
    due_on: date | None = None
    estimate_minutes: int | None = Field(None, ge=1, le=100_000)
    attorney_review_required: bool = False
    assignee_id: ObjectId | None = Field(None, description="A firm member")
    engagement_id: ObjectId | None = Field(None, description="A contractor, by engagement")
    supervising_attorney_id: ObjectId | None = None


class TaskPatch(InputSchema):
    title: str | None = Field(None, max_length=200)
    instructions: str | None = Field(None, max_length=20_000)
    category_id: ObjectId | None = None
    due_on: date | None = None
    estimate_minutes: int | None = Field(None, ge=1, le=100_000)
    attorney_review_required: bool | None = None


class AssignIn(InputSchema):
    assignee_id: ObjectId | None = None
    engagement_id: ObjectId | None = None
    supervising_attorney_id: ObjectId | None = None


class TaskTransitionIn(InputSchema):
    to: TaskStatus
    note: str = Field("", max_length=10_000)


class CommentIn(InputSchema):
    body: str = Field(..., max_length=10_000)


class CommentOut(Schema):
    id: int
    author: str | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.display_name if obj.author else None


class TaskOut(Schema):
    id: int
    matter_id: int
    matter_number: str
    matter_title: str
    title: str
    category_id: int
    category: str
    level: str
    assignee_id: int | None
    assignee: str | None
    engagement_id: int | None
    supervising_attorney_id: int | None
    supervising_attorney: str | None
    due_on: date | None
    estimate_minutes: int | None
    status: str
    rework_count: int
    attorney_review_required: bool
    created_at: datetime
    started_at: datetime | None
    submitted_at: datetime | None
    done_at: datetime | None

    @staticmethod
    def resolve_matter_number(obj) -> str:
        return obj.matter.number

    @staticmethod
    def resolve_matter_title(obj) -> str:
        return obj.matter.title

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.category.level

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return obj.assignee.display_name if obj.assignee else None

    @staticmethod
    def resolve_supervising_attorney(obj) -> str | None:
        return obj.supervising_attorney.display_name if obj.supervising_attorney else None


class TaskMoveOut(Schema):
    to: str
    label: str
    note_required: bool


class AttachmentOut(Schema):
    document_id: int
    title: str
    attached_at: datetime


class TaskDetailOut(TaskOut):
    """Built from a task the API decorates with `moves`, `shown_comments` and
    `shown_documents`."""

    instructions: str
    moves: list[TaskMoveOut]
    comments: list[CommentOut] = Field(..., alias="shown_comments")
    documents: list[AttachmentOut] = Field(..., alias="shown_documents")


class AttachIn(InputSchema):
    document_id: ObjectId
    reason: str = Field("", max_length=300)


# --- Grants --------------------------------------------------------------------------------------


class GrantIn(InputSchema):
    task_id: ObjectId
    document_id: ObjectId
    reason: str = Field(..., min_length=1, max_length=300)


class RevokeIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300)


class GrantOut(Schema):
    id: int
    task_id: int
    document_id: int
    document: str
    grantee_id: int
    grantee: str
    engagement_id: int
    granted_by: str | None
    granted_at: datetime
    reason: str
    revoked_at: datetime | None
    revoke_reason: str
    in_effect: bool

    @staticmethod
    def resolve_document(obj) -> str:
        return obj.document.title

    @staticmethod
    def resolve_grantee(obj) -> str:
        return obj.grantee.display_name

    @staticmethod
    def resolve_granted_by(obj) -> str | None:
        return obj.granted_by.display_name if obj.granted_by else None

    @staticmethod
    def resolve_in_effect(obj) -> bool:
        return bool(getattr(obj, "in_effect", False))
