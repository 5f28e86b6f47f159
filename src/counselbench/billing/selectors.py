"""Reads for money: accounts-receivable aging, computed as of a date from the payments and
credit notes dated up to it (so a past month's aging is what it was then)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum

from counselbench.access.policy import Actor, visible
from counselbench.billing.models import CreditNote, Invoice, InvoiceState

# (label, oldest age in days, youngest) by days since the invoice was issued.
BUCKETS = (("0–30", 0, 30), ("31–60", 31, 60), ("61–90", 61, 90), ("90+", 91, None))


def bucket_of(age_days: int) -> str:
    for label, low, high in BUCKETS:
        if age_days >= low and (high is None or age_days <= high):
            return label
    raise ValueError(f"an age of {age_days} days")  # an invoice issued after the date


@dataclass
class AgingRow:
    client_id: int
    client: str
    buckets: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in BUCKETS})
    invoices: list[dict] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(self.buckets.values())


@dataclass
class Aging:
    as_of: date
    rows: list[AgingRow]

    @property
    def totals(self) -> dict[str, int]:
        return {label: sum(r.buckets[label] for r in self.rows) for label, _, _ in BUCKETS}

    @property
    def total_cents(self) -> int:
        return sum(self.totals.values())


def ar_aging(actor: Actor, *, as_of: date) -> Aging:
    """What clients owed on `as_of`, by client and by age since the invoice was issued."""
    invoices = (
        visible(actor, Invoice)
        .exclude(state=InvoiceState.DRAFT)
        .filter(issued_on__lte=as_of)
        .select_related("client")
        .annotate(
            paid_by=Sum(
                "payments__amount_cents", filter=Q(payments__received_on__lte=as_of), default=0
            )
        )
        .order_by("client__name", "issued_on", "pk")
    )
    credits = dict(
        CreditNote.objects.filter(invoice__in=invoices, issued_on__lte=as_of)
        .values("invoice_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("invoice_id", "total")
    )
    rows: dict[int, AgingRow] = {}
    for invoice in invoices:
        owed = invoice.total_cents - invoice.paid_by - credits.get(invoice.pk, 0)
        if owed <= 0:
            continue
        age = (as_of - invoice.issued_on).days
        row = rows.setdefault(invoice.client_id, AgingRow(invoice.client_id, invoice.client.name))
        label = bucket_of(age)
        row.buckets[label] += owed
        row.invoices.append(
            {
                "id": invoice.pk,
                "number": invoice.number,
                "issued_on": invoice.issued_on,
                "due_on": invoice.due_on,
                "age_days": age,
                "bucket": label,
                "balance_cents": owed,
            }
        )
    return Aging(as_of, list(rows.values()))
