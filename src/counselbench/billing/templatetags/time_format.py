"""Minutes as a person reads them: 90 → "1:30", -30 → "-0:30"."""

from django import template

register = template.Library()


@register.filter
def hm(minutes) -> str:
    if minutes in (None, ""):
        return ""
    minutes = int(minutes)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
