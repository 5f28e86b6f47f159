"""A professional's own profile and bar admissions; provider staff verify admissions."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid
from counselbench.core.usps import US_STATES
from counselbench.talent import indexing
from counselbench.talent.hours import utc_window, valid_zone
from counselbench.talent.models import (
    BarAdmission,
    BarStatus,
    Classification,
    PracticeArea,
    ProfessionalProfile,
    ProfileTag,
    TagKind,
)

PLAIN_FIELDS = ("headline", "bio", "phone")
TAG_FIELDS = {
    "practice_areas": TagKind.PRACTICE_AREA,
    "languages": TagKind.LANGUAGE,
    "skills": TagKind.SKILL,
    "software": TagKind.SOFTWARE,
}
MAX_TAGS = 30


def normalize_tag(kind: str, value: str) -> str:
    """Tags are lower case with single spaces, so they compare exactly in SQL; languages are
    ISO 639-1 codes."""
    return " ".join(str(value).split()).lower()


def check_tags(kind: str, values: list[str], path: str) -> tuple[list[str], list[FieldError]]:
    cleaned, errors = [], []
    for index, raw in enumerate(values):
        value = normalize_tag(kind, raw)
        if not value or len(value) > 60:
            errors.append(FieldError(f"{path}.{index}", "Between 1 and 60 characters."))
        elif kind == TagKind.PRACTICE_AREA and value not in PracticeArea.values:
            errors.append(FieldError(f"{path}.{index}", f"Unknown practice area “{raw}”."))
        elif kind == TagKind.LANGUAGE and not (len(value) == 2 and value.isalpha()):
            errors.append(FieldError(f"{path}.{index}", "Use a two-letter code such as en or es."))
        elif value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_TAGS:
        errors.append(FieldError(path, f"At most {MAX_TAGS}."))
    return cleaned, errors


def set_tags(profile: ProfessionalProfile, kind: str, values: list[str]) -> None:
    ProfileTag.objects.filter(profile=profile, kind=kind).exclude(value__in=values).delete()
    have = set(
        ProfileTag.objects.filter(profile=profile, kind=kind).values_list("value", flat=True)
    )
    ProfileTag.objects.bulk_create(
        ProfileTag(profile=profile, kind=kind, value=v) for v in values if v not in have
    )


def my_profile(actor: Actor) -> ProfessionalProfile:
    return fetch(actor, ProfessionalProfile, user=actor.authenticated_user)


def update_profile(
    actor: Actor, *, changes: dict[str, Any], request: HttpRequest | None = None
) -> ProfessionalProfile:
    """Change the actor's own profile. Every bad field is named; nothing changes unless all pass."""
    profile = fetch(actor, ProfessionalProfile, Action.CHANGE, user=actor.authenticated_user)
    errors: list[FieldError] = []
    tags: dict[str, list[str]] = {}
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(profile, name, (changes[name] or "").strip())
    if "years_experience" in changes:
        years = changes["years_experience"]
        if not isinstance(years, int) or not 0 <= years <= 70:
            errors.append(FieldError("years_experience", "Between 0 and 70."))
        else:
            profile.years_experience = years
    if "hourly_rate_cents" in changes:
        cents = changes["hourly_rate_cents"]
        if not isinstance(cents, int) or not 0 < cents <= 100_000:
            errors.append(FieldError("hourly_rate_cents", "Between $0.01 and $1,000 an hour."))
        else:
            profile.hourly_rate_cents = cents
    if "hours_available" in changes:
        hours = changes["hours_available"]
        if not isinstance(hours, int) or not 0 <= hours <= 80:
            errors.append(FieldError("hours_available", "Between 0 and 80 hours a week."))
        else:
            profile.hours_available = hours
    if "classification" in changes:
        if changes["classification"] not in Classification.values:
            errors.append(FieldError("classification", "Choose 1099, w2_agency or either."))
        else:
            profile.classification = changes["classification"]
    if "country" in changes:
        country = (changes["country"] or "").strip().upper()
        if not (len(country) == 2 and country.isalpha()):
            errors.append(FieldError("country", "A two-letter country code such as US."))
        else:
            profile.country = country
    if "state" in changes:
        state = (changes["state"] or "").strip().upper()
        if state and state not in US_STATES:
            errors.append(FieldError("state", "A US state code such as TX, or empty."))
        else:
            profile.state = state
    if "time_zone" in changes:
        if not valid_zone(changes["time_zone"] or ""):
            errors.append(FieldError("time_zone", "An IANA time zone such as America/Chicago."))
        else:
            profile.time_zone = changes["time_zone"]
    for name in ("work_start", "work_end"):
        if name in changes:
            if not isinstance(changes[name], time):
                errors.append(FieldError(name, "A time of day such as 09:00."))
            else:
                setattr(profile, name, changes[name])
    if profile.work_start == profile.work_end:
        errors.append(FieldError("work_end", "Working hours must not start and end together."))
    for name, kind in TAG_FIELDS.items():
        if name in changes:
            tags[name], tag_errors = check_tags(kind, list(changes[name] or []), name)
            errors += tag_errors
    if errors:
        raise Invalid("Some profile fields are not valid.", fields=errors)
    profile.work_start_utc, profile.work_end_utc = utc_window(
        profile.time_zone, profile.work_start, profile.work_end
    )
    with transaction.atomic():
        profile.save()
        for name, values in tags.items():
            set_tags(profile, TAG_FIELDS[name], values)
        indexing.refresh(profile)
        log.record(
            "talent.profile_changed",
            actor=actor,
            obj=profile,
            request=request,
            detail={"fields": sorted(changes)},
        )
    return profile


def declare_bar_admission(
    actor: Actor,
    *,
    state: str,
    number: str,
    admitted_on: date | None = None,
    request: HttpRequest | None = None,
) -> BarAdmission:
    """The professional declares an admission; it counts once provider staff verify it."""
    profile = fetch(actor, ProfessionalProfile, Action.CHANGE, user=actor.authenticated_user)
    state, number = (state or "").strip().upper(), (number or "").strip()
    errors = []
    if not profile.is_attorney:
        errors.append(FieldError("state", "Only contract attorneys list bar admissions."))
    if state not in US_STATES:
        errors.append(FieldError("state", "A US state code such as TX."))
    if not number or len(number) > 40:
        errors.append(FieldError("number", "The bar number, up to 40 characters."))
    if admitted_on and admitted_on > timezone.localdate():
        errors.append(FieldError("admitted_on", "Cannot be in the future."))
    if not errors and profile.bar_admissions.filter(state=state).exists():
        errors.append(FieldError("state", f"An admission in {state} is already listed."))
    if errors:
        raise Invalid("The bar admission is not valid.", fields=errors)
    admission = BarAdmission.objects.create(
        profile=profile, state=state, number=number, admitted_on=admitted_on
    )
    indexing.refresh(profile)  # unverified: still no bar state for matching
    log.record("talent.bar_declared", actor=actor, obj=admission, request=request)
    return admission


def verify_bar_admission(
    actor: Actor,
    *,
    admission_id: int,
    status: str,
    note: str,
    request: HttpRequest | None = None,
) -> BarAdmission:
    """Provider staff record what the state bar's records say, with who and when."""
    admission = fetch(actor, BarAdmission, Action.VET, pk=admission_id)
    if status not in BarStatus.values:
        raise Invalid.field("status", "Choose active, inactive, suspended or disbarred.")
    if not (note or "").strip():
        raise Invalid.field("note", "Say how it was verified (e.g. the state bar's lookup).")
    admission.status = status
    admission.verified_at = timezone.now()
    admission.verified_by = actor.authenticated_user
    admission.verification_note = note.strip()[:300]
    with transaction.atomic():
        admission.save()
        from counselbench.talent.services.vetting import refresh_vetted

        indexing.refresh(admission.profile)
        refresh_vetted(admission.profile)
        log.record(
            "talent.bar_verified",
            actor=actor,
            obj=admission,
            request=request,
            detail={"state": admission.state, "status": status},
        )
    return admission
