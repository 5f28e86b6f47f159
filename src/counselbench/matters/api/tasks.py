"""API: tasks (CRUD, assignment behind the UPL guard, transitions, comments, attachments) and
need-to-know grants."""

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from counselbench.access.policy import Action, Actor, ActorRequest, can, fetch
from counselbench.core.schemas import QueryId
from counselbench.matters import selectors
from counselbench.matters.models import Task, TaskStatus
from counselbench.matters.schemas import (
    AssignIn,
    AttachIn,
    CommentIn,
    CommentOut,
    GrantIn,
    GrantOut,
    RevokeIn,
    TaskDetailOut,
    TaskIn,
    TaskOut,
    TaskPatch,
    TaskTransitionIn,
)
from counselbench.matters.services import grants as grant_services
from counselbench.matters.services import tasks as services

router = Router(tags=["tasks"])


class TaskFilters(Schema):
    matter_id: QueryId | None = None
    status: TaskStatus | None = None
    assignee_id: QueryId | None = None
    mine: bool = False
    open_only: bool = False
    overdue: bool = False
    q: str = ""


@router.get("/tasks", response=list[TaskOut], summary="Tasks you can see (mine=true: my tasks)")
@paginate
def list_tasks(request: ActorRequest, filters: Query[TaskFilters]):
    return selectors.tasks(request.auth, **filters.dict())


def task_detail(actor: Actor, task_id: int) -> Task:
    task = fetch(actor, Task, pk=task_id)
    task = selectors.tasks(actor).get(pk=task.pk)
    granted = None if can(actor, Action.ASSIGN, task) else selectors.granted_document_ids(actor)
    task.shown_documents = [  # type: ignore[attr-defined]
        {"document_id": a.document_id, "title": a.document.title, "attached_at": a.attached_at}
        for a in task.attachments.select_related("document")
        # A contractor is shown only what a grant in effect lets them open.
        if granted is None or a.document_id in granted
    ]
    task.moves = [  # type: ignore[attr-defined]
        {"to": to, "label": move.label, "note_required": move.note_required}
        for to, move in services.moves_for(actor, task)
    ]
    task.shown_comments = list(task.comments.select_related("author"))  # type: ignore[attr-defined]
    return task


@router.post("/tasks", response={201: TaskDetailOut}, summary="Create (and optionally assign)")
def create_task(request: ActorRequest, payload: TaskIn):
    data = payload.dict(exclude={"matter_id"})
    task = services.create_task(
        request.auth, matter_id=payload.matter_id, data=data, request=request
    )
    return Status(201, task_detail(request.auth, task.pk))


@router.get("/tasks/{int:task_id}", response=TaskDetailOut)
def get_task(request: ActorRequest, task_id: int):
    return task_detail(request.auth, task_id)


@router.patch("/tasks/{int:task_id}", response=TaskDetailOut)
def update_task(request: ActorRequest, task_id: int, payload: TaskPatch):
    services.update_task(
        request.auth, task_id=task_id, changes=payload.dict(exclude_unset=True), request=request
    )
    return task_detail(request.auth, task_id)


@router.delete("/tasks/{int:task_id}", response={204: None}, summary="Delete a task not started")
def delete_task(request: ActorRequest, task_id: int):
    services.delete_task(request.auth, task_id=task_id, request=request)
    return Status(204, None)


@router.post(
    "/tasks/{int:task_id}/assign",
    response=TaskDetailOut,
    summary="Assign to a firm member or a contractor (the unauthorized-practice guard)",
)
def assign_task(request: ActorRequest, task_id: int, payload: AssignIn):
    services.assign_task(request.auth, task_id=task_id, **payload.dict(), request=request)
    return task_detail(request.auth, task_id)


@router.post("/tasks/{int:task_id}/transition", response=TaskDetailOut)
def transition_task(request: ActorRequest, task_id: int, payload: TaskTransitionIn):
    services.transition(
        request.auth, task_id=task_id, to=payload.to, note=payload.note, request=request
    )
    return task_detail(request.auth, task_id)


@router.post("/tasks/{int:task_id}/comments", response={201: CommentOut})
def add_comment(request: ActorRequest, task_id: int, payload: CommentIn):
    return Status(
        201, services.comment(request.auth, task_id=task_id, body=payload.body, request=request)
    )


@router.post(
    "/tasks/{int:task_id}/documents",
    response=TaskDetailOut,
    summary="Attach a matter document (a contractor assignee gets a grant on it)",
)
def attach_document(request: ActorRequest, task_id: int, payload: AttachIn):
    grant_services.attach_document(
        request.auth,
        task_id=task_id,
        document_id=payload.document_id,
        reason=payload.reason,
        request=request,
    )
    return task_detail(request.auth, task_id)


@router.delete("/tasks/{int:task_id}/documents/{int:document_id}", response=TaskDetailOut)
def detach_document(request: ActorRequest, task_id: int, document_id: int):
    grant_services.detach_document(
        request.auth, task_id=task_id, document_id=document_id, request=request
    )
    return task_detail(request.auth, task_id)


@router.post(
    "/tasks/{int:task_id}/work-product",
    response={201: TaskDetailOut},
    summary="The assignee uploads their work product to the task",
)
def upload_work_product(
    request: ActorRequest, task_id: int, title: Form[str], file: File[UploadedFile]
):
    services.upload_work_product(
        request.auth, task_id=task_id, title=title, upload=file, request=request
    )
    return Status(201, task_detail(request.auth, task_id))


# --- Grants --------------------------------------------------------------------------------------


class GrantFilters(Schema):
    task_id: QueryId | None = None
    matter_id: QueryId | None = None


@router.get("/grants", response=list[GrantOut], summary="Need-to-know grants")
@paginate
def list_grants(request: ActorRequest, filters: Query[GrantFilters]):
    return selectors.grants(request.auth, **filters.dict())


@router.post("/grants", response={201: GrantOut}, summary="Grant a contractor one document")
def create_grant(request: ActorRequest, payload: GrantIn):
    grant = grant_services.grant_document(request.auth, **payload.dict(), request=request)
    return Status(201, selectors.grants(request.auth).get(pk=grant.pk))


@router.post("/grants/{int:grant_id}/revoke", response=GrantOut)
def revoke_grant(request: ActorRequest, grant_id: int, payload: RevokeIn):
    grant = grant_services.revoke(
        request.auth, grant_id=grant_id, reason=payload.reason, request=request
    )
    return selectors.grants(request.auth).get(pk=grant.pk)
