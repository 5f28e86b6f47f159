"""Tasks on matters: creation, assignment behind the unauthorized-practice guard (PRODUCT §2.3),
the todo → in progress → submitted → needs rework → done flow with the supervising attorney's
review, and comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, can, fetch, require
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, PermissionDenied, RuleViolation
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.engagements.services import onboarding, refuse_attorney_work
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.models import (
    Grant,
    Matter,
    Task,
    TaskComment,
    TaskDocument,
    TaskEvent,
    TaskReview,
    TaskStatus,
)
from counselbench.matters.services import grants
from counselbench.matters.services.matters import (
    ATTORNEY_ROLES,
    firm_attorney,
    is_screened,
    require_open,
)
from counselbench.organizations.models import Membership, Role
from counselbench.selfaudit.models import LEVEL_RANK, LicenseLevel, TaskCategory
from counselbench.talent.models import BarStatus, ProfessionalProfile, ProfessionalRole

# The highest level of work each kind of professional may take (the UPL guard's first question).
PROFESSIONAL_LEVEL = {
    ProfessionalRole.CONTRACT_ATTORNEY: LicenseLevel.ATTORNEY,
    ProfessionalRole.PARALEGAL: LicenseLevel.PARALEGAL,
    ProfessionalRole.LEGAL_ASSISTANT: LicenseLevel.ADMINISTRATIVE,
    ProfessionalRole.INTAKE_SPECIALIST: LicenseLevel.ADMINISTRATIVE,
    ProfessionalRole.VIRTUAL_RECEPTIONIST: LicenseLevel.ADMINISTRATIVE,
}
# Firm members: owners and attorneys are the firm's lawyers; staff do paralegal-level work.
MEMBER_LEVEL = {
    Role.OWNER: LicenseLevel.ATTORNEY,
    Role.ATTORNEY: LicenseLevel.ATTORNEY,
    Role.STAFF: LicenseLevel.PARALEGAL,
}


# --- The state machine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    label: str
    by: Action  # WORK: the assignee; REVIEW: the supervising attorney
    note_required: bool = False


S = TaskStatus
FLOW: dict[tuple[str, str], Move] = {
    (S.TODO, S.IN_PROGRESS): Move("Start", Action.WORK),
    (S.IN_PROGRESS, S.SUBMITTED): Move("Submit for review", Action.WORK),
    (S.NEEDS_REWORK, S.IN_PROGRESS): Move("Resume", Action.WORK),
    (S.NEEDS_REWORK, S.SUBMITTED): Move("Resubmit", Action.WORK),
    (S.SUBMITTED, S.NEEDS_REWORK): Move("Send back for rework", Action.REVIEW, note_required=True),
    (S.SUBMITTED, S.DONE): Move("Approve: done", Action.REVIEW),
}


def moves_for(actor: Actor, task: Task) -> list[tuple[str, Move]]:
    """The moves this actor may make now (what the page and the API offer)."""
    return [
        (to, move)
        for (frm, to), move in FLOW.items()
        if frm == task.status and _may_move(actor, task, move)
    ]


def _may_move(actor: Actor, task: Task, move: Move) -> bool:
    if move.by == Action.REVIEW and task.attorney_review_required:
        return task.supervising_attorney_id == getattr(actor.user, "pk", None) or (
            task.supervising_attorney_id is None and actor.role in ATTORNEY_ROLES
        )
    return can(actor, move.by, task)


# --- Creating and editing ------------------------------------------------------------------------


def _category(organization_id: int, category_id: Any, errors: list[FieldError]):
    category = (
        TaskCategory.objects.filter(
            organization_id=organization_id, pk=category_id, retired_at__isnull=True
        ).first()
        if isinstance(category_id, int)
        else None
    )
    if category is None:
        errors.append(FieldError("category_id", "Choose one of the firm's task categories."))
    return category


def _details(task: Task, data: dict[str, Any], errors: list[FieldError]) -> None:
    if "title" in data:
        task.title = str(data["title"] or "").strip()
        if not task.title or len(task.title) > 200:
            errors.append(FieldError("title", "Required, at most 200 characters."))
    if "instructions" in data:
        task.instructions = str(data["instructions"] or "").strip()
        if len(task.instructions) > 20_000:
            errors.append(FieldError("instructions", "At most 20,000 characters."))
    if "due_on" in data:
        if data["due_on"] is not None and not isinstance(data["due_on"], date):
            errors.append(FieldError("due_on", "A date."))
        task.due_on = data["due_on"]
    if "estimate_minutes" in data:
        value = data["estimate_minutes"]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000
        ):
            errors.append(FieldError("estimate_minutes", "Minutes, from 1 to 100,000."))
        task.estimate_minutes = value
    if "attorney_review_required" in data:
        if not isinstance(data["attorney_review_required"], bool):
            errors.append(FieldError("attorney_review_required", "true or false."))
        task.attorney_review_required = bool(data["attorney_review_required"])


def create_task(
    actor: Actor,
    *,
    matter_id: int,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Task:
    """Create a task; with `assignee_id` or `engagement_id` in `data` it is assigned at once,
    through the same guard as `assign_task`."""
    require(actor, Action.CREATE, Task, "Members of the firm create tasks.")
    matter = fetch(actor, Matter, pk=matter_id)
    require_open(matter)
    errors: list[FieldError] = []
    task = Task(organization=matter.organization, matter=matter, created_by=actor.user)
    task.category = _category(matter.organization_id, data.get("category_id"), errors)
    _details(task, {"title": "", **data}, errors)
    if errors:
        raise Invalid("Some task details are not valid.", fields=errors)
    with transaction.atomic():
        task.save()
        TaskEvent.objects.create(task=task, to_status=task.status, actor=actor.user)
        log.record(
            "tasks.created", actor=actor, obj=task, request=request, detail={"matter_id": matter.pk}
        )
        if data.get("assignee_id") is not None or data.get("engagement_id") is not None:
            task = assign_task(
                actor,
                task_id=task.pk,
                assignee_id=data.get("assignee_id"),
                engagement_id=data.get("engagement_id"),
                supervising_attorney_id=data.get("supervising_attorney_id"),
                request=request,
            )
        elif data.get("supervising_attorney_id") is not None:
            task.supervising_attorney = firm_attorney(
                matter.organization_id, data["supervising_attorney_id"], "supervising_attorney_id"
            )
            task.save(update_fields=["supervising_attorney"])
    return task


def update_task(
    actor: Actor, *, task_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> Task:
    task = fetch(actor, Task, Action.CHANGE, pk=task_id)
    if not task.is_open:
        raise RuleViolation(Code.TASK_CLOSED, "The task is done; it can no longer be edited.")
    errors: list[FieldError] = []
    _details(task, changes, errors)
    if "category_id" in changes:
        task.category = _category(task.organization_id, changes["category_id"], errors)
    if errors:
        raise Invalid("Some task details are not valid.", fields=errors)
    with transaction.atomic():
        if task.assignee_id is not None and "category_id" in changes:
            # A new category may need a higher license: the assignee must still pass the guard.
            _guard(task, task.assignee, task.engagement, task.supervising_attorney)
        task.save()
        log.record(
            "tasks.changed",
            actor=actor,
            obj=task,
            request=request,
            detail={"fields": sorted(changes), "matter_id": task.matter_id},
        )
    return task


# --- Assignment and the unauthorized-practice guard ----------------------------------------------


def _level_name(level: str) -> str:
    return LicenseLevel(level).label.lower()


def _guard(
    task: Task, assignee: User | None, engagement: Engagement | None, supervisor: User | None
) -> None:
    """PRODUCT §2.3: attorney-level work only to an attorney admitted in the matter's
    jurisdiction, never through a marketplace that disclaims agency (ABA Model Rule 5.4), every
    contractor task supervised by a firm attorney (ABA Model Rule 5.3), and nobody screened."""
    level = task.category.level
    matter = task.matter
    if assignee is not None and is_screened(matter, assignee):
        raise RuleViolation(
            Code.SCREENED,
            f"{assignee.display_name} is screened from matter {matter.number}.",
            unblock="Assign someone who is not screened from the matter.",
        )
    if engagement is None:
        role = (
            Membership.objects.filter(user=assignee, organization_id=task.organization_id)
            .values_list("role", flat=True)
            .first()
        )
        allowed = MEMBER_LEVEL.get(Role(role)) if role else None
        if allowed is None or LEVEL_RANK[level] > LEVEL_RANK[allowed]:
            raise RuleViolation(
                Code.UPL_NOT_ATTORNEY if level == LicenseLevel.ATTORNEY else Code.UPL_LEVEL,
                f"“{task.category.name}” is {_level_name(level)}-level work; only the firm's "
                "attorneys may do it (unauthorized practice of law).",
                unblock="Assign it to an attorney of the firm.",
            )
        return
    professional: ProfessionalProfile = engagement.professional
    supervises = (
        supervisor is not None
        and Membership.objects.filter(
            user=supervisor, organization_id=task.organization_id, role__in=ATTORNEY_ROLES
        ).exists()
    )
    if not supervises:
        raise RuleViolation(
            Code.SUPERVISOR_REQUIRED,
            "Every contractor task needs a supervising attorney who is an attorney of the firm "
            "(ABA Model Rule 5.3).",
            unblock="Choose the supervising attorney (an owner or attorney of the firm).",
        )
    allowed = PROFESSIONAL_LEVEL[ProfessionalRole(professional.role)]
    if level == LicenseLevel.ATTORNEY:
        if allowed != LicenseLevel.ATTORNEY:
            raise RuleViolation(
                Code.UPL_NOT_ATTORNEY,
                f"“{task.category.name}” is attorney-level work and "
                f"{professional.user.display_name} is a {professional.get_role_display().lower()},"
                " not an attorney: assigning it would be the unauthorized practice of law.",
                unblock="Assign it to an attorney admitted in "
                f"{matter.jurisdiction}, or choose paralegal-level work.",
            )
        admitted = professional.bar_admissions.filter(
            state=matter.jurisdiction, status=BarStatus.ACTIVE, verified_at__isnull=False
        ).exists()
        if not admitted:
            raise RuleViolation(
                Code.UPL_NOT_ADMITTED,
                f"{professional.user.display_name} has no verified, active admission in "
                f"{matter.jurisdiction}, where matter {matter.number} is: attorney-level work "
                "there would be the unauthorized practice of law.",
                unblock=f"Assign an attorney admitted in {matter.jurisdiction}, or have their "
                "admission verified first.",
            )
        refuse_attorney_work(engagement)  # ABA Model Rule 5.4: no fee-sharing via a marketplace
    elif LEVEL_RANK[level] > LEVEL_RANK[allowed]:
        raise RuleViolation(
            Code.UPL_LEVEL,
            f"“{task.category.name}” is {_level_name(level)}-level work; "
            f"{professional.user.display_name} is a {professional.get_role_display().lower()}.",
            unblock=f"Assign it to someone qualified for {_level_name(level)} work.",
        )


def assign_task(
    actor: Actor,
    *,
    task_id: int,
    assignee_id: int | None = None,
    engagement_id: int | None = None,
    supervising_attorney_id: int | None = None,
    request: HttpRequest | None = None,
) -> Task:
    """Give the task to a firm member (`assignee_id`) or to a contractor through their engagement
    (`engagement_id`). Refusals name the rule and what would unblock it, and change nothing."""
    task = fetch(actor, Task, Action.ASSIGN, pk=task_id)
    if not task.is_open:
        raise RuleViolation(Code.TASK_CLOSED, "The task is done; it cannot be reassigned.")
    require_open(task.matter)
    if (assignee_id is None) == (engagement_id is None):
        raise Invalid.field(
            "assignee_id", "Give either a firm member (assignee_id) or an engagement_id."
        )
    supervisor = task.supervising_attorney
    if supervising_attorney_id is not None:
        supervisor = firm_attorney(
            task.organization_id, supervising_attorney_id, "supervising_attorney_id"
        )
    engagement = None
    if engagement_id is not None:
        engagement = (
            Engagement.objects.filter(organization_id=task.organization_id, pk=engagement_id)
            .select_related("professional__user")
            .first()
            if isinstance(engagement_id, int)
            else None
        )
        if engagement is None:
            raise Invalid.field("engagement_id", "Choose one of the firm's engagements.")
        if engagement.state not in LIVE_STATES:
            raise RuleViolation(
                Code.ENGAGEMENT_NOT_LIVE,
                f"The engagement is {engagement.get_state_display().lower()}; only a "
                "professional in trial or active engagement can take tasks.",
                unblock="Move the engagement to trial first.",
            )
        assignee = engagement.professional.user
        supervisor = supervisor or engagement.supervising_attorney
    else:
        member = (
            User.objects.filter(
                pk=assignee_id, memberships__organization_id=task.organization_id
            ).first()
            if isinstance(assignee_id, int)
            else None
        )
        if member is None:
            raise Invalid.field("assignee_id", "Choose a member of the firm.")
        assignee = member
    _guard(task, assignee, engagement, supervisor)
    if (
        engagement is not None
        and not engagement.tasks.exists()
        and not onboarding.acknowledged(engagement)
    ):
        raise RuleViolation(
            Code.GUIDE_NOT_ACKNOWLEDGED,
            f"{assignee.display_name} has not acknowledged the firm's “How We Work” guide "
            "yet; it comes before the first task.",
            unblock="Ask them to read and acknowledge the guide on their engagement page.",
        )
    previous = (task.assignee_id, task.engagement_id)
    with transaction.atomic():
        task.assignee, task.engagement, task.supervising_attorney = assignee, engagement, supervisor
        if engagement is not None:
            grants.require_contractor_access(task)
        task.save(update_fields=["assignee", "engagement", "supervising_attorney"])
        if previous != (assignee.pk, getattr(engagement, "pk", None)):
            grants.revoke_grants(
                Grant.objects.filter(task=task, revoked_at__isnull=True).exclude(grantee=assignee),
                by=actor.user,
                reason="The task was reassigned.",
            )
        grants.grant_attachments(task, by=actor.user)
        log.record(
            "tasks.assigned",
            actor=actor,
            obj=task,
            request=request,
            detail={
                "matter_id": task.matter_id,
                "assignee_id": assignee.pk,
                "engagement_id": getattr(engagement, "pk", None),
                "supervising_attorney_id": getattr(supervisor, "pk", None),
                "level": task.category.level,
            },
        )
    return task


# --- Transitions ---------------------------------------------------------------------------------


def transition(
    actor: Actor,
    *,
    task_id: int,
    to: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Task:
    task = fetch(actor, Task, pk=task_id)
    move = FLOW.get((task.status, to))
    if move is None:
        allowed = [t for (f, t) in FLOW if f == task.status]
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            f"A task that is {task.get_status_display().lower()} cannot move to “{to}”.",
            unblock=f"Allowed next: {', '.join(allowed) or 'none (the task is done)'}.",
        )
    if move.by == Action.WORK and task.assignee_id is None:
        raise RuleViolation(Code.NOT_ASSIGNED, "Assign the task first.", unblock="Assign it.")
    if not _may_move(actor, task, move):
        # A firm lawyer who could otherwise accept the work is told which rule stops them.
        if (
            move.by == Action.REVIEW
            and task.attorney_review_required
            and actor.role in ATTORNEY_ROLES
        ):
            raise RuleViolation(
                Code.REVIEW_REQUIRED,
                "This work requires the supervising attorney's own review before it is done.",
                unblock=f"Ask {_name(task.supervising_attorney) or 'an attorney'} to review it.",
            )
        who = "the assignee" if move.by == Action.WORK else "the supervising attorney"
        raise PermissionDenied(f"Only {who} can do that.")
    note = (note or "").strip()
    if move.note_required and not note:
        raise Invalid.field("note", "Say what needs to change.")
    if len(note) > 10_000:
        raise Invalid.field("note", "At most 10,000 characters.")
    now, expected = timezone.now(), task.status
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != expected:
            raise RuleViolation(Code.TRANSITION_NOT_ALLOWED, "The task changed; reload it.")
        frm, task.status, task.state_changed_at = task.status, to, now
        fields = ["status", "state_changed_at"]
        if to == S.IN_PROGRESS and task.started_at is None:
            task.started_at = now
            fields.append("started_at")
        if to == S.SUBMITTED:
            task.submitted_at = now
            fields.append("submitted_at")
        if to == S.NEEDS_REWORK:
            task.rework_count += 1
            fields.append("rework_count")
        if to == S.DONE:
            task.done_at = now
            fields.append("done_at")
        task.save(update_fields=fields)
        TaskEvent.objects.create(
            task=task, from_status=frm, to_status=to, actor=actor.user, at=now, note=note
        )
        if move.by == Action.REVIEW:
            TaskReview.objects.create(
                task=task,
                reviewer=actor.authenticated_user,
                outcome=TaskReview.Outcome.APPROVED if to == S.DONE else TaskReview.Outcome.REWORK,
                notes=note,
                reviewed_at=now,
            )
        if to == S.DONE:
            grants.revoke_for_task(task, by=actor.user, reason="The task is done.")
        log.record(
            "tasks.transitioned",
            actor=actor,
            organization=task.organization_id,
            obj=task,
            request=request,
            detail={"from": frm, "to": to, "matter_id": task.matter_id},
        )
    return task


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


# --- Comments ------------------------------------------------------------------------------------


def comment(
    actor: Actor, *, task_id: int, body: str, request: HttpRequest | None = None
) -> TaskComment:
    """Anyone who sees the task may comment on it (the contractor on theirs)."""
    task = fetch(actor, Task, pk=task_id)
    body = (body or "").strip()
    if not body or len(body) > 10_000:
        raise Invalid.field("body", "Write a comment (at most 10,000 characters).")
    return TaskComment.objects.create(task=task, author=actor.user, body=body)


def upload_work_product(
    actor: Actor,
    *,
    task_id: int,
    title: str,
    upload: Any,
    request: HttpRequest | None = None,
):
    """The assignee attaches their work product to the task: a new matter document, encrypted,
    attached to the task, and granted to them when they are a contractor."""
    from counselbench.matters.services.documents import create_document

    task = fetch(actor, Task, Action.WORK, pk=task_id)
    if not task.is_open:
        raise RuleViolation(Code.TASK_CLOSED, "The task is done; nothing more can be attached.")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Invalid.field("title", "Required, at most 200 characters.")
    with transaction.atomic():
        if task.engagement_id is not None:
            grants.require_contractor_access(task)
        document = create_document(task.matter, title=title, upload=upload, uploaded_by=actor.user)
        TaskDocument.objects.create(task=task, document=document, attached_by=actor.user)
        grants.create_grant(
            task, document, by=actor.user, reason="Work product uploaded by the assignee."
        )
        log.record(
            "documents.upload",
            actor=actor,
            organization=task.organization_id,
            obj=document,
            request=request,
            detail={
                "document_id": document.pk,
                "matter_id": task.matter_id,
                "task_id": task.pk,
                "version": 1,
            },
        )
    return document


def delete_task(actor: Actor, *, task_id: int, request: HttpRequest | None = None) -> None:
    """Delete a task nobody has started: once work began, its history is the record."""
    task = fetch(actor, Task, Action.CHANGE, pk=task_id)
    if task.status != TaskStatus.TODO or task.started_at is not None:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED,
            "Only a task nobody has started can be deleted; its history is the record.",
        )
    with transaction.atomic():
        grants.revoke_for_task(task, by=actor.user, reason="The task was deleted.")
        log.record(
            "tasks.deleted",
            actor=actor,
            obj=task,
            request=request,
            detail={"title": task.title, "matter_id": task.matter_id},
        )
        task.delete()
