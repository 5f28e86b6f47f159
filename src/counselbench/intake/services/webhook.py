"""The telephony webhook (issue 8): call events from the firm's phone provider create and update
reception log entries.

Authentication is per firm: the provider signs `timestamp + "." + raw body` with HMAC-SHA256 and
the firm's `IntakeProfile.webhook_secret`, and sends

    X-Counselbench-Timestamp: <Unix seconds>
    X-Counselbench-Signature: sha256=<hex digest>

A missing or wrong signature, an unknown firm, or a timestamp outside
settings.CALL_EVENT_WINDOW_SECONDS is refused with 401 and nothing is stored (an unknown firm
looks exactly like a bad signature). An event id seen before is a replay: it answers 200 with the
first result and changes nothing, so a provider's retry is harmless.

Two body shapes are read: JSON (`event_id`, `call_id`, `type`, `from`, `to`, `caller_name`,
`occurred_at`, `duration_seconds`) and the form-encoded shape Twilio-like providers send
(`CallSid`, `CallStatus`, `From`, `To`, `CallerName`, `CallDuration`, `Timestamp`), whose event id
is the `X-Counselbench-Event-Id` (or `I-Twilio-Idempotency-Token`) header, else CallSid:CallStatus.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from counselbench.core.errors import CoreErrorCode, DomainError, FieldError, Invalid
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.intake.models import CallEvent, IntakeProfile, Outcome, ReceptionEntry
from counselbench.intake.services.reception import normalize_phone
from counselbench.organizations.models import Organization

MAX_BODY_BYTES = 16 * 1024
TIMESTAMP_HEADER = "X-Counselbench-Timestamp"
SIGNATURE_HEADER = "X-Counselbench-Signature"
EVENT_ID_HEADERS = ("X-Counselbench-Event-Id", "I-Twilio-Idempotency-Token")
KINDS = ("call.started", "call.answered", "call.ended", "call.missed", "voicemail")
# Twilio-like CallStatus → our event type.
CALL_STATUSES = {
    "queued": "call.started",
    "initiated": "call.started",
    "ringing": "call.started",
    "in-progress": "call.answered",
    "completed": "call.ended",
    "no-answer": "call.missed",
    "busy": "call.missed",
    "failed": "call.missed",
    "canceled": "call.missed",
}


class Unauthenticated(DomainError):
    def __init__(self, message: str, code: str = IntakeErrorCode.BAD_SIGNATURE):
        super().__init__(code=code, message=message, status=401)


class TooLarge(DomainError):
    def __init__(self) -> None:
        super().__init__(
            code=CoreErrorCode.TOO_LARGE,
            message=f"A call event is at most {MAX_BODY_BYTES // 1024} KB.",
            fields=[FieldError("body", "Too large.")],
            status=413,
        )


@dataclass(frozen=True)
class CallEventInput:
    event_id: str
    call_id: str
    kind: str
    occurred_at: datetime
    number: str  # as sent; normalized when it is a valid number
    to: str
    caller_name: str
    duration_seconds: int | None
    transcription: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    entry_id: int | None
    kind: str
    created: bool  # a new log entry was made for this call
    replayed: bool  # the event was seen before: nothing changed

    def as_payload(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "entry_id": self.entry_id,
            "type": self.kind,
            "created": self.created,
            "replayed": self.replayed,
        }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for a body (what the provider computes)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _authenticate(
    firm_slug: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> Organization:
    refused = Unauthenticated("The call event's signature is missing or does not match.")
    timestamp = (headers.get(TIMESTAMP_HEADER) or "").strip()
    signature = (headers.get(SIGNATURE_HEADER) or "").strip()
    if not firm_slug or not timestamp or not signature:
        raise refused
    firm = Organization.objects.filter(slug=firm_slug[:60]).first()
    if firm is None:
        # Unknown firm: the same answer, after the same work, as a bad signature.
        hmac.compare_digest(sign("unknown", timestamp, body), signature)
        raise refused
    profile, _ = IntakeProfile.objects.get_or_create(organization=firm)
    if not hmac.compare_digest(sign(profile.webhook_secret, timestamp, body), signature):
        raise refused
    try:
        sent = int(timestamp)
    except ValueError:
        raise refused from None
    window = getattr(settings, "CALL_EVENT_WINDOW_SECONDS", 300)
    if abs(now.timestamp() - sent) > window:
        raise Unauthenticated(
            f"The call event's timestamp is more than {window} seconds from now: refused as a "
            "possible replay. Check the sender's clock.",
            code=IntakeErrorCode.STALE,
        )
    return firm


def _text(value: Any, path: str, limit: int, errors: list[FieldError]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        errors.append(FieldError(path, "Text expected."))
        return ""
    text = str(value).strip()
    if "\x00" in text:
        errors.append(FieldError(path, "Text must not contain NUL characters."))
        return ""
    if len(text) > limit:
        errors.append(FieldError(path, f"At most {limit} characters."))
    return text[:limit]


def _when(value: Any, path: str, errors: list[FieldError], default: datetime) -> datetime:
    if value in (None, ""):
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            errors.append(FieldError(path, "Not a valid time."))
            return default
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            try:
                parsed = parsedate_to_datetime(value)  # RFC 2822, as Twilio sends it
            except (TypeError, ValueError, IndexError):
                parsed = None
    if parsed is None:
        errors.append(
            FieldError(path, "A time in ISO 8601 (with its offset), e.g. 2026-03-02T14:05:00Z.")
        )
        return default
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _duration(value: Any, path: str, errors: list[FieldError]) -> int | None:
    if value in (None, ""):
        return None
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        errors.append(FieldError(path, "Whole seconds expected."))
        return None
    if not 0 <= seconds <= 7 * 24 * 3600:
        errors.append(FieldError(path, "Between 0 and 604800 seconds."))
        return None
    return seconds


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except Invalid:
        return ""  # a withheld or odd caller id: the raw value stays in the payload


def parse_event(
    body: bytes, content_type: str, headers: Mapping[str, str], now: datetime
) -> CallEventInput:
    """Read either shape into one event; every problem is a field error naming its key."""
    errors: list[FieldError] = []
    form = "application/x-www-form-urlencoded" in (content_type or "").lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid.field("body", "The body must be UTF-8.") from None
    if form:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=100)
        data: dict[str, Any] = {k: v[-1] for k, v in parsed.items()}
        call_id = _text(data.get("CallSid"), "CallSid", 100, errors)
        status = _text(data.get("CallStatus"), "CallStatus", 30, errors).lower()
        kind = CALL_STATUSES.get(status, "")
        if data.get("RecordingUrl") or data.get("TranscriptionText"):
            kind = "voicemail"
        if not kind:
            errors.append(FieldError("CallStatus", f"One of: {', '.join(sorted(CALL_STATUSES))}."))
        event_id = next(
            (headers[h].strip() for h in EVENT_ID_HEADERS if (headers.get(h) or "").strip()), ""
        )
        event_id = _text(event_id or f"{call_id}:{status or kind}", "event_id", 100, errors)
        values = {
            "from": data.get("From"),
            "to": data.get("To"),
            "caller_name": data.get("CallerName"),
            "occurred_at": data.get("Timestamp"),
            "duration_seconds": data.get("CallDuration"),
            "transcription": data.get("TranscriptionText"),
        }
        paths = {
            "from": "From",
            "to": "To",
            "caller_name": "CallerName",
            "occurred_at": "Timestamp",
            "duration_seconds": "CallDuration",
            "transcription": "TranscriptionText",
        }
    else:
        try:
            data = json.loads(text)
        except ValueError:
            raise Invalid.field("body", "The body is neither JSON nor form-encoded.") from None
        if not isinstance(data, dict):
            raise Invalid.field("body", "The body must be a JSON object.")
        call_id = _text(data.get("call_id"), "call_id", 100, errors)
        event_id = _text(data.get("event_id"), "event_id", 100, errors)
        kind = _text(data.get("type"), "type", 30, errors)
        if kind not in KINDS:
            errors.append(FieldError("type", f"One of: {', '.join(KINDS)}."))
        if not event_id:
            errors.append(FieldError("event_id", "Required."))
        values = {k: data.get(k) for k in ("from", "to", "caller_name", "occurred_at")}
        values["duration_seconds"] = data.get("duration_seconds")
        values["transcription"] = data.get("transcription")
        paths = {k: k for k in values}
    if not call_id:
        errors.append(FieldError("CallSid" if form else "call_id", "Required."))
    number = _text(values["from"], paths["from"], 40, errors)
    to = _text(values["to"], paths["to"], 40, errors)
    caller_name = _text(values["caller_name"], paths["caller_name"], 200, errors)
    transcription = _text(values["transcription"], paths["transcription"], 5000, errors)
    occurred_at = _when(values["occurred_at"], paths["occurred_at"], errors, now)
    duration = _duration(values["duration_seconds"], paths["duration_seconds"], errors)
    if errors:
        raise Invalid("The call event is not valid.", fields=errors)
    return CallEventInput(
        event_id=event_id,
        call_id=call_id,
        kind=kind,
        occurred_at=occurred_at,
        number=number,
        to=to,
        caller_name=caller_name,
        duration_seconds=duration,
        transcription=transcription,
        payload=data,
    )


def receive_call_event(
    *,
    firm_slug: str,
    headers: Mapping[str, str],
    body: bytes,
    content_type: str,
    now: datetime | None = None,
) -> WebhookResult:
    """Authenticate, parse and apply one call event; a replay changes nothing."""
    now = now or timezone.now()
    if len(body) > MAX_BODY_BYTES:
        raise TooLarge()
    firm = _authenticate(firm_slug, headers, body, now)
    event = parse_event(body, content_type, headers, now)
    seen = _replay(firm, event)
    if seen is not None:
        return seen
    try:
        with transaction.atomic():
            entry, created = _entry_for_call(firm, event)
            _apply(entry, event)
            CallEvent.objects.create(
                organization=firm,
                event_id=event.event_id,
                call_id=event.call_id,
                kind=event.kind,
                occurred_at=event.occurred_at,
                received_at=now,
                payload=event.payload,
                entry=entry,
            )
    except IntegrityError:
        # The same event arrived twice at once: the other request stored it; everything this one
        # did is rolled back with its transaction.
        seen = _replay(firm, event)
        if seen is None:
            raise
        return seen
    return WebhookResult(event.event_id, entry.pk, event.kind, created, replayed=False)


def _replay(firm: Organization, event: CallEventInput) -> WebhookResult | None:
    stored = CallEvent.objects.filter(organization=firm, event_id=event.event_id).first()
    if stored is None:
        return None
    return WebhookResult(stored.event_id, stored.entry_id, stored.kind, False, replayed=True)


def _entry_for_call(firm: Organization, event: CallEventInput) -> tuple[ReceptionEntry, bool]:
    """The call's one entry: found by the call id, or made (a race with the receptionist's form
    or another event of the call ends on the unique constraint and takes the other's row)."""
    rows = ReceptionEntry.objects.select_for_update().filter(
        organization=firm, external_id=event.call_id
    )
    entry = rows.first()
    if entry is not None:
        return entry, False
    entry = ReceptionEntry(
        organization=firm,
        external_id=event.call_id,
        caller_name=event.caller_name,
        number=_phone(event.number),
        started_at=event.occurred_at,
        outcome=Outcome.IN_PROGRESS,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        found = rows.first()
        if found is None:
            raise
        return found, False
    return entry, True


def _apply(entry: ReceptionEntry, event: CallEventInput) -> None:
    """What each event says about the call. The receptionist's outcome is never overwritten:
    only a call still in progress becomes "missed"."""
    if not entry.caller_name and event.caller_name:
        entry.caller_name = event.caller_name
    if not entry.number and event.number:
        entry.number = _phone(event.number)
    if event.kind == "call.started" and event.occurred_at < entry.started_at:
        entry.started_at = event.occurred_at
    if event.kind in ("call.ended", "call.missed"):
        entry.ended_at = event.occurred_at
        if event.duration_seconds is not None:
            entry.duration_seconds = event.duration_seconds
    if event.kind == "call.missed" and entry.outcome == Outcome.IN_PROGRESS:
        entry.outcome = Outcome.MISSED
    if event.kind == "voicemail" and event.transcription:
        note = f"Voicemail: {event.transcription}"
        if note not in entry.message:
            entry.message = f"{entry.message}\n\n{note}".strip()
    entry.save()
