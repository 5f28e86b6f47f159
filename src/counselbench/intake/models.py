"""Client intake and virtual reception (PRODUCT §2.7): the firm's public front door.

An `IntakeProfile` holds what the firm publishes (its notice, practice areas, the states it serves,
its response-time target, its webhook secret); `IntakeForm`s hold the questions per practice area;
a `Lead` is one prospect; `IntakeRefusal` counts what the abuse defenses turned away. Reception
(`ReceptionEntry`, `Message`, `CallEvent`, `Shift`) and booking (`Availability`,
`AvailabilityException`, `ConsultationType`, `Appointment`, `CalendarFeed`) follow.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from counselbench.talent.models import PracticeArea


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"


class IntakeProfile(models.Model):
    """What a firm publishes on its intake page, and how it wants leads handled."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="intake_profile"
    )
    enabled = models.BooleanField(default=True)
    # ABA Model Rule 1.18: shown before anything is collected. Blank: the product's standard text.
    notice_en = models.TextField(blank=True)
    notice_es = models.TextField(blank=True)
    # USPS codes the firm serves; a lead from elsewhere scores lower (and is told nothing of it).
    jurisdictions = models.JSONField(default=list, blank=True)
    response_target_minutes = models.PositiveIntegerField(default=60)
    # Per-firm limits on the public page (besides the per-address one, settings.INTAKE_RATE_IP).
    submissions_per_hour = models.PositiveIntegerField(default=120)
    # HMAC-SHA256 key the telephony provider signs call events with.
    webhook_secret = models.CharField(max_length=64, default=new_secret)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Intake of {self.organization}"


class QuestionKind(models.TextChoices):
    TEXT = "text", "Free text"
    CHOICE = "choice", "One choice"
    YES_NO = "yes_no", "Yes or no"


class IntakeForm(models.Model):
    """The questions asked of a prospect for one practice area."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="intake_forms"
    )
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    title_en = models.CharField(max_length=120)
    title_es = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    # Estimated value of a typical matter of this kind, for the lead score (cents).
    typical_value_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice_area", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "practice_area"], name="intake_form_per_area"
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_es if language == Language.ES and self.title_es else self.title_en


class IntakeQuestion(models.Model):
    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default="text")
    label_en = models.CharField(max_length=200)
    label_es = models.CharField(max_length=200)
    required = models.BooleanField(default=False)
    # For choice questions: [{"value": "...", "en": "...", "es": "..."}].
    choices = models.JSONField(default=list, blank=True)
    # Scoring hint: an answer value that makes the matter urgent (e.g. "court_date_soon").
    urgent_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="intake_question_key"),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="intake_question_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.label_en

    def label(self, language: str) -> str:
        return self.label_es if language == Language.ES and self.label_es else self.label_en


class LeadState(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    CONSULT_BOOKED = "consult_booked", "Consult booked"
    RETAINED = "retained", "Retained"
    NOT_RETAINED = "not_retained", "Not retained"


OPEN_LEAD_STATES = (LeadState.NEW, LeadState.CONTACTED, LeadState.CONSULT_BOOKED)


class LeadSource(models.TextChoices):
    WEB = "web", "Intake page"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    REFERRAL = "referral", "Referral"


class Urgency(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    EMERGENCY = "emergency", "Emergency"


class Lead(models.Model):
    """A prospective client (ABA Model Rule 1.18). Step one gives the names the conflict check
    needs; step two the details."""

    # No index of its own: the composite indexes below all start with it.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="leads",
        db_index=False,
    )
    form = models.ForeignKey(
        IntakeForm, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    practice_area = models.CharField(max_length=30, choices=PracticeArea.choices)
    source = models.CharField(max_length=10, choices=LeadSource.choices, default="web")
    language = models.CharField(max_length=2, choices=Language.choices, default="en")
    # Step one: who, for the conflict check.
    name = models.CharField(max_length=200)
    other_parties = models.JSONField(default=list, blank=True)  # names, as given
    # Step two: how to reach them, and the answers.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)  # E.164
    state = models.CharField(max_length=2, blank=True)  # where the prospect is (USPS)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default="normal")
    summary = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    details_completed_at = models.DateTimeField(null=True, blank=True)
    # The transparent score: the total and one reason per factor ({factor, points, max, reason}).
    score = models.PositiveSmallIntegerField(default=0)
    score_reasons = models.JSONField(default=list, blank=True)
    # Conflict pre-check on the names (matters.conflicts): hits flag the lead for an attorney.
    conflict_hits = models.JSONField(default=list, blank=True)
    conflict_flagged = models.BooleanField(default=False)
    conflict_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conflict_cleared_at = models.DateTimeField(null=True, blank=True)
    conflict_clear_reason = models.TextField(blank=True)
    # Heuristics that look like spam but might be a real person: kept, marked for review.
    suspected_spam = models.BooleanField(default=False)
    spam_reasons = models.JSONField(default=list, blank=True)
    # Possible repeats: a later submission with the same name and practice area (or, with
    # details, the same email or phone) within a day is its own lead, linked here to the earliest
    # one, whose `duplicate_count` counts them. Never merged: it may be another person.
    duplicate_count = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )
    fingerprint = models.CharField(max_length=64, blank=True)  # indexed with the firm (Meta)
    stage = models.CharField(max_length=20, choices=LeadState.choices, default="new")
    not_retained_reason = models.CharField(max_length=300, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_leads",
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response_alerted_at = models.DateTimeField(null=True, blank=True)
    client = models.ForeignKey(
        "matters.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.SET_NULL, null=True, blank=True, related_name="lead"
    )
    converted_at = models.DateTimeField(null=True, blank=True)
    # A secret for the prospect's own next steps (details, booking) without an account.
    token = models.CharField(max_length=64, default=new_secret, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "stage", "created_at"], name="lead_board"),
            models.Index(fields=["organization", "created_at"], name="lead_firm_created"),
            # The repeat check on every submission: this firm's leads with the same name and
            # practice area in the last day, found directly (not among all of the day's leads).
            models.Index(
                fields=["organization", "fingerprint", "created_at"], name="lead_firm_fingerprint"
            ),
            # Insights: the leads converted in a date range (case velocity).
            models.Index(fields=["organization", "converted_at"], name="lead_firm_converted"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=LeadState.values), name="lead_stage"),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="lead_urgency_valid"
            ),
            models.CheckConstraint(condition=Q(language__in=Language.values), name="lead_lang"),
            models.CheckConstraint(condition=Q(source__in=LeadSource.values), name="lead_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_practice_area_display()})"


class LeadEvent(models.Model):
    """The lead's history: each stage change, contact, assignment and conversion."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class RoutingRule(models.Model):
    """New leads of a practice area go to this person (first matching rule; '' = any area)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="routing_rules"
    )
    practice_area = models.CharField(max_length=30, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice_area", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "practice_area"], name="one_route_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_area or 'any area'} → {self.assignee}"


class RefusalReason(models.TextChoices):
    RATE_LIMIT_IP = "rate_limit_ip", "Too many from one address"
    RATE_LIMIT_FIRM = "rate_limit_firm", "Too many for the firm"
    HONEYPOT = "honeypot", "Hidden field filled in"
    TOO_FAST = "too_fast", "Filled in faster than a person can"
    TOO_LARGE = "too_large", "Over the size limit"
    DUPLICATE = "duplicate", "Duplicate of a recent lead"


class IntakeRefusal(models.Model):
    """A submission the defenses turned away: counted per firm, day and reason, never dropped
    silently. (A possible repeat of a recent lead is not refused: it is a lead of its own, linked
    to the earlier one; `duplicate` rows are from before that.)"""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="intake_refusals"
    )
    day = models.DateField()
    reason = models.CharField(max_length=20, choices=RefusalReason.choices)
    count = models.PositiveIntegerField(default=0)
    # The most recent refused submission's step-one name, so a real person can be called back.
    last_name_given = models.CharField(max_length=200, blank=True)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day", "reason"], name="one_refusal_row_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.count} on {self.day}"


# --- Reception -----------------------------------------------------------------------------------


class Channel(models.TextChoices):
    CALL = "call", "Call"
    CHAT = "chat", "Chat"


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    TRANSFERRED = "transferred", "Transferred"
    MESSAGE_TAKEN = "message_taken", "Message taken"
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    MISSED = "missed", "Missed"
    SPAM = "spam", "Spam"


class ReceptionEntry(models.Model):
    """One call or chat handled by reception (a receptionist, or the telephony webhook)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="reception_entries"
    )
    channel = models.CharField(max_length=6, choices=Channel.choices, default="call")
    direction = models.CharField(max_length=8, default="inbound")
    caller_name = models.CharField(max_length=200, blank=True)
    number = models.CharField(max_length=20, blank=True)  # E.164 (phonenumbers)
    reason = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default="normal")
    language = models.CharField(max_length=2, choices=Language.choices, default="en")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default="in_progress")
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="reception_entries"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # The telephony provider's call id: the webhook and the receptionist write the same entry.
    external_id = models.CharField(max_length=100, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name_plural = "reception entries"
        indexes = [
            models.Index(fields=["organization", "started_at"], name="reception_firm_started"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="reception_one_entry_per_call",
            ),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="reception_out"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="reception_urg"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="reception_chan"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} from {self.caller_name or self.number or 'unknown'}"


class Message(models.Model):
    """A message taken by reception for one person: shown in-app and emailed, with read status."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="messages"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reception_messages"
    )
    entry = models.ForeignKey(
        ReceptionEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default="normal")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_inbox")]

    def __str__(self) -> str:
        return self.subject


class CallEvent(models.Model):
    """A telephony webhook event as received: its id makes a replay harmless."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="call_events"
    )
    event_id = models.CharField(max_length=100)
    call_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    entry = models.ForeignKey(
        ReceptionEntry, on_delete=models.SET_NULL, null=True, related_name="call_events"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "event_id"], name="call_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class MessageDigest(models.Model):
    """The daily summary email of one person's messages at one firm for one day (the firm's time
    zone): claimed once per firm, person and day, so a rerun of the daily job sends nothing twice
    and a person working for two firms gets each firm's summary."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    message_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "day"], name="one_digest_per_firm_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Messages of {self.day} for {self.recipient_id}"


class Shift(models.Model):
    """A receptionist's time on duty (aware datetimes; the week view shows the gaps)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="shifts"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organization", "starts_at"], name="shift_firm_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


# --- Booking -------------------------------------------------------------------------------------


class ConsultationType(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="consultation_types"
    )
    name_en = models.CharField(max_length=120)
    name_es = models.CharField(max_length=120)
    minutes = models.PositiveSmallIntegerField(default=30)
    practice_area = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["minutes", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=10) & Q(minutes__lte=240), name="consult_minutes"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_es if language == Language.ES and self.name_es else self.name_en


class Availability(models.Model):
    """An attorney's weekly hours (in the firm's time zone): weekday 0 = Monday."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="availability"
    )
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField()
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["attorney", "weekday", "starts"]
        verbose_name_plural = "availability"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="avail_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.attorney} weekday {self.weekday} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A day (or part of one) the attorney is away: no slots are offered in it."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="exc_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.attorney} away {self.starts_at:%Y-%m-%d}"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="appointments"
    )
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    consultation_type = models.ForeignKey(
        ConsultationType, on_delete=models.PROTECT, related_name="appointments"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True)
    time_zone = models.CharField(max_length=64)  # the prospect's, for their emails
    language = models.CharField(max_length=2, choices=Language.choices, default="en")
    state = models.CharField(max_length=10, choices=AppointmentState.choices, default="booked")
    cancel_token = models.CharField(max_length=64, default=new_secret, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The .ics SEQUENCE: bumped on each change so calendar apps take the newest version.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["attorney", "starts_at"], name="appointment_attorney")]
        constraints = [
            # Two bookings of one slot cannot both stand (overlaps of different lengths are kept
            # out by the service, which locks the attorney's calendar row).
            models.UniqueConstraint(
                fields=["attorney", "starts_at"],
                condition=Q(state="booked"),
                name="appointment_one_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appt_ends"
            ),
            models.CheckConstraint(
                condition=Q(state__in=AppointmentState.values), name="appointment_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} with {self.attorney} {self.starts_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """An attorney's secret iCalendar URL (and the row booking locks to serialize a calendar)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, default=new_secret, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "attorney"], name="one_feed_per_attorney"
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.attorney}"
