"""Time entries (PRODUCT §2.6): minutes logged by firm members and contractors against a task or
matter, approved by the supervising attorney, immutable once approved (a correction is a new
entry that points at the one it corrects)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EntryState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    BILLED = "billed", "Billed"


# Once an entry reaches one of these, nothing about it changes but its billing.
LOCKED_STATES = (EntryState.APPROVED, EntryState.BILLED)


class BillingRate(models.Model):
    """What the firm bills a member's hour at, from a date (the rate an entry snapshots)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="billing_rates"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rate_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    effective_from = models.DateField()

    class Meta:
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "effective_from"], name="billing_rate_unique"
            ),
            models.CheckConstraint(condition=Q(rate_cents__gt=0), name="billing_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.rate_cents} from {self.effective_from}"


class TimeEntry(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="time_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, related_name="time_entries"
    )
    task = models.ForeignKey(
        "matters.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    # Set when the author is a contractor: the engagement the time is paid under.
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    date = models.DateField()
    # Signed only on a correction (it may take minutes back from the entry it corrects).
    minutes = models.IntegerField()
    description = models.CharField(max_length=1000)
    billable = models.BooleanField(default=True)
    # The hourly rate when the entry was made: the contractor's pay rate, or the member's billing
    # rate (null when the firm has set none yet).
    rate_cents = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    state = models.CharField(max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    rejection_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["organization", "state", "date"], name="time_firm_state_date"),
            models.Index(fields=["author", "date"], name="time_author_date"),
            # An engagement's approved minutes over a date range (insights, bench/insights.py);
            # also serves what (engagement, state) did.
            models.Index(fields=["engagement", "state", "date"], name="time_engagement_state_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=EntryState.values), name="time_state_valid"
            ),
            # A day holds at most 24 hours; only a correction may be negative.
            models.CheckConstraint(
                condition=Q(minutes__lte=24 * 60)
                & (Q(minutes__gt=0) | Q(corrects__isnull=False, minutes__gte=-24 * 60)),
                name="time_minutes_range",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="time_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.date} by {self.author_id}"

    @property
    def locked(self) -> bool:
        return self.state in LOCKED_STATES


class RunningTimer(models.Model):
    """A timer someone started on a task: stopping it logs a draft entry of the elapsed minutes.
    A person runs one timer at a time, and only they can see, stop or discard it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="running_timer"
    )
    task = models.ForeignKey("matters.Task", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} on task {self.task_id} since {self.started_at}"
