"""How money documents show time, rates and lines: 90 minutes → "1.50" hours (the way invoices
and statements count time), 10.00 → "10" and 8.250 → "8.25" for percentages, the lines of one
kind and their sum, and when a reminder went relative to the due date."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours(minutes) -> str:
    if minutes in (None, ""):
        return ""
    return f"{Decimal(int(minutes)) / 60:.2f}"


@register.filter
def percent(value) -> str:
    if value in (None, ""):
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def of_kind(lines, kind: str) -> list:
    """The invoice lines of one kind ("fee" or "expense"), in their order."""
    return [line for line in lines if line.kind == kind]


@register.filter
def amount_total(rows) -> int:
    return sum(row.amount_cents for row in rows)


@register.filter
def minutes_total(rows) -> int:
    return sum(row.minutes or 0 for row in rows)


@register.filter
def reminder_offset(days: int) -> str:
    """-3 → "3 days before the due date", 0 → "on the due date", 7 → "7 days after it"."""
    days = int(days)
    if days == 0:
        return "on the due date"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'before' if days < 0 else 'after'} the due date"
