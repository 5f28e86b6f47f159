"""The self-audit (PRODUCT §2.1): a firm's task taxonomy, market rates, audit periods, who took
part at what hourly value, and the task log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class LicenseLevel(models.TextChoices):
    ATTORNEY = "attorney", "Attorney"
    PARALEGAL = "paralegal", "Paralegal"
    ADMINISTRATIVE = "administrative", "Administrative"


# Higher rank = more qualified. Work below a person's rank is outsourceable.
LEVEL_RANK: dict[str, int] = {
    LicenseLevel.ADMINISTRATIVE: 1,
    LicenseLevel.PARALEGAL: 2,
    LicenseLevel.ATTORNEY: 3,
}


class TaskCategory(models.Model):
    """A firm's own copy of the taxonomy: rename, re-level or retire without touching history."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="task_categories"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=20, choices=LicenseLevel.choices)
    description = models.CharField(max_length=300, blank=True)
    examples = models.JSONField(default=list, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "task categories"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="task_category_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__in=LicenseLevel.values), name="task_category_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MarketRate(models.Model):
    """What a professional of a level costs per hour on the market, and the source of the figure."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="market_rates"
    )
    level = models.CharField(max_length=20, choices=LicenseLevel.choices)
    hourly_rate_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    source = models.CharField(max_length=500)

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "level"], name="market_rate_unique"),
            models.CheckConstraint(
                condition=Q(hourly_rate_cents__gt=0), name="market_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.hourly_rate_cents / 100:.2f}/h"


class AuditPeriod(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="audits"
    )
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The process the firm chose to outsource first (the recommendation, or another pick).
    chosen_category = models.ForeignKey(
        "TaskCategory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="audit_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Participant(models.Model):
    """A member taking part in an audit, at the hourly value their time is worth to the firm
    (billing rate for attorneys, loaded cost for staff)."""

    audit = models.ForeignKey(AuditPeriod, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=20, choices=LicenseLevel.choices)
    hourly_value_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "user"], name="participant_unique"),
            models.CheckConstraint(
                condition=Q(hourly_value_cents__gt=0), name="participant_value_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.audit}"


class TaskEntry(models.Model):
    audit = models.ForeignKey(AuditPeriod, on_delete=models.CASCADE, related_name="entries")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()
    minutes = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    category = models.ForeignKey(
        TaskCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = "task entries"
        indexes = [
            models.Index(fields=["audit", "category"]),
            models.Index(fields=["participant", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0) & Q(minutes__lte=24 * 60),
                name="task_entry_minutes_in_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.minutes} min: {self.description[:40]}"


class LoggedMinutes(models.Model):
    """The task log's running totals: minutes per person and category (NULL: uncategorized).
    The hit list reads these instead of summing a year of a large firm's entries on every view.
    Every service that writes entries keeps them in step, in the same transaction; tests check
    they always equal the sum of the entries."""

    audit = models.ForeignKey(AuditPeriod, on_delete=models.CASCADE, related_name="totals")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        TaskCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveBigIntegerField()

    class Meta:
        verbose_name_plural = "logged minutes"
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "participant", "category"],
                condition=Q(category__isnull=False),
                name="logged_minutes_unique",
            ),
            models.UniqueConstraint(
                fields=["audit", "participant"],
                condition=Q(category__isnull=True),
                name="logged_minutes_uncategorized_unique",
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="logged_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min in {self.audit}"


class FitAnswer(models.Model):
    """The owner's answers for one category (PRODUCT §2.1): the four-question fit test, any "yes"
    making it a candidate, plus the two facts the "start with one" recommendation needs."""

    audit = models.ForeignKey(AuditPeriod, on_delete=models.CASCADE, related_name="fit_answers")
    category = models.ForeignKey(TaskCategory, on_delete=models.CASCADE, related_name="+")
    attorneys_doing_it = models.BooleanField(
        null=True, help_text="Are attorneys doing non-JD work here?"
    )
    team_falling_behind = models.BooleanField(
        null=True, help_text="Is the team falling behind on it?"
    )
    losing_billable_time = models.BooleanField(
        null=True, help_text="Is it costing billable time, or making you turn work away?"
    )
    others_could_do_it = models.BooleanField(
        null=True, help_text="Could someone else do it with clear instructions?"
    )
    core_practice = models.BooleanField(null=True, help_text="Is it part of the core practice?")
    sensitive = models.BooleanField(
        null=True, help_text="Does it touch revenue directly or need close supervision?"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    QUESTIONS = (
        "attorneys_doing_it",
        "team_falling_behind",
        "losing_billable_time",
        "others_could_do_it",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "category"], name="fit_answer_unique")
        ]

    def __str__(self) -> str:
        return f"Fit test of {self.category} in {self.audit}"

    @property
    def verdict(self) -> str:
        """'candidate' on any yes, 'in-house' when all four are no, else 'unanswered'."""
        answers = [getattr(self, q) for q in self.QUESTIONS]
        if any(a is True for a in answers):
            return "candidate"
        return "in-house" if all(a is False for a in answers) else "unanswered"
