"""Template filters for durations kept as whole minutes."""

from django import template

register = template.Library()


@register.filter
def hours_minutes(minutes: int | None) -> str:
    """90 → '1:30', 5 → '0:05' (hours and minutes, as timesheets show them)."""
    if minutes is None or minutes == "":
        return ""
    minutes = int(minutes)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
