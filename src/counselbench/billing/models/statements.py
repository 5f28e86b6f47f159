"""Contractor statements: what the firm owes a professional for a pay period of an engagement,
from approved time (or the flat or monthly fee), with a due date from the engagement's terms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class StatementState(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"


class PayoutMethod(models.TextChoices):
    ACH = "ach", "ACH transfer"
    WIRE = "wire", "Wire transfer"
    CHECK = "check", "Check"
    OTHER = "other", "Other"


class ContractorStatement(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="statements"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="statements"
    )
    # The firm's own sequence (ST-00001, ...), given when the statement is issued.
    number = models.CharField(max_length=20)
    period_start = models.DateField()
    period_end = models.DateField()
    minutes = models.IntegerField(default=0)
    amount_cents = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, default="USD")
    due_on = models.DateField()
    state = models.CharField(
        max_length=8, choices=StatementState.choices, default=StatementState.ISSUED
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    paid_method = models.CharField(max_length=8, choices=PayoutMethod.choices, blank=True)
    paid_reference = models.CharField(max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    paid_recorded_at = models.DateTimeField(null=True, blank=True)
    # The late-payment alerts (before and after the due date), each sent once.
    due_soon_alerted_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        indexes = [
            models.Index(fields=["organization", "state", "due_on"], name="statement_firm_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "period_start"], name="statement_one_per_period"
            ),
            models.UniqueConstraint(
                fields=["organization", "number"], name="statement_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(state__in=StatementState.values), name="statement_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="statement_period_order",
            ),
            # A paid statement says when, how and by which reference.
            models.CheckConstraint(
                condition=Q(state="issued") | (Q(paid_on__isnull=False) & ~Q(paid_method="")),
                name="statement_paid_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.period_start}–{self.period_end}"

    def is_overdue(self, today) -> bool:
        return self.state == StatementState.ISSUED and self.due_on < today


class StatementLine(models.Model):
    statement = models.ForeignKey(
        ContractorStatement, on_delete=models.PROTECT, related_name="lines"
    )
    # An approved entry is paid on exactly one statement.
    time_entry = models.OneToOneField(
        "billing.TimeEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_line",
    )
    date = models.DateField()
    description = models.CharField(max_length=1000)
    minutes = models.IntegerField(null=True, blank=True)
    rate_cents = models.PositiveIntegerField(null=True, blank=True)
    amount_cents = models.BigIntegerField()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.description
