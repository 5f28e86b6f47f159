"""How an insights figure reads on the page: `{{ value|figure:unit }}` (92%, 12.5 h, $95,
25 min, 3.5 days, 4.3 / 5), and "No data" for a figure without data."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from counselbench.core.money import format_usd

register = template.Library()


@register.filter
def figure(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return "No data"
    value = Decimal(value)
    if unit == "ratio":
        return f"{(value * 100).quantize(Decimal('1'), ROUND_HALF_UP)}%"
    if unit == "cents":
        return format_usd(int(value))
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "minutes":
        return f"{value:,.0f} min"
    if unit == "days":
        return f"{value:,.1f} days"
    if unit == "score":
        return f"{value:.1f} / 5"
    return f"{value:,}"


@register.filter
def cell(row: dict, key: str) -> str:
    """A chart row's value as its CSV cell reads ("—" for no data)."""
    from counselbench.insights.services.export import cell as csv_cell

    return csv_cell(row.get(key)) or "—"
