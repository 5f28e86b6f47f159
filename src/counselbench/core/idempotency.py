"""Idempotent API calls (issue 7): a write sent with an `Idempotency-Key` header runs once.

The key row, the call's own writes and its stored response are one database transaction:

- a retry with the same key and the same request gets the first response back (errors included,
  marked `Idempotent-Replayed: true`) and runs nothing;
- the same key with a different request is refused (422, `idempotency_key_reused`);
- two calls racing with one key: the second waits on the key's unique index until the first
  commits, then replays it; so nothing moves twice;
- a crash or a server error before commit leaves no key and no writes, so the retry runs afresh;
- an error response (4xx) rolls back whatever the call wrote before refusing, and is stored.

Keys are scoped to the caller (session user or API token) and kept `IDEMPOTENCY_KEY_HOURS` (at
least 24); `prune_idempotency_keys` deletes older ones daily.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from counselbench.core.errors import FieldError, error_payload
from counselbench.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, no spaces (a UUID fits)


class IdempotencyCode:
    INVALID_KEY = "idempotency_key_invalid"
    REUSED = "idempotency_key_reused"


def _principal(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        digest = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:40]
        return f"token:{digest}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None  # anonymous: the API answers 401 itself


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _refusal(message: str, code: str) -> JsonResponse:
    payload = error_payload(code, message, [FieldError(f"header.{HEADER}", message)])
    return JsonResponse(payload, status=422)


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.body), status=stored.status_code, content_type=stored.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Applies to API writes that carry the header; everything else passes straight through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.content_type == "multipart/form-data":
            # File uploads move no money, and hashing one would read it all into memory.
            return self.get_response(request)
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)
        if not _KEY.fullmatch(key):
            return _refusal(
                f"{HEADER} must be 1–255 printable characters without spaces (a UUID works).",
                IdempotencyCode.INVALID_KEY,
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # Waits here, on PostgreSQL, while another call with this key is running.
                    row = IdempotencyKey.objects.create(
                        principal=principal,
                        key=key,
                        method=request.method or "",
                        path=request.path[:500],
                        fingerprint=fingerprint,
                        status_code=0,
                        content_type="",
                        body=b"",
                    )
            except IntegrityError:
                stored = IdempotencyKey.objects.get(principal=principal, key=key)
                if stored.fingerprint != fingerprint:
                    return _refusal(
                        f"This {HEADER} was used for a different request; use a new key for a "
                        "new request.",
                        IdempotencyCode.REUSED,
                    )
                return _replay(stored)
            savepoint = transaction.savepoint()
            response = self.get_response(request)
            if response.status_code >= 500 or response.streaming:
                # Not a result to keep: undo everything, the key included, so a retry runs.
                transaction.set_rollback(True)
                return response
            if response.status_code >= 400:
                transaction.savepoint_rollback(savepoint)  # a refusal changes nothing
            else:
                transaction.savepoint_commit(savepoint)
            row.status_code = response.status_code
            row.content_type = response.get("Content-Type", "")[:100]
            row.body = response.content
            row.save(update_fields=["status_code", "content_type", "body"])
        return response


def keep_for_hours() -> int:
    return max(24, int(getattr(settings, "IDEMPOTENCY_KEY_HOURS", 48)))
