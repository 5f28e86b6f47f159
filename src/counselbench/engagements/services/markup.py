"""Markup rules per jurisdiction (fee-sharing; ABA Formal Opinion 08-451)."""

from __future__ import annotations

from counselbench.engagements.models import MarkupPolicy, MarkupRule

DEFAULT = "*"


def markup_rule(jurisdiction: str) -> MarkupRule:
    """The jurisdiction's own row, else the default row, else the cautious shipped default."""
    rules = {
        r.jurisdiction: r
        for r in MarkupRule.objects.filter(jurisdiction__in=[jurisdiction, DEFAULT])
    }
    return (
        rules.get(jurisdiction)
        or rules.get(DEFAULT)
        or MarkupRule(
            jurisdiction=DEFAULT,
            policy=MarkupPolicy.DISCLOSURE_REQUIRED,
            source="ABA Formal Opinion 08-451",
        )
    )
