"""What a client is charged for an hour of work, and the invoice arithmetic.

Contractor work is billed as a legal fee, never as a disbursement (ABA Formal Opinion 08-451): at
the firm's own rate for that timekeeper, or at cost × (1 + the engagement's markup), as the
jurisdiction's rule in the markup table allows. Where the rule forbids a markup, or requires a
disclosure the client's consent does not record, the work is billed at cost, and the line says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from counselbench.billing.models import BillingRate, TimeEntry
from counselbench.core.money import format_usd, percent_of, to_cents
from counselbench.engagements.models import MarkupPolicy
from counselbench.engagements.services.markup import markup_rule
from counselbench.matters.models import Consent, Matter


def amount_for(minutes: int, rate_cents: int) -> int:
    """minutes × hourly rate, to the cent (half-up)."""
    return to_cents(Decimal(minutes) * rate_cents / 60)


def marked_up(cost_cents: int, percent: Decimal) -> int:
    return to_cents(Decimal(cost_cents) * (100 + Decimal(percent)) / 100)


@dataclass(frozen=True)
class Pricing:
    rate_cents: int
    amount_cents: int
    contractor_work: bool = False
    cost_rate_cents: int | None = None
    markup_percent: Decimal = Decimal(0)
    note: str = ""


def _firm_rate(organization_id: int, user_id: int, on: date) -> int | None:
    rate = (
        BillingRate.objects.filter(
            organization_id=organization_id, user_id=user_id, effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )
    return rate.rate_cents if rate else None


def price_contractor_work(
    entry: TimeEntry, matter: Matter, consent: Consent | None, firm_rate: int | None
) -> Pricing:
    engagement = entry.engagement
    assert engagement is not None
    cost = entry.rate_cents or engagement.rate_cents
    rule = markup_rule(matter.jurisdiction)
    if rule.jurisdiction == matter.jurisdiction:
        where = f"{matter.jurisdiction} ({rule.source})"
    else:  # the table's default row: say so, lest it read as the state's own rule
        where = (
            f"{matter.jurisdiction} by the markup table's default rule ({rule.source}; "
            f"{matter.jurisdiction} has no row of its own)"
        )

    def at_cost(reason: str) -> Pricing:
        return Pricing(
            cost,
            amount_for(entry.minutes, cost),
            contractor_work=True,
            cost_rate_cents=cost,
            note=f"Billed at cost {format_usd(cost, exact=True)}/h: {reason}",
        )

    wants_more = engagement.markup_percent > 0 or (firm_rate is not None and firm_rate > cost)
    if not wants_more:
        return at_cost("no markup on this engagement.")
    if rule.policy == MarkupPolicy.NOT_ALLOWED:
        return at_cost(f"{where} does not allow a markup on contractor work.")
    if rule.policy == MarkupPolicy.DISCLOSURE_REQUIRED and not (
        consent is not None and consent.markup_disclosed
    ):
        return at_cost(
            f"{where} requires disclosing the markup, and the client's consent does not record "
            "that it was disclosed."
        )
    disclosed = " (markup disclosed in the client's consent)" if consent else ""
    if firm_rate is not None:
        return Pricing(
            firm_rate,
            amount_for(entry.minutes, firm_rate),
            contractor_work=True,
            cost_rate_cents=cost,
            markup_percent=(Decimal(firm_rate - cost) * 100 / cost).quantize(Decimal("0.01")),
            note=f"The firm's rate for this timekeeper, allowed in {where}{disclosed}.",
        )
    rate = marked_up(cost, engagement.markup_percent)
    return Pricing(
        rate,
        amount_for(entry.minutes, rate),
        contractor_work=True,
        cost_rate_cents=cost,
        markup_percent=engagement.markup_percent,
        note=f"Cost {format_usd(cost, exact=True)}/h × (1 + {engagement.markup_percent}%), "
        f"allowed in {where}{disclosed}.",
    )


def price_entry(entry: TimeEntry, matter: Matter, consent: Consent | None) -> Pricing | None:
    """The charge for an approved entry, or None when the firm has no rate for its author."""
    firm_rate = _firm_rate(matter.organization_id, entry.author_id, entry.date)
    if entry.engagement_id is not None:
        return price_contractor_work(entry, matter, consent, firm_rate)
    rate = entry.rate_cents or firm_rate
    if rate is None:
        return None
    return Pricing(rate, amount_for(entry.minutes, rate))


@dataclass(frozen=True)
class Totals:
    subtotal_cents: int
    discount_cents: int
    tax_cents: int
    total_cents: int


def invoice_totals(
    line_amounts: list[int], *, discount_percent: Decimal, tax_percent: Decimal
) -> Totals:
    """Subtotal of the lines, less the discount, plus tax on what remains."""
    subtotal = sum(line_amounts)
    discount = percent_of(max(subtotal, 0), discount_percent)
    tax = percent_of(max(subtotal - discount, 0), tax_percent)
    return Totals(subtotal, discount, tax, subtotal - discount + tax)
