"""The reception log (PRODUCT §2.7): the front desk logs calls and chats, takes messages for the
firm's people (shown in-app and emailed after commit, with read status), and reads the day back
grouped by urgency. A call the telephony webhook reported and the receptionist's entry for it are
one row (same `external_id`, the provider's call id; see services/webhook.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from counselbench.access.policy import Action, Actor, fetch, require, visible
from counselbench.accounts.models import User
from counselbench.core.errors import FieldError, Invalid, RuleViolation
from counselbench.intake.error_codes import IntakeErrorCode
from counselbench.intake.models import (
    Channel,
    Language,
    Lead,
    Message,
    MessageDigest,
    Outcome,
    ReceptionEntry,
    Urgency,
)
from counselbench.intake.services.front_desk import e164, firm_zone, front_desk_firm
from counselbench.organizations.models import Organization, Role

FIRM_PEOPLE = (Role.OWNER, Role.ATTORNEY, Role.STAFF)
# Most urgent first: the order of the daily summary.
URGENCY_ORDER = (Urgency.EMERGENCY, Urgency.HIGH, Urgency.NORMAL, Urgency.LOW)
LIMITS = {"caller_name": 200, "reason": 200, "message": 5000, "external_id": 100}
DESCRIPTIVE = ("caller_name", "number", "reason", "message", "urgency", "language", "channel")
# Outcomes in which reception spoke with the caller: logged for a lead, the firm's first contact.
SPOKE_OUTCOMES = (
    Outcome.IN_PROGRESS,
    Outcome.TRANSFERRED,
    Outcome.MESSAGE_TAKEN,
    Outcome.APPOINTMENT_BOOKED,
)


# --- Where the actor works the front desk -------------------------------------------------------


def day_bounds(organization: Organization, day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight of `day` in the firm's time zone (23 or 25 hours across DST)."""
    zone = firm_zone(organization)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    # In UTC: Python subtracts and compares two datetimes of one zone by their wall clocks.
    return start.astimezone(UTC), end.astimezone(UTC)


def firm_today(organization: Organization) -> date:
    return timezone.localdate(timezone=firm_zone(organization))


# --- Validation -----------------------------------------------------------------------------------


def normalize_phone(raw: str | None, *, path: str = "number", region: str = "US") -> str:
    """A phone number as typed → E.164 ("+15125550123"); blank stays blank; anything that is not
    a valid number is a field error naming `path`."""
    text = (raw or "").strip()
    if not text:
        return ""
    message = (
        f"{text[:40]!r} is not a valid phone number: give a 10-digit US number such as "
        "(512) 555-0123, or an international number starting with +."
    )
    try:
        return e164(text, region)
    except ValueError:
        raise Invalid.field(path, message, code=IntakeErrorCode.BAD_PHONE) from None


def firm_people(organization: Organization) -> QuerySet[User]:
    """The people a message may be for: the firm's owners, attorneys and staff."""
    return User.objects.filter(
        memberships__organization=organization, memberships__role__in=FIRM_PEOPLE, is_active=True
    ).order_by("full_name", "email")


def _choice(data: Mapping[str, Any], name: str, choices: Any, errors: list[FieldError]) -> Any:
    value = data.get(name)
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        errors.append(FieldError(name, f"Choose one of: {allowed}."))
    return value


def _clean(
    actor: Actor, firm: Organization, data: Mapping[str, Any], *, partial: bool
) -> dict[str, Any]:
    """The model fields from `data` (only the keys given when `partial`), every problem named
    by its field; raises Invalid listing them all."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}

    def given(name: str) -> bool:  # an absent or null field keeps what is there (or the default)
        return name in data and data[name] is not None

    for name, limit in LIMITS.items():
        if given(name):
            text = str(data[name] or "").strip()
            if len(text) > limit:
                errors.append(FieldError(name, f"At most {limit} characters."))
            out[name] = text
    if given("number"):
        try:
            out["number"] = normalize_phone(data["number"])
        except Invalid as error:
            errors.extend(error.fields)
    for name, choices in (
        ("urgency", Urgency),
        ("language", Language),
        ("outcome", Outcome),
        ("channel", Channel),
    ):
        if given(name):
            out[name] = _choice(data, name, choices, errors)
    if "for_user_id" in data:
        user_id = data["for_user_id"]
        if user_id in (None, ""):
            out["for_user"] = None
        else:
            person = firm_people(firm).filter(pk=user_id).first()
            if person is None:
                errors.append(FieldError("for_user_id", "Choose a person of the firm."))
            out["for_user"] = person
    if "lead_id" in data:
        lead_id = data["lead_id"]
        if lead_id in (None, ""):
            out["lead"] = None
        else:
            lead = visible(actor, Lead).filter(pk=lead_id, organization=firm).first()
            if lead is None:
                errors.append(FieldError("lead_id", "No such lead at this firm."))
            out["lead"] = lead
    if errors:
        raise Invalid("Some fields are not valid.", fields=errors)
    return out


# --- Log and edit -------------------------------------------------------------------------------


def _editable(entry: ReceptionEntry) -> bool:
    """An entry is edited on its own day (the firm's), or while its call is still going on."""
    organization = entry.organization
    started = timezone.localdate(entry.started_at, timezone=firm_zone(organization))
    return started == firm_today(organization) or entry.outcome == Outcome.IN_PROGRESS


def is_editable(entry: ReceptionEntry) -> bool:
    return _editable(entry)


def _refuse_closed() -> RuleViolation:
    return RuleViolation(
        IntakeErrorCode.ENTRY_CLOSED,
        "This entry is from an earlier day and can no longer be changed.",
        unblock="Log a new entry for a follow-up call.",
    )


def _take_message(actor: Actor, entry: ReceptionEntry, *, explicit: bool) -> Message | None:
    """A message for the entry's person when its outcome is "message taken" (or when asked),
    once per entry; the email goes out through the task queue after commit."""
    if not (explicit or entry.outcome == Outcome.MESSAGE_TAKEN):
        return None
    existing = entry.messages.first()
    if existing is not None:
        return existing
    errors = []
    if entry.for_user is None:
        errors.append(FieldError("for_user_id", "Say who the message is for."))
    if not entry.message.strip():
        errors.append(FieldError("message", "Write down the message."))
    if errors:
        raise Invalid("A message needs a person and its text.", fields=errors)
    assert entry.for_user is not None
    caller = entry.caller_name or entry.number or "A caller"
    subject = f"{caller} {'called' if entry.channel == Channel.CALL else 'wrote'}"
    if entry.reason:
        subject += f": {entry.reason}"
    return _create_message(
        actor,
        organization=entry.organization,
        recipient=entry.for_user,
        subject=subject[:200],
        body=_message_body(entry),
        urgency=entry.urgency,
        entry=entry,
        lead=entry.lead,
    )


def _message_body(entry: ReceptionEntry) -> str:
    lines = [entry.message.strip(), ""]
    if entry.caller_name:
        lines.append(f"Caller: {entry.caller_name}")
    if entry.number:
        lines.append(f"Number: {entry.number}")
    lines.append(f"Language: {entry.get_language_display()}")
    return "\n".join(lines).strip()


def _create_message(actor: Actor, *, organization: Organization, **fields: Any) -> Message:
    from counselbench.intake.tasks.reception import send_message_email

    message = Message(organization=organization, created_by=actor.user, **fields)
    message.full_clean()
    message.save()
    transaction.on_commit(lambda: send_message_email.enqueue(message.pk))
    return message


def log_entry(actor: Actor, *, data: Mapping[str, Any]) -> ReceptionEntry:
    """Log a call or chat. With the provider's call id (`external_id`) the entry the webhook
    already made for that call is completed instead of a second one being written."""
    require(actor, Action.CREATE, ReceptionEntry)
    firm = front_desk_firm(actor, organization_id=data.get("organization_id"))
    fields = _clean(actor, firm, data, partial=False)
    fields.setdefault("outcome", Outcome.IN_PROGRESS)
    external_id = fields.pop("external_id", "")
    if not (fields.get("caller_name") or fields.get("number") or external_id):
        raise Invalid.field("caller_name", "Give the caller's name or number.")
    with transaction.atomic():
        entry = _existing_call(firm, external_id)
        if entry is None:
            entry = ReceptionEntry(
                organization=firm, external_id=external_id, logged_by=actor.user, **fields
            )
            try:
                with transaction.atomic():
                    entry.save()
            except IntegrityError:  # the webhook wrote the call meanwhile: complete its entry
                entry = _existing_call(firm, external_id)
                if entry is None:
                    raise
                _merge(actor, entry, fields)
        else:
            _merge(actor, entry, fields)
        _take_message(actor, entry, explicit=bool(data.get("take_message")))
        _lead_contacted(actor, entry)
    return entry


def _lead_contacted(actor: Actor, entry: ReceptionEntry) -> None:
    """A call or chat with a lead's prospect is the firm's contact with them (services/leads.py
    `note_reception_contact`); a missed call or spam is not."""
    if entry.lead_id is None or entry.outcome not in SPOKE_OUTCOMES:
        return
    from counselbench.intake.services.leads import note_reception_contact

    assert entry.lead is not None
    note_reception_contact(
        entry.lead,
        at=entry.started_at,
        by=actor.user,
        note=f"{entry.get_channel_display()} logged by reception"
        + (f": {entry.reason}" if entry.reason else "."),
    )


def _existing_call(firm: Organization, external_id: str) -> ReceptionEntry | None:
    if not external_id:
        return None
    return (
        ReceptionEntry.objects.select_for_update(of=("self",))
        .select_related("organization", "for_user", "lead")
        .filter(organization=firm, external_id=external_id)
        .first()
    )


def _merge(actor: Actor, entry: ReceptionEntry, fields: dict[str, Any]) -> None:
    """The receptionist's details on the webhook's entry: what they typed wins, blanks keep what
    the provider reported (number, caller id, times)."""
    if not _editable(entry):
        raise _refuse_closed()
    for name, value in fields.items():
        if value in ("", None) and name in ("caller_name", "number", "reason", "message"):
            continue
        setattr(entry, name, value)
    if entry.logged_by_id is None:
        entry.logged_by = actor.user
    entry.save()


def update_entry(actor: Actor, *, entry_id: int, data: Mapping[str, Any]) -> ReceptionEntry:
    """Change an entry (the outcome, the message, the details) while it is today's."""
    with transaction.atomic():
        fetch(actor, ReceptionEntry, Action.CHANGE, pk=entry_id)
        entry = (
            ReceptionEntry.objects.select_for_update(of=("self",))
            .select_related("organization", "for_user", "lead")
            .get(pk=entry_id)
        )
        if not _editable(entry):
            raise _refuse_closed()
        allowed = {k: v for k, v in data.items() if k != "external_id" and k != "organization_id"}
        fields = _clean(actor, entry.organization, allowed, partial=True)
        for name, value in fields.items():
            setattr(entry, name, value)
        if fields and entry.logged_by_id is None:  # a call the phone system reported
            entry.logged_by = actor.user
        if fields:
            entry.save()
        _take_message(actor, entry, explicit=bool(data.get("take_message")))
        _lead_contacted(actor, entry)
    return entry


def log_rows(actor: Actor) -> QuerySet[ReceptionEntry]:
    """The log the actor may see, with what each row shows (no query per row)."""
    return visible(actor, ReceptionEntry).select_related(
        "organization", "for_user", "lead", "logged_by"
    )


def entries_of_day(actor: Actor, organization: Organization, day: date) -> QuerySet[ReceptionEntry]:
    start, end = day_bounds(organization, day)
    return log_rows(actor).filter(
        organization=organization, started_at__gte=start, started_at__lt=end
    )


# --- Daily summary ------------------------------------------------------------------------------


@dataclass
class UrgencyGroup:
    urgency: str
    label: str
    entries: list[ReceptionEntry]


@dataclass
class DaySummary:
    organization: Organization
    day: date
    groups: list[UrgencyGroup]
    outcome_counts: dict[str, int]  # outcome label → count, every outcome listed
    total: int
    outcomes: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)


def daily_summary(actor: Actor, *, day: date, organization_id: int | None = None) -> DaySummary:
    """The day's entries (the firm's time zone) grouped emergency → high → normal → low, with
    counts per outcome."""
    firm = front_desk_firm(actor, organization_id=organization_id)
    entries = list(entries_of_day(actor, firm, day).order_by("started_at", "pk"))
    groups = [
        UrgencyGroup(u.value, u.label, [e for e in entries if e.urgency == u])
        for u in URGENCY_ORDER
    ]
    outcomes = [(o.value, o.label, sum(e.outcome == o for e in entries)) for o in Outcome]
    return DaySummary(
        organization=firm,
        day=day,
        groups=groups,
        outcome_counts={label: count for _, label, count in outcomes},
        total=len(entries),
        outcomes=outcomes,
    )


# --- Messages -----------------------------------------------------------------------------------


def leave_message(actor: Actor, *, data: Mapping[str, Any]) -> Message:
    """A message for one of the firm's people, without a log entry (e.g. from a chat)."""
    require(actor, Action.CREATE, Message)
    firm = front_desk_firm(actor, organization_id=data.get("organization_id"))
    errors: list[FieldError] = []
    recipient = firm_people(firm).filter(pk=data.get("recipient_id") or 0).first()
    if recipient is None:
        errors.append(FieldError("recipient_id", "Choose a person of the firm."))
    subject = str(data.get("subject") or "").strip()
    if not subject:
        errors.append(FieldError("subject", "Say what the message is about."))
    elif len(subject) > 200:
        errors.append(FieldError("subject", "At most 200 characters."))
    body = str(data.get("body") or "").strip()
    if len(body) > 5000:
        errors.append(FieldError("body", "At most 5000 characters."))
    urgency = data.get("urgency") or Urgency.NORMAL
    if urgency not in Urgency.values:
        errors.append(FieldError("urgency", f"Choose one of: {', '.join(Urgency.values)}."))
    lead = None
    if data.get("lead_id"):
        lead = visible(actor, Lead).filter(pk=data["lead_id"], organization=firm).first()
        if lead is None:
            errors.append(FieldError("lead_id", "No such lead at this firm."))
    if errors:
        raise Invalid("Some fields are not valid.", fields=errors)
    with transaction.atomic():
        return _create_message(
            actor,
            organization=firm,
            recipient=recipient,
            subject=subject,
            body=body,
            urgency=urgency,
            lead=lead,
        )


def inbox(actor: Actor) -> QuerySet[Message]:
    """Messages for the actor, newest first."""
    return (
        visible(actor, Message)
        .filter(recipient=actor.authenticated_user)
        .select_related("created_by", "organization", "entry", "lead")
    )


def sent_messages(actor: Actor) -> QuerySet[Message]:
    """Messages the actor left for others (with whether they have been read)."""
    return (
        visible(actor, Message)
        .filter(created_by=actor.authenticated_user)
        .exclude(recipient=actor.authenticated_user)
        .select_related("recipient", "organization", "entry", "lead")
    )


def unread_count(actor: Actor) -> int:
    if not actor.is_authenticated:
        return 0
    return inbox(actor).filter(read_at__isnull=True).count()


def mark_read(actor: Actor, *, message_id: int) -> Message:
    """The recipient marks (or opens) a message: read once, the first time is kept."""
    message = fetch(actor, Message, Action.CHANGE, pk=message_id)
    if message.read_at is None:
        now = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.refresh_from_db(fields=["read_at"])
    return message


def open_message(actor: Actor, *, message_id: int) -> Message:
    """Show a message; the recipient opening it marks it read (the sender opening it does not)."""
    message = fetch(actor, Message, pk=message_id, related=("created_by", "recipient", "entry"))
    if message.recipient_id == actor.authenticated_user.pk and message.read_at is None:
        mark_read(actor, message_id=message.pk)
        message.refresh_from_db(fields=["read_at"])
    return message


def _inbox_url() -> str:
    return f"{settings.SITE_URL}{reverse('intake:messages')}"


def deliver_message_email(*, message_id: int) -> bool:
    """Email one message to its recipient, once: the claim (`emailed_at`) is taken before
    sending, and given back if sending fails so the queue's retry sends it."""
    now = timezone.now()
    claimed = Message.objects.filter(pk=message_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    message = Message.objects.select_related("recipient", "organization", "created_by").get(
        pk=message_id
    )
    urgent = message.urgency in (Urgency.HIGH, Urgency.EMERGENCY)
    flag = f"[{message.get_urgency_display().upper()}] " if urgent else ""
    taken_by = message.created_by.display_name if message.created_by else "reception"
    taken_at = timezone.localtime(message.created_at, firm_zone(message.organization))
    try:
        send_mail(
            subject=f"{flag}Message: {message.subject}",
            message=(
                f"{message.recipient.display_name},\n\n{message.body}\n\n"
                f"Taken by {taken_by} on {taken_at:%b} {taken_at.day} at {taken_at:%H:%M}.\n"
                f"Your messages: {_inbox_url()}\n\n{message.organization.name}"
            ),
            from_email=None,
            recipient_list=[message.recipient.email],
        )
    except Exception:
        Message.objects.filter(pk=message_id).update(emailed_at=None)
        raise
    return True


def send_daily_summaries(*, now: datetime | None = None) -> int:
    """The summary job: once a firm's day is over (its own midnight), each person who got
    messages that day gets one email listing them, most urgent first; a (firm, person, day)
    claim makes a rerun send nothing twice, and someone taking messages at two firms gets each
    firm's. Returns the number of emails sent."""
    now = now or timezone.now()
    sent = 0
    recent = Message.objects.filter(created_at__gte=now - timedelta(days=2))
    firms = Organization.objects.filter(pk__in=recent.values("organization_id"))
    for firm in firms:
        day = timezone.localdate(now, timezone=firm_zone(firm)) - timedelta(days=1)
        start, end = day_bounds(firm, day)
        done = MessageDigest.objects.filter(organization=firm, day=day).values("recipient_id")
        rows = (
            Message.objects.filter(organization=firm, created_at__gte=start, created_at__lt=end)
            .exclude(recipient_id__in=done)
            .select_related("recipient")
            .order_by("recipient_id", "created_at", "pk")
        )
        by_person: dict[int, list[Message]] = {}
        for message in rows:
            by_person.setdefault(message.recipient_id, []).append(message)
        for messages in by_person.values():
            if _send_digest(firm, day, messages):
                sent += 1
    return sent


def _send_digest(firm: Organization, day: date, messages: list[Message]) -> bool:
    recipient = messages[0].recipient
    zone = firm_zone(firm)
    try:
        with transaction.atomic():
            MessageDigest.objects.create(
                organization=firm, recipient=recipient, day=day, message_count=len(messages)
            )
            unread = sum(m.read_at is None for m in messages)
            # Grouped by urgency, most urgent first (like the daily summary page), in time order
            # within each group.
            lines: list[str] = []
            for urgency in URGENCY_ORDER:
                group = [m for m in messages if m.urgency == urgency]
                if not group:
                    continue
                if lines:
                    lines.append("")
                lines.append(f"{urgency.label} ({len(group)}):")
                lines += [
                    f"- {timezone.localtime(m.created_at, zone):%H:%M} {m.subject}"
                    f"{'' if m.read_at else ' (unread)'}"
                    for m in sorted(group, key=lambda m: (m.created_at, m.pk))
                ]
            send_mail(
                subject=f"{firm.name}: your {len(messages)} message"
                f"{'s' if len(messages) != 1 else ''} of {day:%b} {day.day}",
                message=(
                    f"{recipient.display_name},\n\nReception took {len(messages)} message"
                    f"{'s' if len(messages) != 1 else ''} for you on {day:%A, %B} {day.day} "
                    f"({unread} unread):\n\n" + "\n".join(lines) + f"\n\n{_inbox_url()}\n"
                ),
                from_email=None,
                recipient_list=[recipient.email],
            )
    except IntegrityError:
        return False  # sent already (a rerun, or another worker)
    return True
