"""Trust (IOLTA) accounting (PRODUCT §2.6; ABA Model Rule 1.15 and the ABA Model Rules for Client
Trust Account Records): trust bank accounts, per-client and per-matter ledgers, an append-only
journal of entries, requests an attorney authorizes, monthly three-way reconciliations, and
evergreen retainers.

Integrity lives in the database: a ledger balance below zero violates a check constraint, entries
cannot be updated or deleted (triggers, migration 0002), and each entry is reversed at most once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TrustAccount(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="trust_accounts"
    )
    name = models.CharField(max_length=120)
    bank_name = models.CharField(max_length=120)
    account_last4 = models.CharField(max_length=4)
    currency = models.CharField(max_length=3, default="USD")
    # The sum of the account's ledgers, kept with every entry (the journal's running total).
    balance_cents = models.BigIntegerField(default=0)
    entry_count = models.PositiveIntegerField(default=0)
    # Model Rule 1.15(b): firm money in trust only to cover bank charges, and no more than that.
    firm_funds_limit_cents = models.PositiveBigIntegerField(default=50_000)
    opened_on = models.DateField()
    # The last day of the newest signed-off month: nothing is posted dated on or before it.
    locked_through = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="trust_account_name"),
            models.CheckConstraint(
                condition=Q(balance_cents__gte=0), name="trust_account_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (…{self.account_last4})"


class LedgerKind(models.TextChoices):
    CLIENT = "client", "Client"
    FIRM_FUNDS = "firm_funds", "Firm funds for bank charges"


class TrustLedger(models.Model):
    """One client's money in the account (for one matter, or the client as a whole), or the
    firm's own small deposit that pays the bank's charges."""

    account = models.ForeignKey(TrustAccount, on_delete=models.PROTECT, related_name="ledgers")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=LedgerKind.choices, default=LedgerKind.CLIENT)
    client = models.ForeignKey(
        "matters.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trust_ledgers",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trust_ledgers",
    )
    balance_cents = models.BigIntegerField(default=0)
    # The newest entry's date: money may not leave a ledger dated before it (so the balance
    # is never negative on any day, not only today).
    last_entry_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client__name", "matter__number", "pk"]
        constraints = [
            # A client ledger never goes below zero (Model Rule 1.15; the service refuses first).
            models.CheckConstraint(
                condition=Q(balance_cents__gte=0), name="trust_ledger_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind="client") & Q(client__isnull=False))
                | (Q(kind="firm_funds") & Q(client__isnull=True) & Q(matter__isnull=True)),
                name="trust_ledger_kind_owner",
            ),
            models.UniqueConstraint(
                fields=["account", "client"],
                condition=Q(matter__isnull=True, kind="client"),
                name="trust_ledger_one_per_client",
            ),
            models.UniqueConstraint(
                fields=["account", "matter"],
                condition=Q(matter__isnull=False),
                name="trust_ledger_one_per_matter",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(kind="firm_funds"),
                name="trust_ledger_one_firm_funds",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == LedgerKind.FIRM_FUNDS:
            return "Firm funds (bank charges)"
        if self.matter_id:
            return f"{self.client} — {self.matter.number}"
        return str(self.client)


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit", "Deposit"
    DISBURSEMENT = "disbursement", "Disbursement"
    EARNED_FEE = "earned_fee", "Earned fee to operating"
    BANK_FEE = "bank_fee", "Bank charge"
    REVERSAL = "reversal", "Reversal"


# Money leaving a ledger: only an attorney authorizes these (or approves a staff request).
OUTGOING_KINDS = (EntryKind.DISBURSEMENT, EntryKind.EARNED_FEE, EntryKind.BANK_FEE)


class EntryMethod(models.TextChoices):
    CHECK = "check", "Check"
    ACH = "ach", "ACH"
    WIRE = "wire", "Wire"
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    TRANSFER = "transfer", "Internal transfer"
    BANK = "bank", "Bank"


class TrustTransaction(models.Model):
    """One journal entry. Never updated or deleted: a mistake is corrected by a reversal."""

    account = models.ForeignKey(TrustAccount, on_delete=models.PROTECT, related_name="entries")
    ledger = models.ForeignKey(TrustLedger, on_delete=models.PROTECT, related_name="entries")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    # Posting order in the account (1, 2, 3 ...): the running balances follow it.
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    # Into the ledger positive, out of it negative.
    amount_cents = models.BigIntegerField()
    date = models.DateField()
    payee_payor = models.CharField(max_length=200)
    purpose = models.CharField(max_length=500)
    method = models.CharField(max_length=8, choices=EntryMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trust_entries",
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)
    # The attorney who authorized money out (the poster, or the approver of a staff request).
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ledger_balance_after_cents = models.BigIntegerField()
    account_balance_after_cents = models.BigIntegerField()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["account", "date"], name="trust_entry_account_date"),
            models.Index(fields=["ledger", "sequence"], name="trust_entry_ledger_seq"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="trust_entry_sequence"),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="trust_entry_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(amount_cents=0), name="trust_entry_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind="deposit") | Q(amount_cents__gt=0),
                name="trust_deposit_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["disbursement", "earned_fee", "bank_fee"])
                | (Q(amount_cents__lt=0) & Q(authorized_by__isnull=False)),
                name="trust_outgoing_authorized",
            ),
            models.CheckConstraint(
                condition=~Q(kind="earned_fee") | Q(invoice__isnull=False),
                name="trust_earned_fee_invoice",
            ),
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="trust_reversal_names_entry",
            ),
            models.CheckConstraint(
                condition=Q(ledger_balance_after_cents__gte=0), name="trust_entry_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()} {self.amount_cents}"


class RequestState(models.TextChoices):
    PENDING = "pending", "Awaiting an attorney"
    APPROVED = "approved", "Approved and posted"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class TrustRequest(models.Model):
    """Money out asked for by billing staff; posted only when an attorney approves it (the
    approval is the record that staff acted under an attorney's authority)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    ledger = models.ForeignKey(TrustLedger, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount_cents = models.BigIntegerField()
    payee_payor = models.CharField(max_length=200)
    purpose = models.CharField(max_length=500)
    method = models.CharField(max_length=8, choices=EntryMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The matter the entry will record (see TrustTransaction.matter).
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=RequestState.choices, default="pending")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    transaction = models.OneToOneField(
        TrustTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["disbursement", "earned_fee"]), name="trust_request_kind"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="trust_request_positive"),
            models.CheckConstraint(
                condition=(Q(state="approved") & Q(transaction__isnull=False))
                | (~Q(state="approved") & Q(transaction__isnull=True)),
                name="trust_request_posted_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.amount_cents} ({self.state})"


class ReconciliationState(models.TextChoices):
    OPEN = "open", "Open"
    LOCKED = "locked", "Signed off and locked"


class Reconciliation(models.Model):
    """One month of one account: the bank statement's balance against the trust journal and the
    sum of the client ledgers. Signed off, it locks the month."""

    account = models.ForeignKey(
        TrustAccount, on_delete=models.PROTECT, related_name="reconciliations"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month reconciled")
    statement_balance_cents = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(
        max_length=8, choices=ReconciliationState.choices, default=ReconciliationState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # Frozen at sign-off: the figures and the lists the report shows.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="reconciliation_month"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(signed_off_at__isnull=False),
                name="reconciliation_locked_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.month:%B %Y}"


class BankStatementLine(models.Model):
    """A line of the bank's statement for the month; matched to a journal entry, it clears it."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="bank_lines"
    )
    date = models.DateField()
    description = models.CharField(max_length=300)
    amount_cents = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)
    entry = models.OneToOneField(
        TrustTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_line",
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="bank_line_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount_cents}"


class Retainer(models.Model):
    """An evergreen retainer: the matter's trust balance is kept near `target`; falling below
    `floor` sends the client a replenishment request."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="retainers"
    )
    matter = models.OneToOneField("matters.Matter", on_delete=models.PROTECT, related_name="+")
    ledger = models.OneToOneField(TrustLedger, on_delete=models.PROTECT, related_name="retainer")
    target_cents = models.PositiveBigIntegerField()
    floor_cents = models.PositiveBigIntegerField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["matter__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_cents__lt=models.F("target_cents")),
                name="retainer_floor_below_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Retainer on {self.matter}"


class Replenishment(models.Model):
    """A request to the client to top the retainer back up to its target."""

    retainer = models.ForeignKey(Retainer, on_delete=models.PROTECT, related_name="requests")
    amount_cents = models.PositiveBigIntegerField()
    balance_cents = models.BigIntegerField()
    requested_at = models.DateTimeField(default=timezone.now)
    recipient = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    satisfied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["retainer"],
                condition=Q(satisfied_at__isnull=True),
                name="replenishment_one_open",
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="replenishment_positive"),
        ]

    def __str__(self) -> str:
        return f"Replenish {self.amount_cents} on {self.retainer}"
