"""`{{ cents|usd }}`: integer cents shown as dollars, the one way money is displayed;
`{{ cents|usd_exact }}` always shows the cents (invoices, statements, ledgers)."""

from decimal import Decimal

from django import template

from counselbench.core.money import format_usd

register = template.Library()


@register.filter
def usd(cents: int | None) -> str:
    return "—" if cents is None else format_usd(int(cents))


@register.filter
def usd_exact(cents: int | None) -> str:
    return "—" if cents is None else format_usd(int(cents), exact=True)


@register.filter
def dollars(cents: int | None) -> str:
    """Cents as a plain dollar figure for a form field: 125050 → '1250.50'."""
    return "" if cents is None else f"{Decimal(int(cents)) / 100:.2f}"
