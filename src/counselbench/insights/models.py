"""Insights (PRODUCT §2.8): client-satisfaction surveys sent when a matter closes, and the scaling
signals the daily job raises with their evidence. The metrics themselves are computed from what
the other capabilities record (services/metrics.py), so nothing here duplicates those facts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SatisfactionSurvey(models.Model):
    """A short CSAT survey (1–5 and a comment) sent to the client when a matter closes, answered
    once through a signed link."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="surveys"
    )
    matter = models.ForeignKey("matters.Matter", on_delete=models.CASCADE, related_name="surveys")
    recipient = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)  # the link went out (once)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "answered_at"], name="survey_firm_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, answered_at__isnull=True)
                | Q(score__isnull=False, answered_at__isnull=False),
                name="survey_answer_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey for {self.matter_id} to {self.recipient}"


class SignalKind(models.TextChoices):
    FULL_CAPACITY = "full_capacity", "Contractor at full capacity"
    BOTTLENECK = "bottleneck", "New bottleneck"
    SLIPPING_BACK = "slipping_back", "Attorneys slipping back"


class ScalingSignal(models.Model):
    """One condition the daily job found, with the evidence and a suggested next step. A signal
    stays active while its rule holds and is cleared (kept, for the history) when it stops."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="scaling_signals"
    )
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    # What the signal is about: an engagement (full capacity), a task category (bottleneck), or
    # the firm's attorneys as a whole (slipping back).
    engagement = models.ForeignKey(
        "engagements.Engagement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scaling_signals",
    )
    category = models.ForeignKey(
        "selfaudit.TaskCategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scaling_signals",
    )
    subject = models.CharField(max_length=60)  # "engagement:12", "category:5", "attorneys"
    summary = models.CharField(max_length=300)
    suggestion = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    first_fired_on = models.DateField()
    last_evaluated_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["cleared_on", "-first_fired_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SignalKind.values), name="scaling_signal_kind"
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "subject"],
                condition=Q(cleared_on__isnull=True),
                name="one_active_signal_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def active(self) -> bool:
        return self.cleared_on is None
