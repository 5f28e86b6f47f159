"""API: matter documents — list, upload, metadata and versions, streamed download. Access rules,
checks, encryption and logging are in matters.services.documents; this parses and serializes."""

import datetime as dt

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from counselbench.access.policy import ActorRequest
from counselbench.core.schemas import QueryId
from counselbench.matters.downloads import download_response
from counselbench.matters.models import Document, DocumentVersion
from counselbench.matters.services import documents as services

router = Router(tags=["documents"])


class VersionOut(Schema):
    number: int
    filename: str
    content_type: str = Field(description="The type sniffed from the content, not the client's")
    size: int = Field(description="Bytes of the plaintext")
    sha256: str = Field(description="SHA-256 of the plaintext, to verify a download")
    uploaded_at: dt.datetime
    uploaded_by: str | None


class LatestOut(Schema):
    number: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class DocumentListItem(Schema):
    id: int
    matter_id: int
    title: str
    created_at: dt.datetime
    latest: LatestOut | None

    @staticmethod
    def resolve_latest(document: Document) -> dict | None:
        # Read from the list query's annotations (services.documents): no query per row.
        if getattr(document, "latest_number", None) is None:
            return None
        return {
            "number": document.latest_number,  # type: ignore[attr-defined]
            "filename": document.latest_filename,  # type: ignore[attr-defined]
            "content_type": document.latest_content_type,  # type: ignore[attr-defined]
            "size": document.latest_size,  # type: ignore[attr-defined]
            "uploaded_at": document.latest_uploaded_at,  # type: ignore[attr-defined]
        }


class DocumentOut(Schema):
    id: int
    matter_id: int
    title: str
    created_at: dt.datetime
    versions: list[VersionOut]


class DocumentFilters(Schema):
    matter: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this matter's")
    task: int | None = Field(None, ge=1, le=2**63 - 1, description="Only those attached to a task")
    q: str = Field("", max_length=200, description="In the title or a version's filename")


def _version_out(version: DocumentVersion) -> dict:
    return {
        "number": version.number,
        "filename": version.filename,
        "content_type": version.content_type,
        "size": version.size,
        "sha256": version.sha256,
        "uploaded_at": version.uploaded_at,
        "uploaded_by": version.uploaded_by.display_name if version.uploaded_by else None,
    }


def _document_out(document: Document, versions: list[DocumentVersion]) -> dict:
    return {
        "id": document.pk,
        "matter_id": document.matter_id,
        "title": document.title,
        "created_at": document.created_at,
        "versions": [_version_out(v) for v in versions],
    }


@router.get("/documents", response=list[DocumentListItem], summary="Documents you can see")
@paginate
def list_documents(request: ActorRequest, filters: Query[DocumentFilters]):
    found = services.documents(
        request.actor, matter_id=filters.matter, task_id=filters.task, q=filters.q
    )
    return found


@router.post(
    "/documents",
    response={201: DocumentOut},
    summary="Upload a document to a matter (multipart: matter_id, title, file)",
)
def upload_document(
    request: ActorRequest,
    matter_id: Form[int],
    file: File[UploadedFile],
    title: Form[str] = "",
):
    """`title` defaults to the file's name. The file's type is sniffed from its content; the
    name's extension must agree with it."""
    document = services.upload_document(
        request.actor, matter_id=matter_id, title=title, upload=file, request=request
    )
    return Status(201, _document_out(document, list(services.versions_of(request.actor, document))))


@router.get(
    "/documents/{int:document_id}",
    response=DocumentOut,
    summary="A document's metadata and versions (the view is logged)",
)
def get_document(request: ActorRequest, document_id: int):
    document = services.document_for(request.actor, document_id=document_id, request=request)
    return _document_out(document, list(services.versions_of(request.actor, document)))


@router.get(
    "/documents/{int:document_id}/versions",
    response=list[VersionOut],
    summary="A document's versions, newest first",
)
def list_versions(request: ActorRequest, document_id: int):
    found = services.versions(request.actor, document_id=document_id, request=request)
    return [_version_out(v) for v in found]


@router.post(
    "/documents/{int:document_id}/versions",
    response={201: VersionOut},
    summary="Upload a new version (multipart: file)",
)
def upload_version(request: ActorRequest, document_id: int, file: File[UploadedFile]):
    version = services.upload_version(
        request.actor, document_id=document_id, upload=file, request=request
    )
    return Status(201, _version_out(version))


@router.get(
    "/documents/{int:document_id}/download",
    response={200: bytes},
    summary="Download a version (the latest by default), decrypted and streamed",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file's bytes, with the sniffed Content-Type",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_document(
    request: ActorRequest,
    document_id: int,
    version: QueryId | None = None,
):
    return download_response(
        request.actor, document_id=document_id, version=version, request=request
    )
