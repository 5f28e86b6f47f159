"""`{{ cents|usd }}`: integer cents shown as dollars, the one way money is displayed."""

from django import template

from counselbench.core.money import format_usd

register = template.Library()


@register.filter
def usd(cents: int | None) -> str:
    return "—" if cents is None else format_usd(int(cents))
