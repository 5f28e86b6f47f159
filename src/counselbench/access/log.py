"""Writing and verifying the tamper-evident access log.

Each entry's hash covers its own fields and the previous entry's hash, so changing, removing or
reordering any stored entry breaks the chain from that point on; `verify_chain` names the first
entry that does not add up. `record` is the one function every capability logs through.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access.models import GENESIS_HASH, AccessLogEntry

# Any constant: PostgreSQL serializes appends on this advisory lock. SQLite needs none, its
# IMMEDIATE transactions (settings) already admit one writer at a time.
_CHAIN_LOCK_KEY = 0x636B_6C6F67


def _canonical(entry: AccessLogEntry) -> bytes:
    created = entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        entry.seq,
        created,
        entry.actor_id,
        entry.actor_email,
        entry.organization_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.ip,
        entry.user_agent,
        entry.detail,
        entry.prev_hash,
    ]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AccessLogEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # The same resolution as sign-in throttling, so TRUSTED_PROXY_COUNT applies to both.
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or None


def record(
    action: str,
    *,
    actor: Any = None,
    organization: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Append one entry. `actor` is a User or an access Actor; `obj` any model instance."""
    user = getattr(actor, "user", actor)
    if organization is None:
        organization = getattr(actor, "organization", None)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    entry = AccessLogEntry(
        created_at=timezone.now(),
        actor_id=getattr(user, "pk", None),
        actor_email=getattr(user, "email", "") or "",
        organization_id=getattr(organization, "pk", organization),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        detail=detail or {},
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AccessLogEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        entry.seq = last.seq + 1 if last else 1
        entry.prev_hash = last.entry_hash if last else GENESIS_HASH
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole chain in order; stop at the first entry that breaks it."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in AccessLogEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                checked,
                expected_prev,
                expected_seq,
                f"entry #{expected_seq} is missing (next stored entry is #{entry.seq})",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                expected_prev,
                entry.seq,
                f"entry #{entry.seq} does not point at entry #{entry.seq - 1}",
            )
        if compute_hash(entry) != entry.entry_hash:
            return ChainReport(
                False,
                checked,
                expected_prev,
                entry.seq,
                f"entry #{entry.seq} was altered after it was written",
            )
        expected_prev, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked, expected_prev)
