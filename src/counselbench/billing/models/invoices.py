"""Client invoices: drafted from approved time and expenses, numbered without gaps when sent,
immutable from then on (credit notes instead of edits), paid in part or whole, trust included."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class InvoiceState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    VIEWED = "viewed", "Viewed"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"  # credited in full


# Issued and still owed something: what AR aging and reminders look at.
OPEN_INVOICE_STATES = (InvoiceState.SENT, InvoiceState.VIEWED, InvoiceState.PARTIALLY_PAID)


def _view_key() -> str:
    return secrets.token_urlsafe(24)


class Invoice(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    client = models.ForeignKey("matters.Client", on_delete=models.PROTECT, related_name="invoices")
    matter = models.ForeignKey("matters.Matter", on_delete=models.PROTECT, related_name="invoices")
    # Given when the invoice is sent, from the firm's sequence: no gaps, no reuse.
    number = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=16, choices=InvoiceState.choices, default="draft")
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    currency = models.CharField(max_length=3, default="USD")
    # Lines add up to the subtotal; the discount comes off it and the tax is charged on the rest.
    subtotal_cents = models.BigIntegerField(default=0)
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    discount_cents = models.PositiveBigIntegerField(default=0)
    tax_percent = models.DecimalField(
        max_digits=5,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(30))],
    )
    tax_cents = models.PositiveBigIntegerField(default=0)
    total_cents = models.BigIntegerField(default=0)
    paid_cents = models.PositiveBigIntegerField(default=0)
    credited_cents = models.PositiveBigIntegerField(default=0)
    notes = models.TextField(blank=True)
    view_key = models.CharField(max_length=40, default=_view_key, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    viewed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "state", "issued_on"], name="invoice_firm_state"),
            models.Index(fields=["matter", "state"], name="invoice_matter_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                condition=~Q(number=""),
                name="invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(state__in=InvoiceState.values), name="invoice_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | (~Q(number="") & Q(issued_on__isnull=False)),
                name="invoice_issued_numbered",
            ),
            models.CheckConstraint(condition=Q(total_cents__gte=0), name="invoice_total_positive"),
            # Nothing is ever paid or credited beyond what the invoice asks.
            models.CheckConstraint(
                condition=Q(paid_cents__lte=F("total_cents") - F("credited_cents")),
                name="invoice_not_overpaid",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft invoice {self.pk}"

    @property
    def label(self) -> str:
        return self.number or f"Draft {self.pk}"

    @property
    def balance_cents(self) -> int:
        return self.total_cents - self.paid_cents - self.credited_cents

    @property
    def is_draft(self) -> bool:
        return self.state == InvoiceState.DRAFT


class LineKind(models.TextChoices):
    # Contractor work is a legal fee, never a disbursement (ABA Formal Opinion 08-451).
    FEE = "fee", "Legal fee"
    EXPENSE = "expense", "Expense"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=8, choices=LineKind.choices)
    # A time entry is billed on one invoice at most (a deleted draft frees it).
    time_entry = models.OneToOneField(
        "billing.TimeEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_line",
    )
    date = models.DateField()
    timekeeper = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=1000)
    minutes = models.IntegerField(null=True, blank=True)
    rate_cents = models.PositiveIntegerField(null=True, blank=True)
    amount_cents = models.BigIntegerField()
    # Contractor work: what the firm pays for the hour, the markup applied, and why.
    contractor_work = models.BooleanField(default=False)
    cost_rate_cents = models.PositiveIntegerField(null=True, blank=True)
    markup_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    pricing_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LineKind.values), name="line_kind_valid"),
            models.CheckConstraint(
                condition=Q(contractor_work=False) | Q(kind="fee"),
                name="line_contractor_work_is_fee",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    CHECK = "check", "Check"
    ACH = "ach", "ACH transfer"
    WIRE = "wire", "Wire transfer"
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    TRUST = "trust", "From trust"


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.PositiveBigIntegerField()
    received_on = models.DateField()
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    # A payment from trust is the earned-fee transfer that made it.
    trust_transaction = models.OneToOneField(
        "trust.TrustTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_payment",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payment_method_valid"
            ),
            models.CheckConstraint(
                condition=~Q(method="trust") | Q(trust_transaction__isnull=False),
                name="payment_trust_has_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents} on {self.received_on}"


class CreditNote(models.Model):
    """Takes an amount off a sent invoice (an invoice is never edited once sent)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=20)
    amount_cents = models.PositiveBigIntegerField()
    reason = models.TextField()
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="credit_notes"
    )

    class Meta:
        ordering = ["issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="credit_note_number_unique"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="credit_note_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="credit_note_has_reason"),
        ]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The firm's next invoice (or credit note) number. Taken under a row lock in the same
    transaction that issues the document, so numbers have no gaps and are never reused."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12)  # "invoice" or "credit_note"
    prefix = models.CharField(max_length=8)
    next_value = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_value}"


class InvoiceReminder(models.Model):
    """One reminder of the schedule (days from the due date), sent once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipient = models.EmailField()

    class Meta:
        ordering = ["offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "offset_days"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} at {self.offset_days:+d} days"
