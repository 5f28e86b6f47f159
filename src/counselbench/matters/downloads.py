"""A document version as a streamed, decrypted attachment: the one response both the API and the
pages send (matters.services.documents checks access and logs the download)."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header

from counselbench.access.policy import Actor
from counselbench.matters.services import documents as services


def download_response(
    actor: Actor,
    *,
    document_id: int,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> StreamingHttpResponse:
    chosen, chunks = services.open_download(
        actor, document_id=document_id, version=version, request=request
    )
    response = StreamingHttpResponse(chunks, content_type=chosen.content_type)
    response["Content-Length"] = str(chosen.size)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=chosen.filename) or "attachment"
    )
    # Never rendered by the browser as a page of ours, never cached on a shared machine.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
