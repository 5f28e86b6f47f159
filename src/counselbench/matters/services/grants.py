"""Need-to-know grants (PRODUCT §2.5): a contractor sees a document only through an explicit grant
for a task assigned to them. A grant is in effect only while the task is open and the
engagement live (access.policy.live_grants checks that on every read); the revocations here stamp
the record when that stops, and every grant and revoke is written to the access log."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.engagements.models import LIVE_STATES, Engagement
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.models import Document, Grant, Matter, Task, TaskDocument


def require_contractor_access(task: Task) -> None:
    """Every gate in front of a contractor's access to the task's matter: a live engagement, the
    client's consent, a passed conflict check, and no screen."""
    from counselbench.matters.services.conflicts import require_conflict_cleared
    from counselbench.matters.services.matters import is_screened, require_consent

    engagement = task.engagement
    assert engagement is not None
    if engagement.state not in LIVE_STATES:
        raise RuleViolation(
            Code.ENGAGEMENT_NOT_LIVE,
            f"The engagement is {engagement.get_state_display().lower()}: the professional has "
            "no access to the firm's matters.",
            unblock="Assign the task to someone with a live engagement.",
        )
    if is_screened(task.matter, engagement.professional.user):
        raise RuleViolation(
            Code.SCREENED,
            f"{engagement.professional.user.display_name} is screened from this matter.",
            unblock="Assign someone else, or remove the screen if it no longer applies.",
        )
    require_consent(task.matter)
    require_conflict_cleared(task.matter, engagement.professional)


def create_grant(task: Task, document: Document, *, by: User | None, reason: str) -> Grant | None:
    """A grant for the task's contractor, unless one is in effect already."""
    engagement = task.engagement
    if engagement is None or task.assignee_id is None:
        return None
    grant, created = Grant.objects.get_or_create(
        task=task,
        document=document,
        grantee_id=task.assignee_id,
        revoked_at=None,
        defaults={"engagement": engagement, "granted_by": by, "reason": reason},
    )
    if created:
        log.record(
            "grants.granted",
            actor=by,
            organization=task.organization_id,
            obj=grant,
            detail={
                "document_id": document.pk,
                "matter_id": task.matter_id,
                "task_id": task.pk,
                "grantee_id": task.assignee_id,
                "reason": reason,
            },
        )
        return grant
    return None


def attach_document(
    actor: Actor,
    *,
    task_id: int,
    document_id: int,
    reason: str = "",
    request: HttpRequest | None = None,
) -> TaskDocument:
    """Attach a matter document to a task. If a contractor has the task, they get a grant on
    it: only after every gate (consent, conflicts, screens, live engagement) passes."""
    task = fetch(actor, Task, Action.GRANT, pk=task_id)
    document = fetch(actor, Document, pk=document_id)
    if document.matter_id != task.matter_id:
        raise Invalid.field(
            "document_id", "The document belongs to another matter.", Code.DOCUMENT_NOT_ON_MATTER
        )
    if not task.is_open:
        raise RuleViolation(Code.TASK_CLOSED, "The task is done; nothing more can be attached.")
    reason = (reason or "").strip()[:300] or f"Needed for the task “{task.title}”."
    with transaction.atomic():
        if task.engagement_id is not None:
            require_contractor_access(task)
        attachment, created = TaskDocument.objects.get_or_create(
            task=task, document=document, defaults={"attached_by": actor.user}
        )
        if created:
            log.record(
                "tasks.document_attached",
                actor=actor,
                obj=task,
                request=request,
                detail={"document_id": document.pk, "matter_id": task.matter_id},
            )
        create_grant(task, document, by=actor.user, reason=reason)
    return attachment


def detach_document(
    actor: Actor, *, task_id: int, document_id: int, request: HttpRequest | None = None
) -> None:
    task = fetch(actor, Task, Action.GRANT, pk=task_id)
    with transaction.atomic():
        deleted, _ = TaskDocument.objects.filter(task=task, document_id=document_id).delete()
        if not deleted:
            raise Invalid.field("document_id", "That document is not attached to the task.")
        revoke_grants(
            Grant.objects.filter(task=task, document_id=document_id, revoked_at__isnull=True),
            by=actor.user,
            reason="Detached from the task.",
        )


def grant_attachments(task: Task, *, by: User | None) -> list[Grant]:
    """After a task is (re)assigned to a contractor: a grant for every attached document."""
    grants = []
    for attachment in task.attachments.select_related("document"):
        grant = create_grant(
            task, attachment.document, by=by, reason=f"Attached to the task “{task.title}”."
        )
        if grant is not None:
            grants.append(grant)
    return grants


def revoke_grants(grants: QuerySet[Grant], *, by: User | None, reason: str) -> int:
    now = timezone.now()
    revoked = 0
    for grant in grants.select_related("task").select_for_update():
        grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, by, reason[:300]
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        log.record(
            "grants.revoked",
            actor=by,
            organization=grant.task.organization_id,
            obj=grant,
            detail={
                "document_id": grant.document_id,
                "matter_id": grant.task.matter_id,
                "task_id": grant.task_id,
                "grantee_id": grant.grantee_id,
                "reason": reason,
            },
        )
        revoked += 1
    return revoked


def revoke(
    actor: Actor, *, grant_id: int, reason: str, request: HttpRequest | None = None
) -> Grant:
    grant = fetch(actor, Grant, Action.CHANGE, pk=grant_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise Invalid("Say why the grant is revoked.", fields=[FieldError("reason", "Required.")])
    if grant.revoked_at is not None:
        raise RuleViolation(Code.TASK_CLOSED, "This grant was already revoked.")
    with transaction.atomic():
        revoke_grants(Grant.objects.filter(pk=grant.pk), by=actor.user, reason=reason)
    grant.refresh_from_db()
    return grant


def live(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    return grants.filter(revoked_at__isnull=True)


def revoke_for_task(task: Task, *, by: User | None, reason: str) -> int:
    return revoke_grants(live(Grant.objects.filter(task=task)), by=by, reason=reason)


def revoke_for_engagement(engagement: Engagement, *, by: User | None, reason: str) -> int:
    return revoke_grants(live(Grant.objects.filter(engagement=engagement)), by=by, reason=reason)


def revoke_for_matter(
    matter: Matter, *, by: User | None, reason: str, grantee: User | None = None
) -> int:
    grants = live(Grant.objects.filter(task__matter=matter))
    if grantee is not None:
        grants = grants.filter(grantee=grantee)
    return revoke_grants(grants, by=by, reason=reason)


def grant_document(
    actor: Actor,
    *,
    task_id: int,
    document_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Grant:
    """POST /grants: an explicit grant on one document for the contractor who has the task."""
    task = fetch(actor, Task, Action.GRANT, pk=task_id)
    if task.engagement_id is None:
        raise Invalid.field(
            "task_id", "Grants are for contractors; this task is not assigned to one."
        )
    attach_document(actor, task_id=task_id, document_id=document_id, reason=reason, request=request)
    grant = live(Grant.objects.filter(task=task, document_id=document_id)).first()
    assert grant is not None
    return grant
