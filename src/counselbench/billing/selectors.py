"""Reads for money: accounts-receivable aging, computed as of a date from the payments and
credit notes dated up to it (so a past month's aging is what it was then); the lists the money
pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum

from counselbench.access.policy import Action, Actor, can, visible
from counselbench.billing.models import (
    ContractorStatement,
    CreditNote,
    EntryState,
    Invoice,
    InvoiceState,
)
from counselbench.core.errors import NotFound
from counselbench.matters.models import Matter

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
        assert invoice.issued_on is not None  # every sent invoice has its issue date
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


# --- Reads for the money pages -----------------------------------------------------------------


def statements(
    actor: Actor, *, state: str | None = None, engagement_id: int | None = None
) -> QuerySet[ContractorStatement]:
    """The statements the actor sees (a contractor: their own), newest period first."""
    rows = visible(actor, ContractorStatement).select_related(
        "engagement__professional__user", "engagement__organization"
    )
    if state:
        rows = rows.filter(state=state)
    if engagement_id:
        rows = rows.filter(engagement_id=engagement_id)
    return rows.order_by("-period_end", "-pk")


def invoices(
    actor: Actor, *, state: str | None = None, client_id: int | None = None, q: str = ""
) -> QuerySet[Invoice]:
    """The invoices the actor sees, searched by number, client or matter (number or title)."""
    rows = visible(actor, Invoice).select_related("client", "matter")
    if state:
        rows = rows.filter(state=state)
    if client_id:
        rows = rows.filter(client_id=client_id)
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(client__name__icontains=q)
            | Q(matter__number__icontains=q)
            | Q(matter__title__icontains=q)
        )
    return rows.order_by("-created_at", "-pk")


def invoice_sums(rows: QuerySet[Invoice]) -> dict[str, int]:
    """Total invoiced and still owed over a list (drafts count toward neither)."""
    sums = rows.exclude(state=InvoiceState.DRAFT).aggregate(
        total=Sum("total_cents", default=0),
        balance=Sum(F("total_cents") - F("paid_cents") - F("credited_cents"), default=0),
    )
    return {"total_cents": sums["total"], "balance_cents": sums["balance"]}


def matters_to_invoice(actor: Actor, *, through: date | None = None) -> QuerySet[Matter]:
    """The matters with approved, billable time not yet on an invoice (up to `through`), with how
    much is waiting: what a new invoice can be drafted from (the same entries draft_invoice
    takes)."""
    if not can(actor, Action.CREATE, Invoice):
        return Matter.objects.none()
    waiting = Q(
        time_entries__state=EntryState.APPROVED,
        time_entries__billable=True,
        time_entries__invoice_line__isnull=True,
    )
    if through is not None:
        waiting &= Q(time_entries__date__lte=through)
    return (
        visible(actor, Matter)
        .annotate(
            waiting_entries=Count("time_entries", filter=waiting),
            waiting_minutes=Sum("time_entries__minutes", filter=waiting, default=0),
            waiting_from=Min("time_entries__date", filter=waiting),
            waiting_to=Max("time_entries__date", filter=waiting),
        )
        .filter(waiting_entries__gt=0)
        .select_related("client")
        .order_by("client__name", "number")
    )


def client_invoice(view_key: str) -> Invoice:
    """The invoice behind a client's link (its secret view key): sent ones only, else 404. No
    actor: the key is the client's capability to read this one invoice."""
    invoice = (
        Invoice.objects.exclude(state=InvoiceState.DRAFT)
        .select_related("organization", "client", "matter__responsible_attorney")
        .prefetch_related("lines", "payments", "credit_notes")
        .filter(view_key=view_key[:40])
        .first()
    )
    if invoice is None:
        raise NotFound("No invoice at this link. Ask the firm for a new one.")
    return invoice
