"""Job postings: written by a firm's owners and attorneys, seen by professionals anonymized."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch, require
from counselbench.core.errors import FieldError, Invalid
from counselbench.core.usps import US_STATES
from counselbench.selfaudit.models import LicenseLevel, TaskCategory
from counselbench.talent.hours import utc_window, valid_zone
from counselbench.talent.models import (
    CheckInFrequency,
    JobPosting,
    PostingStatus,
    PostingTag,
    PracticeArea,
    ProfessionalRole,
    TagKind,
)
from counselbench.talent.services.profiles import check_tags

TEXT_FIELDS = {
    "title": (True, 200),
    "responsibilities": (True, 5000),
    "secondary_tasks": (False, 5000),
    "performance_metrics": (False, 2000),
    "qualifications": (False, 2000),
    "communication_channels": (False, 200),
}
CHOICE_FIELDS = {
    "role": ProfessionalRole,
    "practice_area": PracticeArea,
    "check_in_frequency": CheckInFrequency,
    "status": PostingStatus,
}
TAGS = {"languages": TagKind.LANGUAGE, "skills": TagKind.SKILL}
REQUIRED_ON_CREATE = ("title", "role", "practice_area", "jurisdiction", "responsibilities")


def _apply(posting: JobPosting, changes: dict[str, Any], actor: Actor) -> tuple[dict, list]:
    """Set every valid field on `posting`; return (tags to save, errors)."""
    errors: list[FieldError] = []
    tags: dict[str, list[str]] = {}
    for name, (required, limit) in TEXT_FIELDS.items():
        if name in changes:
            value = (changes[name] or "").strip()
            if required and not value:
                errors.append(FieldError(name, "Required."))
            elif len(value) > limit:
                errors.append(FieldError(name, f"At most {limit} characters."))
            setattr(posting, name, value)
    for name, choices in CHOICE_FIELDS.items():
        if name in changes:
            if changes[name] not in choices.values:
                errors.append(FieldError(name, f"One of: {', '.join(choices.values)}."))
            else:
                setattr(posting, name, changes[name])
    if "jurisdiction" in changes:
        state = (changes["jurisdiction"] or "").strip().upper()
        if state not in US_STATES:
            errors.append(FieldError("jurisdiction", "A US state code such as TX."))
        posting.jurisdiction = state
    if "attorney_work" in changes:
        posting.attorney_work = bool(changes["attorney_work"])
    if "category_id" in changes:
        category_id = changes["category_id"]
        if category_id is None:
            posting.category = None
        else:
            category = TaskCategory.objects.filter(
                pk=category_id, organization=actor.current_organization, retired_at__isnull=True
            ).first()
            if category is None:
                errors.append(FieldError("category_id", "Not one of your firm's categories."))
            else:
                posting.category = category
                if category.level == LicenseLevel.ATTORNEY:
                    posting.attorney_work = True
    if "time_zone" in changes:
        if not valid_zone(changes["time_zone"] or ""):
            errors.append(FieldError("time_zone", "An IANA time zone such as America/Chicago."))
        else:
            posting.time_zone = changes["time_zone"]
    for name in ("core_start", "core_end"):
        if name in changes:
            if not isinstance(changes[name], time):
                errors.append(FieldError(name, "A time of day such as 09:00."))
            else:
                setattr(posting, name, changes[name])
    for name, low, high in (("overlap_hours", 0, 12), ("hours_per_week", 1, 80)):
        if name in changes:
            value = changes[name]
            if not isinstance(value, int) or not low <= value <= high:
                errors.append(FieldError(name, f"Between {low} and {high}."))
            else:
                setattr(posting, name, value)
    if "duration_weeks" in changes:
        weeks = changes["duration_weeks"]
        if weeks is not None and (not isinstance(weeks, int) or not 1 <= weeks <= 260):
            errors.append(
                FieldError("duration_weeks", "Between 1 and 260, or empty for open-ended.")
            )
        else:
            posting.duration_weeks = weeks
    for name in ("budget_low_cents", "budget_high_cents"):
        if name in changes:
            cents = changes[name]
            if cents is None and name == "budget_low_cents":
                posting.budget_low_cents = None
            elif not isinstance(cents, int) or not 0 < cents <= 100_000:
                errors.append(FieldError(name, "Between $0.01 and $1,000 an hour."))
            else:
                setattr(posting, name, cents)
    if (
        posting.budget_low_cents
        and posting.budget_high_cents
        and posting.budget_low_cents > posting.budget_high_cents
    ):
        errors.append(FieldError("budget_low_cents", "The low end is above the high end."))
    if posting.attorney_work and posting.role != ProfessionalRole.CONTRACT_ATTORNEY:
        errors.append(
            FieldError("attorney_work", "Attorney-level work can only go to a contract attorney.")
        )
    if posting.core_start == posting.core_end:
        errors.append(FieldError("core_end", "Core hours must not start and end together."))
    for name, kind in TAGS.items():
        if name in changes:
            tags[name], more = check_tags(kind, list(changes[name] or []), name)
            errors += more
    return tags, errors


def _save(posting: JobPosting, tags: dict[str, list[str]]) -> None:
    posting.core_start_utc, posting.core_end_utc = utc_window(
        posting.time_zone, posting.core_start, posting.core_end
    )
    posting.save()
    for name, values in tags.items():
        kind = TAGS[name]
        posting.tags.filter(kind=kind).delete()
        PostingTag.objects.bulk_create(
            PostingTag(posting=posting, kind=kind, value=v) for v in values
        )


def create_posting(
    actor: Actor, *, data: dict[str, Any], request: HttpRequest | None = None
) -> JobPosting:
    require(actor, Action.CREATE, JobPosting, "Only the firm's owners and attorneys post roles.")
    posting = JobPosting(organization=actor.current_organization, created_by=actor.user)
    missing = [FieldError(n, "Required.") for n in REQUIRED_ON_CREATE if data.get(n) in (None, "")]
    if "budget_high_cents" not in data:
        missing.append(FieldError("budget_high_cents", "Required: the most you would pay an hour."))
    if "hours_per_week" not in data:
        missing.append(FieldError("hours_per_week", "Required."))
    tags, errors = _apply(posting, data, actor)
    errors = missing + [e for e in errors if e.path not in {m.path for m in missing}]
    if errors:
        raise Invalid("Some posting fields are not valid.", fields=errors)
    with transaction.atomic():
        _save(posting, tags)
        log.record("talent.posting_created", actor=actor, obj=posting, request=request)
    return posting


def update_posting(
    actor: Actor, *, posting_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> JobPosting:
    posting = fetch(actor, JobPosting, Action.CHANGE, pk=posting_id)
    tags, errors = _apply(posting, changes, actor)
    if errors:
        raise Invalid("Some posting fields are not valid.", fields=errors)
    with transaction.atomic():
        _save(posting, tags)
        log.record(
            "talent.posting_changed",
            actor=actor,
            obj=posting,
            request=request,
            detail={"fields": sorted(changes)},
        )
    return posting


def delete_posting(actor: Actor, *, posting_id: int, request: HttpRequest | None = None) -> None:
    posting = fetch(actor, JobPosting, Action.DELETE, pk=posting_id)
    with transaction.atomic():
        log.record(
            "talent.posting_deleted",
            actor=actor,
            obj=posting,
            request=request,
            detail={"title": posting.title},
        )
        posting.delete()


def anonymized_text(posting: JobPosting, text: str) -> str:
    """The text with the firm's name (and each distinctive word of it) blanked out. Clients are
    not named in postings (the form says so); the engagement's NDA reveals who the firm is."""
    return redact_firm(posting.organization.name, text)


def redact_firm(name: str, text: str) -> str:
    """`text` with the firm's `name`, and each distinctive word of it, blanked out."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z&'.-]{2,}", name) if w.lower() not in _GENERIC]
    for pattern in [re.escape(name), *(rf"\b{re.escape(w)}\b" for w in words)]:
        text = re.sub(pattern, "[the firm]", text, flags=re.IGNORECASE)
    return re.sub(r"\[the firm\](?:[\s&,]*\[the firm\])+", "[the firm]", text).strip()


_GENERIC = {
    "llp",
    "llc",
    "pllc",
    "law",
    "firm",
    "group",
    "the",
    "and",
    "office",
    "offices",
    "legal",
}


def anonymized(posting: JobPosting) -> dict[str, Any]:
    """What a professional sees before an engagement's NDA: no firm, no names."""
    return {
        "id": posting.pk,
        "title": anonymized_text(posting, posting.title),
        "role": posting.role,
        "practice_area": posting.practice_area,
        "attorney_work": posting.attorney_work,
        "jurisdiction": posting.jurisdiction,
        **{
            name: anonymized_text(posting, getattr(posting, name))
            for name in (
                "responsibilities",
                "secondary_tasks",
                "performance_metrics",
                "qualifications",
                "communication_channels",
            )
        },
        "check_in_frequency": posting.check_in_frequency,
        "time_zone": posting.time_zone,
        "core_start": posting.core_start,
        "core_end": posting.core_end,
        "overlap_hours": posting.overlap_hours,
        "hours_per_week": posting.hours_per_week,
        "duration_weeks": posting.duration_weeks,
        "budget_low_cents": posting.budget_low_cents,
        "budget_high_cents": posting.budget_high_cents,
        "languages": sorted(t.value for t in posting.tags.all() if t.kind == TagKind.LANGUAGE),
        "skills": sorted(t.value for t in posting.tags.all() if t.kind == TagKind.SKILL),
    }
