"""Filters for the reconciliation figures, which carry dates as ISO text (they are frozen as
JSON at sign-off): `{{ item.date|iso_date|date:"M j" }}`, `{{ month|month_end }}`."""

from __future__ import annotations

from datetime import date

from django import template

from counselbench.trust.services.reconciliation import month_end as last_day

register = template.Library()


@register.filter
def iso_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def month_end(value: date | str | None) -> date | None:
    day = iso_date(value)
    return None if day is None else last_day(day)


@register.filter
def negate(cents: int | None) -> int | None:
    """Money out is stored negative; a column headed "Out" shows it positive."""
    return None if cents is None else -int(cents)
