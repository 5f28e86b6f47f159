"""Matter documents: upload (checked, encrypted, stored), new versions, streamed downloads, and
master-key rotation. Every view, download and refused attempt is written to the access log under
the document's firm, so the owner sees contractors' accesses too (PRODUCT §2.5)."""

from __future__ import annotations

import contextlib
import mmap
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.core.errors import DomainError, Invalid, NotFound, RuleViolation
from counselbench.matters import crypto
from counselbench.matters.error_codes import MatterErrorCode as Code
from counselbench.matters.filetypes import Inspected, inspect_upload
from counselbench.matters.models import Document, DocumentVersion, Matter, MatterStatus

TITLE_MAX = 200
# Ciphertext up to this size stays in memory on its way to storage; larger spills to a temp file.
_SPOOL_BYTES = 8 * 1024 * 1024


def document_storage() -> Storage:
    return storages["documents"]


# --- Storing a version (internal: no access checks; callers have done theirs) -----------------


@dataclass(frozen=True)
class _Stored:
    inspected: Inspected
    storage_name: str
    key_id: str
    wrapped_key: bytes
    sha256: str


def _new_storage_name() -> str:
    # Random and meaningless: the client's filename, the matter and the firm stay out of the
    # storage layer (bucket listings, backups); two hex characters spread files over folders.
    token = secrets.token_hex(20)
    return f"{token[:2]}/{token}.cbdoc"


def _encrypt_and_store(upload: File) -> _Stored:
    """Check the upload, encrypt it under a fresh data key and write the ciphertext to storage.
    Nothing is written when the check fails."""
    inspected = inspect_upload(
        upload, filename=getattr(upload, "name", None), size=getattr(upload, "size", None)
    )
    data_key = crypto.new_data_key()
    key_id, wrapped = crypto.wrap_key(data_key)
    upload.seek(0)
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as sealed:
        encrypted = crypto.encrypt_stream(upload, sealed, data_key)
        if encrypted.size != inspected.size:
            # The upload changed size between the check and the read: refuse rather than guess.
            raise Invalid.field("file", "The file changed while it was being uploaded.")
        sealed.seek(0)
        name = document_storage().save(_new_storage_name(), File(sealed))
    return _Stored(inspected, name, key_id, wrapped, encrypted.sha256)


def _discard(name: str) -> None:
    # The original error matters more than a failed cleanup; an orphaned blob is unreadable
    # without its row's wrapped key.
    with contextlib.suppress(Exception):
        document_storage().delete(name)


def _version_row(
    document: Document, number: int, stored: _Stored, uploaded_by: User | None
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        filename=stored.inspected.filename,
        content_type=stored.inspected.kind.content_type,
        size=stored.inspected.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        key_id=stored.key_id,
        wrapped_key=stored.wrapped_key,
        uploaded_by=uploaded_by,
    )
    version.full_clean(
        exclude=["document", "uploaded_by"], validate_unique=False, validate_constraints=False
    )
    version.save(force_insert=True)
    return version


def _clean_title(title: str, fallback: str) -> str:
    title = " ".join((title or "").split()) or fallback
    if len(title) > TITLE_MAX:
        raise Invalid.field("title", f"At most {TITLE_MAX} characters.")
    return title


def create_document(
    matter: Matter, *, title: str, upload: File, uploaded_by: User | None
) -> Document:
    """A new document on `matter` with the upload as version 1. Internal: no access checks (the
    caller has made them, e.g. a contractor attaching work product to their own task). Raises
    Invalid (422, field "file" or "title") before anything is stored."""
    fallback = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:TITLE_MAX] or "Document"
    title = _clean_title(title, fallback)
    stored = _encrypt_and_store(upload)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                organization_id=matter.organization_id,
                matter=matter,
                title=title,
                created_by=uploaded_by,
            )
            _version_row(document, 1, stored, uploaded_by)
    except BaseException:
        _discard(stored.storage_name)
        raise
    return document


def add_version(document: Document, *, upload: File, uploaded_by: User | None) -> DocumentVersion:
    """The upload as the document's next version. Internal: no access checks. The number is
    taken under a row lock on the document, so concurrent uploads get consecutive numbers."""
    stored = _encrypt_and_store(upload)  # outside the lock: encryption takes the time
    try:
        with transaction.atomic():
            locked = Document.objects.select_for_update().get(pk=document.pk)
            last = locked.versions.aggregate(n=models.Max("number"))["n"] or 0
            version = _version_row(locked, last + 1, stored, uploaded_by)
    except BaseException:
        _discard(stored.storage_name)
        raise
    return version


# --- Actor-facing services ----------------------------------------------------------------------


def _detail(document: Document, **more: Any) -> dict[str, Any]:
    # The anomaly job (services.alerts) reads document_id and matter_id from every entry.
    return {"document_id": document.pk, "matter_id": document.matter_id, **more}


def _refuse_closed(matter: Matter) -> None:
    if matter.status == MatterStatus.CLOSED:
        raise RuleViolation(
            Code.MATTER_CLOSED,
            f"Matter {matter.number} is closed; documents cannot be added to it.",
            unblock="Reopen the matter first.",
        )


def upload_document(
    actor: Actor,
    *,
    matter_id: int,
    title: str,
    upload: File,
    request: HttpRequest | None = None,
) -> Document:
    """A firm member uploads a document to a matter of theirs (not a closed one)."""
    matter = fetch(actor, Matter, pk=matter_id)
    require(actor, Action.CREATE, Document)
    _refuse_closed(matter)
    document = create_document(
        matter, title=title, upload=upload, uploaded_by=actor.authenticated_user
    )
    log.record(
        "documents.upload",
        actor=actor,
        organization=document.organization_id,
        obj=document,
        request=request,
        detail=_detail(document, version=1),
    )
    return document


def _log_denied(actor: Actor, document_id: Any, error: DomainError, request: HttpRequest | None):
    """Record a refused attempt under the firm that owns the document (if it exists), so a burst
    of probing shows up in that firm's log and alerts; the caller still answers as if the
    document did not exist."""
    real = None
    if isinstance(document_id, int) and -(2**63) <= document_id < 2**63:
        real = (
            Document.objects.filter(pk=document_id).values("organization_id", "matter_id").first()
        )
    log.record(
        "documents.denied",
        actor=actor.user,
        organization=real["organization_id"] if real else None,
        object_type=Document._meta.label_lower,
        object_id=str(document_id),
        request=request,
        detail={
            "document_id": document_id,
            "matter_id": real["matter_id"] if real else None,
            "status": error.status,
        },
    )


def _fetch_document(
    actor: Actor, document_id: int, action: Action, request: HttpRequest | None
) -> Document:
    try:
        return fetch(actor, Document, action, pk=document_id)
    except DomainError as error:
        if error.status in (403, 404):
            _log_denied(actor, document_id, error, request)
        raise


def upload_version(
    actor: Actor,
    *,
    document_id: int,
    upload: File,
    request: HttpRequest | None = None,
) -> DocumentVersion:
    """A firm member adds a new version to a document they can see."""
    document = _fetch_document(actor, document_id, Action.CHANGE, request)
    _refuse_closed(document.matter)
    version = add_version(document, upload=upload, uploaded_by=actor.authenticated_user)
    log.record(
        "documents.version_added",
        actor=actor,
        organization=document.organization_id,
        obj=document,
        request=request,
        detail=_detail(document, version=version.number),
    )
    return version


def document_for(actor: Actor, *, document_id: int, request: HttpRequest | None = None) -> Document:
    """A document the actor may see, its view logged. A document they may not see answers the
    same 404 as one that does not exist (no existence leak), and the attempt is logged."""
    document = _fetch_document(actor, document_id, Action.VIEW, request)
    log.record(
        "documents.view",
        actor=actor,
        organization=document.organization_id,
        obj=document,
        request=request,
        detail=_detail(document),
    )
    return document


def versions(
    actor: Actor, *, document_id: int, request: HttpRequest | None = None
) -> models.QuerySet[DocumentVersion]:
    """A document's versions, newest first (viewing the list counts as viewing the document)."""
    return versions_of(actor, document_for(actor, document_id=document_id, request=request))


def versions_of(actor: Actor, document: Document) -> models.QuerySet[DocumentVersion]:
    """The versions of a document already fetched for the actor (no further logging)."""
    return (
        visible(actor, DocumentVersion)
        .filter(document=document)
        .select_related("uploaded_by")
        .order_by("-number")
    )


def documents(
    actor: Actor, *, matter_id: int | None = None, task_id: int | None = None, q: str = ""
) -> models.QuerySet[Document]:
    """The documents the actor may see, with their latest version's metadata as `latest_*`
    annotations (one query per page, whatever the page size)."""
    latest = DocumentVersion.objects.filter(document=models.OuterRef("pk")).order_by("-number")
    found = visible(actor, Document)
    if matter_id is not None:
        found = found.filter(matter_id=matter_id)
    if task_id is not None:
        found = found.filter(attachments__task_id=task_id)
    if q := (q or "").strip():
        named = DocumentVersion.objects.filter(
            document=models.OuterRef("pk"), filename__icontains=q
        )
        found = found.filter(models.Q(title__icontains=q) | models.Exists(named))
    return found.annotate(
        latest_number=models.Subquery(latest.values("number")[:1]),
        latest_filename=models.Subquery(latest.values("filename")[:1]),
        latest_content_type=models.Subquery(latest.values("content_type")[:1]),
        latest_size=models.Subquery(latest.values("size")[:1]),
        latest_uploaded_at=models.Subquery(latest.values("uploaded_at")[:1]),
    ).order_by("title", "pk")


# --- Downloads --------------------------------------------------------------------------------


def _local_path(storage: Storage, name: str) -> str | None:
    """The file's path when the storage is a local filesystem (which can be mapped)."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def _plaintext(version: DocumentVersion) -> Iterator[bytes]:
    """Decrypt a stored version chunk by chunk; the stored file is closed however the iteration
    ends. Every chunk is authenticated before it is yielded, and the data key is this version's
    own, so another file's blob cannot pass as this one: no second pass of SHA-256 is needed
    (it would halve the throughput); `sha256` stays on the row for clients to verify.

    On the filesystem the file is memory-mapped: decrypting straight from the page cache avoids
    a read copy per chunk, about doubling download throughput (bench/documents.py). Remote
    storages (S3) are streamed."""
    data_key = crypto.unwrap_key(version.key_id, version.wrapped_key)
    storage = document_storage()
    path = _local_path(storage, version.storage_name)
    if path is not None:
        with (
            open(path, "rb") as stored,
            mmap.mmap(stored.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            if hasattr(mapped, "madvise"):
                mapped.madvise(mmap.MADV_SEQUENTIAL)
            yield from crypto.decrypt_buffer(mapped, data_key)
        return
    streamed: IO[bytes] = storage.open(version.storage_name, "rb")
    try:
        yield from crypto.decrypt_stream(streamed, data_key)
    finally:
        streamed.close()


def _primed(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Start decrypting before the response starts, so a missing key or a damaged file fails as
    an error response rather than a truncated download."""
    first = next(chunks, None)

    def rest() -> Iterator[bytes]:
        try:
            if first is not None:
                yield first
            yield from chunks
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    return rest()


def open_download(
    actor: Actor,
    *,
    document_id: int,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[DocumentVersion, Iterator[bytes]]:
    """A version (the latest by default) and an iterator over its decrypted bytes, for a
    streamed response. The download is logged before the first byte leaves."""
    document = _fetch_document(actor, document_id, Action.VIEW, request)
    found = visible(actor, DocumentVersion).filter(document=document)
    if version is not None:
        if not 0 < version < 2**31:
            raise NotFound("Version not found.")
        found = found.filter(number=version)
    chosen = found.order_by("-number").first()
    if chosen is None:
        raise NotFound("Version not found.")
    chunks = _primed(_plaintext(chosen))
    log.record(
        "documents.download",
        actor=actor,
        organization=document.organization_id,
        obj=document,
        request=request,
        detail=_detail(document, version=chosen.number),
    )
    return chosen, chunks


# --- Key rotation -------------------------------------------------------------------------------


@dataclass
class RotationReport:
    key_id: str
    total: int = 0
    rewrapped: int = 0
    already_current: int = 0
    failed: list[int] = field(default_factory=list)  # version ids whose key could not unwrap
    before: dict[str, int] = field(default_factory=dict)  # versions per master key id, before


def rotate_document_keys(*, batch_size: int = 500) -> RotationReport:
    """Re-wrap every version's data key under the current master key (DOCUMENT_KEY_ID). Only the
    60-byte wrapped keys change; files are not rewritten. Idempotent: versions already under the
    current key are counted and left alone, so an interrupted run can simply be repeated. Once it
    reports no failures, the old master keys can be removed from DOCUMENT_KEYS."""
    target = crypto.keyring().current_id
    report = RotationReport(key_id=target)
    report.before = dict(
        DocumentVersion.objects.order_by()
        .values_list("key_id")
        .annotate(n=models.Count("pk"))
        .values_list("key_id", "n")
    )
    report.total = sum(report.before.values())
    report.already_current = report.before.get(target, 0)
    stale = DocumentVersion.objects.exclude(key_id=target).order_by("pk")
    last_pk = 0
    while True:
        batch = list(stale.filter(pk__gt=last_pk).only("pk", "key_id", "wrapped_key")[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        changed = []
        for version in batch:
            try:
                version.key_id, version.wrapped_key = crypto.rewrap(
                    version.key_id, version.wrapped_key, to_key_id=target
                )
            except crypto.DocumentCryptoError:
                report.failed.append(version.pk)
                continue
            changed.append(version)
        with transaction.atomic():
            DocumentVersion.objects.bulk_update(changed, ["key_id", "wrapped_key"])
        report.rewrapped += len(changed)
    if report.rewrapped or report.failed:
        log.record(
            "documents.keys_rotated",
            detail={
                "key_id": target,
                "rewrapped": report.rewrapped,
                "failed": len(report.failed),
            },
        )
    return report
