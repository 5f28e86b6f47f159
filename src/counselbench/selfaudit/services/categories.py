"""A firm's task taxonomy and market rates: set-up, editing, and category suggestions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import Invalid
from counselbench.organizations.models import Organization
from counselbench.selfaudit.models import (
    AuditPeriod,
    LicenseLevel,
    MarketRate,
    TaskCategory,
    TaskEntry,
)
from counselbench.selfaudit.suggest import Suggester, Suggestion, taxonomy_training_examples
from counselbench.selfaudit.taxonomy import (
    CATEGORY_VOCABULARY,
    DEFAULT_MARKET_RATES,
    SHIPPED_CATEGORIES,
)


def ensure_firm_setup(organization: Organization) -> None:
    """Give a firm its own copy of the shipped taxonomy and market rates (idempotent)."""
    TaskCategory.objects.bulk_create(
        [
            TaskCategory(
                organization=organization,
                key=key,
                name=name,
                level=level,
                description=description,
                examples=examples,
            )
            for key, name, level, description, examples in SHIPPED_CATEGORIES
        ],
        ignore_conflicts=True,
    )
    MarketRate.objects.bulk_create(
        [
            MarketRate(
                organization=organization, level=level, hourly_rate_cents=cents, source=source
            )
            for level, cents, source in DEFAULT_MARKET_RATES
        ],
        ignore_conflicts=True,
    )


# --- Category suggestions ------------------------------------------------------------------


def suggester_for(organization_id: int) -> Suggester:
    """The firm's suggester: its taxonomy and every entry it has categorized (its corrections)."""
    categories = list(
        TaskCategory.objects.filter(organization_id=organization_id, retired_at__isnull=True)
    )
    by_key = {c.key: c.pk for c in categories}
    examples = taxonomy_training_examples(
        [(c.pk, c.name, c.description, c.examples) for c in categories],
        {by_key[k]: words for k, words in CATEGORY_VOCABULARY.items() if k in by_key},
    )
    learned = (
        TaskEntry.objects.filter(
            audit__organization_id=organization_id, category_id__in=by_key.values()
        )
        .values_list("description", "category_id")
        .distinct()[:20_000]
    )
    return Suggester(examples + list(learned))


def suggestions(
    actor: Actor, *, audit_id: int, limit: int = 200
) -> list[tuple[TaskEntry, Suggestion | None]]:
    """Suggested categories for the audit's uncategorized entries the actor may see."""
    from counselbench.selfaudit.selectors import entries

    audit = fetch(actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    suggester = suggester_for(audit.organization_id)
    return [
        (entry, suggester.suggest(entry.description))
        for entry in entries(actor, audit, uncategorized=True)[:limit]
    ]


# --- Editing the taxonomy and market rates ---------------------------------------------------


def _refuse_taken_name(organization_id: int, name: str, *, other_than: int | None = None) -> None:
    """Two categories in use may not share a name (a retired one may: history keeps it)."""
    taken = TaskCategory.objects.filter(
        organization_id=organization_id, name__iexact=name, retired_at__isnull=True
    )
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        raise Invalid.field("name", f"There is already a category named “{name}”.")


def add_category(
    actor: Actor,
    *,
    name: str,
    level: str,
    description: str = "",
    examples: list[str] | None = None,
    request: HttpRequest | None = None,
) -> TaskCategory:
    require(actor, Action.CREATE, TaskCategory, "Only the firm's owner edits the taxonomy.")
    organization = actor.current_organization
    name = (name or "").strip()
    if not name:
        raise Invalid.field("name", "Name the category.")
    _refuse_taken_name(organization.pk, name)
    if level not in LicenseLevel.values:
        raise Invalid.field("level", "Choose attorney, paralegal or administrative.")
    key, n = slugify(name)[:55] or "category", 1
    while TaskCategory.objects.filter(organization=organization, key=key).exists():
        n += 1
        key = f"{slugify(name)[:50]}-{n}"
    category = TaskCategory.objects.create(
        organization=organization,
        key=key,
        name=name,
        level=level,
        description=description.strip(),
        examples=[e.strip() for e in examples or [] if e.strip()],
    )
    log.record("taxonomy.category_added", actor=actor, obj=category, request=request)
    return category


def change_category(
    actor: Actor, *, category_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> TaskCategory:
    """Rename, re-level, re-describe or retire. Retiring keeps every entry's history; a retired
    category is no longer offered for new entries or suggestions."""
    category = fetch(actor, TaskCategory, Action.CHANGE, pk=category_id)
    if "name" in changes:
        if not (changes["name"] or "").strip():
            raise Invalid.field("name", "Name the category.")
        category.name = changes["name"].strip()
    if "level" in changes:
        if changes["level"] not in LicenseLevel.values:
            raise Invalid.field("level", "Choose attorney, paralegal or administrative.")
        category.level = changes["level"]
    if "description" in changes:
        category.description = (changes["description"] or "").strip()
    if "examples" in changes:
        category.examples = [e.strip() for e in changes["examples"] or [] if e.strip()]
    if "retired" in changes:
        category.retired_at = timezone.now() if changes["retired"] else None
    if ("name" in changes or "retired" in changes) and category.retired_at is None:
        _refuse_taken_name(category.organization_id, category.name, other_than=category.pk)
    category.save()
    log.record(
        "taxonomy.category_changed",
        actor=actor,
        obj=category,
        request=request,
        detail={k: str(v) for k, v in changes.items()},
    )
    return category


def change_market_rate(
    actor: Actor,
    *,
    rate_id: int,
    hourly_rate_cents: int | None = None,
    source: str | None = None,
    request: HttpRequest | None = None,
) -> MarketRate:
    rate = fetch(actor, MarketRate, Action.CHANGE, pk=rate_id)
    if hourly_rate_cents is not None:
        if hourly_rate_cents <= 0:
            raise Invalid.field("hourly_rate_cents", "A market rate must be positive.")
        rate.hourly_rate_cents = hourly_rate_cents
    if source is not None:
        if not source.strip():
            raise Invalid.field("source", "Say where the figure comes from.")
        rate.source = source.strip()
    rate.save(update_fields=["hourly_rate_cents", "source"])
    log.record(
        "taxonomy.market_rate_changed",
        actor=actor,
        obj=rate,
        request=request,
        detail={"level": rate.level, "hourly_rate_cents": rate.hourly_rate_cents},
    )
    return rate
