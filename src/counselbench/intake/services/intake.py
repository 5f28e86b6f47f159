"""Creating leads (PRODUCT §2.7): one core function for every channel (the public page, a phone
lead taken by the front desk, a chat), and the public page's two steps and abuse defenses.

`create_lead` validates, runs the conflict pre-check on the names given, links a possible repeat
to the lead it may repeat (never merging the two: it may be another person, who must not see the
first one's lead), flags (never drops) what looks like spam, scores and routes. Validation
messages are written with gettext, so they come out in the language active for the request (the
public page activates the visitor's).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from counselbench.core.errors import FieldError, Invalid
from counselbench.core.throttling import FixedWindowThrottle
from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    IntakeRefusal,
    Language,
    Lead,
    LeadEvent,
    LeadSource,
    QuestionKind,
    RefusalReason,
    RoutingRule,
    Urgency,
)
from counselbench.intake.services.front_desk import e164
from counselbench.intake.services.scoring import effective_urgency, score_lead
from counselbench.matters.conflicts import find_matches, normalize
from counselbench.organizations.models import Organization
from counselbench.talent.models import PracticeArea

# --- Limits --------------------------------------------------------------------------------------

NAME_MAX = 200
PARTIES_MAX = 10
SUMMARY_MAX = 2000
ANSWER_MAX = 1000
BODY_MAX_BYTES = 32 * 1024  # a whole public submission, form-encoded
DUPLICATE_WINDOW = timedelta(hours=24)
# The same browser sending the same step one again (a double click, the back button) within this
# long goes on with the lead it made instead of making a second one.
REPLAY_WINDOW = timedelta(minutes=30)

US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "PR",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]

SPAM_WORDS = (
    "viagra",
    "cialis",
    "casino",
    "crypto",
    "bitcoin",
    "forex",
    "seo services",
    "backlinks",
    "loan offer",
    "payday",
    "porn",
    "click here",
    "buy now",
    "free money",
    "work from home",
)
_LINK = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|ru|xyz|info|biz|io)\b)", re.I)
SUMMARY_LINKS_MAX = 2


# --- Input ---------------------------------------------------------------------------------------


@dataclass
class LeadInput:
    """What any channel knows about a prospect. Step one needs only `name`, `practice_area` and
    `other_parties`; the rest may come later (`complete_details`)."""

    name: str
    practice_area: str
    other_parties: list[str] = field(default_factory=list)
    language: str = Language.EN
    email: str = ""
    phone: str = ""
    state: str = ""
    urgency: str = Urgency.NORMAL
    summary: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    # Whether the details (contact, summary, answers) are given with it (a phone lead): marks
    # the details completed and checks the required answers.
    with_details: bool = False


@dataclass
class DetailsInput:
    email: str = ""
    phone: str = ""
    state: str = ""
    urgency: str = Urgency.NORMAL
    summary: str = ""
    answers: dict[str, Any] = field(default_factory=dict)


# --- Profile -------------------------------------------------------------------------------------


def profile_for(organization: Any) -> IntakeProfile:
    """The firm's intake profile, created with the defaults on first use."""
    organization_id = getattr(organization, "pk", organization)
    profile, _created = IntakeProfile.objects.get_or_create(organization_id=organization_id)
    return profile


# The public pages' firm and profile, memoized per process for INTAKE_PUBLIC_CACHE_SECONDS: every
# public request needs them, they change rarely, and reading them was a sixth of a submission's
# CPU (bench/intake.py). Saving a profile or a firm drops this process's copies at once
# (signals); the other processes see the change within the TTL. Read-only: shared by requests.
_public: dict[str, tuple[float, IntakeProfile]] = {}


def public_profile(slug: str) -> IntakeProfile | None:
    """The intake profile (its organization loaded) of the firm with this slug, created on first
    use; None when there is no such firm."""
    ttl = settings.INTAKE_PUBLIC_CACHE_SECONDS
    now = time.monotonic()
    cached = _public.get(slug)
    if cached is not None and cached[0] > now:
        return cached[1]
    found = (
        IntakeProfile.objects.select_related("organization").filter(organization__slug=slug).first()
    )
    if found is None:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            return None
        found = profile_for(organization)
        found.organization = organization
    if ttl > 0:
        _public[slug] = (now + ttl, found)
    return found


def forget_public_profiles(*args: Any, **kwargs: Any) -> None:
    """Drop this process's public-page profiles (a profile or a firm changed)."""
    _public.clear()


for _sender in (IntakeProfile, Organization):
    post_save.connect(
        forget_public_profiles, sender=_sender, dispatch_uid=f"intake-public-{_sender}"
    )
    post_delete.connect(
        forget_public_profiles, sender=_sender, dispatch_uid=f"intake-public-d-{_sender}"
    )


# --- Validation ----------------------------------------------------------------------------------


def _clean_name(value: str, path: str, errors: list[FieldError], *, required: bool) -> str:
    value = " ".join((value or "").split())
    if not value:
        if required:
            errors.append(FieldError(path, _("Please enter a name.")))
        return ""
    if len(value) > NAME_MAX:
        errors.append(
            FieldError(path, _("A name can be at most %(max)d characters.") % {"max": NAME_MAX})
        )
    return value


def clean_step_one(data: LeadInput, *, forms: dict[str, IntakeForm] | None) -> list[FieldError]:
    """Validate (and tidy, in place) the step-one fields. `forms`: the firm's active forms by
    practice area when only those may be chosen (the public page), None for any area."""
    errors: list[FieldError] = []
    data.name = _clean_name(data.name, "name", errors, required=True)
    parties = [p for p in (data.other_parties or []) if p and str(p).strip()]
    if len(parties) > PARTIES_MAX:
        errors.append(
            FieldError(
                "other_parties",
                _("Please list at most %(max)d other parties.") % {"max": PARTIES_MAX},
            )
        )
        parties = parties[:PARTIES_MAX]
    data.other_parties = [
        _clean_name(str(p), f"other_parties[{i}]", errors, required=False)
        for i, p in enumerate(parties)
    ]
    if forms is not None:
        if data.practice_area not in forms:
            errors.append(
                FieldError("practice_area", _("Please choose what your matter is about."))
            )
    elif data.practice_area not in PracticeArea.values:
        errors.append(FieldError("practice_area", _("Please choose a practice area.")))
    if data.language not in Language.values:
        data.language = Language.EN
    return errors


def clean_details(
    data: DetailsInput, *, form: IntakeForm | None, language: str
) -> list[FieldError]:
    """Validate (and tidy, in place) the step-two fields: contact, urgency, summary, answers."""
    errors: list[FieldError] = []
    data.email = (data.email or "").strip()
    data.phone = (data.phone or "").strip()
    if data.email:
        if len(data.email) > 254:
            errors.append(FieldError("email", _("That email address is too long.")))
        else:
            try:
                validate_email(data.email)
            except ValidationError:
                errors.append(FieldError("email", _("Please enter a valid email address.")))
    if data.phone:
        if len(data.phone) > 30:
            errors.append(FieldError("phone", _("That phone number is too long.")))
        else:
            try:
                data.phone = e164(data.phone)
            except ValueError:
                errors.append(
                    FieldError("phone", _("Please enter a valid phone number, e.g. 512-555-0134."))
                )
    if not data.email and not data.phone and not errors:
        errors.append(
            FieldError("email", _("Please give an email address or a phone number to reach you."))
        )
    data.state = (data.state or "").strip().upper()
    if data.state and data.state not in US_STATES:
        errors.append(FieldError("state", _("Please choose a state from the list.")))
    if data.urgency not in Urgency.values:
        errors.append(FieldError("urgency", _("Please choose how urgent this is.")))
    data.summary = (data.summary or "").strip()
    if len(data.summary) > SUMMARY_MAX:
        errors.append(
            FieldError(
                "summary",
                _("Please keep the summary under %(max)d characters.") % {"max": SUMMARY_MAX},
            )
        )
    answers: dict[str, Any] = {}
    questions: list[IntakeQuestion] = list(form.questions.all()) if form is not None else []
    given = data.answers or {}
    for question in questions:
        raw = given.get(question.key)
        value = str(raw).strip() if raw is not None else ""
        path = f"answers.{question.key}"
        if not value:
            if question.required:
                errors.append(FieldError(path, _("Please answer this question.")))
            continue
        if question.kind == QuestionKind.YES_NO and value not in ("yes", "no"):
            errors.append(FieldError(path, _("Please answer yes or no.")))
        elif question.kind == QuestionKind.CHOICE and value not in [
            str(c.get("value")) for c in question.choices
        ]:
            errors.append(FieldError(path, _("Please choose one of the options.")))
        elif len(value) > ANSWER_MAX:
            errors.append(
                FieldError(
                    path,
                    _("Please keep this answer under %(max)d characters.") % {"max": ANSWER_MAX},
                )
            )
        answers[question.key] = value
    data.answers = answers
    return errors


# --- Heuristics ----------------------------------------------------------------------------------


def fingerprint(name: str, practice_area: str) -> str:
    return hashlib.sha256(f"{normalize(name)}|{practice_area}".encode()).hexdigest()


def spam_reasons(lead: Lead) -> list[str]:
    """Why a lead looks like spam (empty: it does not). Shown to the firm, never to the visitor."""
    reasons: list[str] = []
    names = [lead.name, *lead.other_parties]
    if any(_LINK.search(n) for n in names):
        reasons.append("A link in a name.")
    links = len(_LINK.findall(lead.summary or ""))
    if links > SUMMARY_LINKS_MAX:
        reasons.append(f"{links} links in the summary.")
    text = " ".join([*names, lead.summary or "", *map(str, (lead.answers or {}).values())]).lower()
    words = [w for w in SPAM_WORDS if w in text]
    if words:
        reasons.append("Spam words: " + ", ".join(words) + ".")
    for label, value in (("name", lead.name), ("summary", lead.summary or "")):
        letters = [c for c in value if c.isalpha()]
        if len(letters) >= 12 and all(c.isupper() for c in letters):
            reasons.append(f"The {label} is all in capitals.")
    if re.search(r"\d{3,}", lead.name):
        reasons.append("Digits in the name.")
    return reasons


# The two reads every public submission makes (the firm's parties here, the repeat check below)
# are SQL of their own: building and compiling each as a queryset cost more CPU than the rest of
# the submission's checks together (~1.5 M instructions a query, bench/intake.py). Both are
# filtered by the firm, like every query; tests/intake run them on SQLite and PostgreSQL.
_FIRM_PARTIES_SQL = (
    "SELECT p.normalized, p.name, p.role, m.number FROM matters_party p"
    " JOIN matters_matter m ON m.id = p.matter_id WHERE m.organization_id = %s"
)


def conflict_hits(organization_id: int, names: list[str]) -> list[dict[str, Any]]:
    """The names a prospect gave against the firm's parties on its matters (matters.conflicts)."""
    normalized = [normalize(n) for n in names]
    if not any(normalized):
        return []
    with connection.cursor() as cursor:
        cursor.execute(_FIRM_PARTIES_SQL, [organization_id])
        others = cursor.fetchall()
    if not others:
        return []
    matches = find_matches(normalized, [o[0] for o in others], None)
    return [
        {
            "party": names[m.name_index],
            "matched_name": others[m.candidate_index][1],
            "role": others[m.candidate_index][2],
            "matter_number": others[m.candidate_index][3],
            "score": m.score,
        }
        for m in matches
    ]


# --- Refusals and limits -------------------------------------------------------------------------


def record_refusal(organization: Any, reason: str, *, name: str = "") -> None:
    """Count one refused submission for the firm today (IntakeRefusal), keeping the name given."""
    organization_id = getattr(organization, "pk", organization)
    now = timezone.now()
    day = timezone.localdate(now)
    name = " ".join((name or "").split())[:NAME_MAX]
    updates: dict[str, Any] = {"count": F("count") + 1, "last_at": now}
    if name:
        updates["last_name_given"] = name
    rows = IntakeRefusal.objects.filter(
        organization_id=organization_id, day=day, reason=reason
    ).update(**updates)
    if rows:
        return
    try:
        with transaction.atomic():
            IntakeRefusal.objects.create(
                organization_id=organization_id,
                day=day,
                reason=reason,
                count=1,
                last_name_given=name,
                last_at=now,
            )
    except IntegrityError:  # created meanwhile by another request
        IntakeRefusal.objects.filter(
            organization_id=organization_id, day=day, reason=reason
        ).update(**updates)


def refusals_since(organization: Any, days: int = 7) -> dict[str, Any]:
    """The refusal counts of the last `days` days: total, per reason, and the last name given."""
    organization_id = getattr(organization, "pk", organization)
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = list(IntakeRefusal.objects.filter(organization_id=organization_id, day__gte=since))
    by_reason: dict[str, int] = {}
    for row in rows:
        by_reason[row.reason] = by_reason.get(row.reason, 0) + row.count
    latest = max(rows, key=lambda r: r.last_at, default=None)
    return {
        "total": sum(by_reason.values()),
        "reasons": [
            {"reason": r, "label": RefusalReason(r).label, "count": n}
            for r, n in sorted(by_reason.items(), key=lambda kv: -kv[1])
        ],
        "last_name_given": next(
            (
                r.last_name_given
                for r in sorted(rows, key=lambda r: r.last_at, reverse=True)
                if r.last_name_given
            ),
            "",
        ),
        "last_at": latest.last_at if latest else None,
    }


class IntakeIPThrottle(FixedWindowThrottle):
    """Public submissions per client address (settings.INTAKE_RATE_IP)."""

    scope = "intake_ip"

    def __init__(self, rate: str | None = None):
        super().__init__(rate or settings.INTAKE_RATE_IP)

    def caller(self, request: HttpRequest) -> str | None:
        from counselbench.access.log import client_ip

        return client_ip(request) or "unknown"


class IntakeFirmThrottle(FixedWindowThrottle):
    """New leads per firm per hour from the public page (IntakeProfile.submissions_per_hour)."""

    scope = "intake_firm"

    def __init__(self, profile: IntakeProfile):
        super().__init__(f"{profile.submissions_per_hour}/h")
        self.organization_id = profile.organization_id

    def caller(self, request: HttpRequest) -> str | None:
        return str(self.organization_id)


# Minimum fill time: the form carries a signed timestamp of when it was shown.
_FORM_SALT = "counselbench.intake.form"
FORM_TOKEN_MAX_AGE = 24 * 3600


def form_token(slug: str) -> str:
    return signing.dumps({"s": slug, "t": round(time.time(), 2)}, salt=_FORM_SALT, compress=False)


def form_age(slug: str, token: str) -> float | None:
    """Seconds since the form was shown, or None when the token is missing, forged or stale."""
    try:
        value = signing.loads(token or "", salt=_FORM_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("s") != slug:
        return None
    return time.time() - float(value.get("t", 0))


def min_fill_seconds() -> float:
    return float(getattr(settings, "INTAKE_MIN_FILL_SECONDS", 3))


# --- Creating a lead -----------------------------------------------------------------------------


# --- The firm's intake configuration, memoized per process -------------------------------------
#
# Every public submission needs the firm's active forms and routing rules. They change rarely, so
# each process keeps them for CONFIG_TTL seconds, keyed by the profile's updated_at: the settings
# services bump it on every change (so every process sees a change on its next request), saving
# an IntakeForm, IntakeQuestion or RoutingRule drops this process's copy at once (signals), and
# the TTL bounds what a change made around both (a queryset update) can leave stale.

CONFIG_TTL = 30.0


@dataclass(frozen=True)
class FirmConfig:
    forms: dict[str, IntakeForm]  # the active forms by practice area, questions prefetched
    rules: dict[str, RoutingRule]  # by practice area ('' = the fallback), assignee loaded


_configs: dict[int, tuple[float, Any, FirmConfig]] = {}


def firm_config(profile: IntakeProfile) -> FirmConfig:
    """The firm's active forms and routing rules (memoized, see above)."""
    key = profile.organization_id
    now = time.monotonic()
    cached = _configs.get(key)
    if cached is not None and cached[0] > now and cached[1] == profile.updated_at:
        return cached[2]
    config = FirmConfig(
        forms=active_forms(key),
        rules={
            r.practice_area: r
            for r in RoutingRule.objects.filter(organization_id=key).select_related("assignee")
        },
    )
    _configs[key] = (now + CONFIG_TTL, profile.updated_at, config)
    return config


def forget_config(organization_id: int) -> None:
    """Drop this process's copy of a firm's configuration (after a change)."""
    _configs.pop(organization_id, None)


def config_changed(organization_id: int) -> None:
    """A firm's forms, questions or routing changed: every process reloads them."""
    forget_config(organization_id)
    forget_public_profiles()
    IntakeProfile.objects.filter(organization_id=organization_id).update(updated_at=timezone.now())


def _forget_on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    form = getattr(instance, "form", None) if isinstance(instance, IntakeQuestion) else None
    organization_id = form.organization_id if form is not None else instance.organization_id
    forget_config(organization_id)


for _model in (IntakeForm, RoutingRule, IntakeQuestion):
    post_save.connect(_forget_on_change, sender=_model, dispatch_uid=f"intake-config-{_model}")
    post_delete.connect(_forget_on_change, sender=_model, dispatch_uid=f"intake-config-d-{_model}")


def _route(organization_id: int, practice_area: str) -> tuple[RoutingRule | None, bool]:
    rules = firm_config(profile_for(organization_id)).rules
    return rules.get(practice_area) or rules.get(""), practice_area in rules


def _route_in(config: FirmConfig, practice_area: str) -> tuple[RoutingRule | None, bool]:
    return config.rules.get(practice_area) or config.rules.get(""), practice_area in config.rules


def _form_for(organization_id: int, practice_area: str) -> IntakeForm | None:
    return (
        IntakeForm.objects.filter(organization_id=organization_id, practice_area=practice_area)
        .prefetch_related("questions")
        .first()
    )


def _apply_score(lead: Lead, profile: IntakeProfile, form: IntakeForm | None, routed: bool) -> None:
    lead.score, lead.score_reasons = score_lead(lead, profile=profile, form=form, has_route=routed)


_REPEAT_BY_NAME_SQL = (
    "SELECT id, duplicate_of_id FROM intake_lead WHERE organization_id = %s"
    " AND fingerprint = %s AND created_at >= %s ORDER BY created_at, id LIMIT 1"
)


def _possible_original(
    organization_id: int, print_: str, details: DetailsInput | None, exclude: int | None = None
) -> Lead | None:
    """The earliest lead of the last day this submission may repeat: the same normalized name and
    practice area, or (with details) the same email or phone."""
    since = timezone.now() - DUPLICATE_WINDOW
    # The first match's id and series, not the lead's ~40 columns: nearly every submission
    # finds nothing, and the lead itself is read only when there is one. By name alone (step
    # one, on every public submission): the SQL above; with contact details: a queryset.
    found: tuple[int, int | None] | None
    if details is None and exclude is None:
        with connection.cursor() as cursor:
            cursor.execute(
                _REPEAT_BY_NAME_SQL,
                [organization_id, print_, connection.ops.adapt_datetimefield_value(since)],
            )
            found = cursor.fetchone()
    else:
        queryset = Lead.objects.filter(organization_id=organization_id, created_at__gte=since)
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude)
        match = Q(fingerprint=print_) if print_ else Q(pk__in=[])
        if details is not None and details.email:
            match |= Q(email__iexact=details.email)
        if details is not None and details.phone:
            match |= Q(phone=details.phone)
        found = (
            queryset.filter(match).order_by("created_at", "pk").values_list("pk", "duplicate_of")
        ).first()
    if found is None:
        return None
    pk, series = found
    # Link to the first of the series (it may be older than a day), not to another repeat.
    if series is not None and (first := Lead.objects.filter(pk=series).first()) is not None:
        return first
    return Lead.objects.get(pk=pk)


def _link_repeat(lead: Lead, original: Lead, *, by: Any = None, why: str) -> None:
    """Mark `lead` as a possible repeat of `original` (both stay, each with its own token): the
    original counts it, and both histories say so, for the front desk to check and close."""
    lead.duplicate_of = original
    Lead.objects.filter(pk=lead.pk).update(duplicate_of=original)
    Lead.objects.filter(pk=original.pk).update(duplicate_count=F("duplicate_count") + 1)
    LeadEvent.objects.bulk_create(
        [
            LeadEvent(
                lead=original,
                kind="duplicate",
                note=f"Lead #{lead.pk} ({lead.name}) may repeat this one: {why}",
                by=by,
            ),
            LeadEvent(
                lead=lead,
                kind="possible_repeat",
                note=f"May repeat lead #{original.pk} ({original.name}): {why}",
                by=by,
            ),
        ]
    )


def _replayed(organization_id: int, token: str, data: LeadInput) -> Lead | None:
    """The lead made from the very same step one (after validation: the names compare as
    stored) in the last REPLAY_WINDOW whose token the caller holds, or None."""
    if not token or len(token) > 64:
        return None
    lead = Lead.objects.filter(
        organization_id=organization_id,
        token=token,
        created_at__gte=timezone.now() - REPLAY_WINDOW,
    ).first()
    if lead is None:
        return None
    same = (
        lead.name == data.name
        and lead.practice_area == data.practice_area
        and list(lead.other_parties) == list(data.other_parties)
    )
    return lead if same else None


def create_lead(
    *,
    organization: Any,
    data: LeadInput,
    source: str = LeadSource.WEB,
    by: Any = None,
    forms: dict[str, IntakeForm] | None = None,
    profile: IntakeProfile | None = None,
    replay_token: str = "",
) -> Lead:
    """Create a lead from any channel. Raises Invalid (field paths: name, other_parties[i],
    practice_area, email, phone, state, urgency, summary, answers.<key>) on bad input.

    Runs the conflict pre-check on the name and the other parties (hits: conflict_flagged,
    conflict_hits), the spam heuristics (kept, suspected_spam + spam_reasons), the repeat check
    (the same normalized name and practice area within 24 hours, or with details the same email
    or phone: the new lead is kept, with `duplicate_of` the earlier lead, whose duplicate_count
    goes up), scoring and routing (assigned_to; LeadEvents "created", "routed").
    `forms`: restrict the practice area to these (the public page passes the active forms).
    `by`: the user taking the lead (a phone lead), recorded on the events.
    `replay_token`: the token of the lead the same browser made last (the public page keeps it
    in the browser's own cookie): the very same step one sent again within REPLAY_WINDOW (a
    double click, the back button) returns that lead, with `replayed` True on the instance,
    instead of making a second one. Only a caller that already holds a token gets its lead.
    """
    organization_id = getattr(organization, "pk", organization)
    profile = profile or profile_for(organization_id)
    config = firm_config(profile)
    errors = clean_step_one(data, forms=forms)
    details: DetailsInput | None = None
    form = (forms if forms is not None else config.forms).get(data.practice_area)
    if form is None and forms is None and data.practice_area in PracticeArea.values:
        form = _form_for(organization_id, data.practice_area)  # an inactive form
    if data.with_details:
        details = DetailsInput(
            email=data.email,
            phone=data.phone,
            state=data.state,
            urgency=data.urgency,
            summary=data.summary,
            answers=data.answers,
        )
        errors += clean_details(details, form=form, language=data.language)
    if errors:
        raise Invalid(_("Please correct the fields marked below."), fields=errors)
    if source not in LeadSource.values:
        source = LeadSource.WEB
    if replay_token and details is None:
        replayed = _replayed(organization_id, replay_token, data)
        if replayed is not None:
            replayed.replayed = True  # type: ignore[attr-defined]
            return replayed

    print_ = fingerprint(data.name, data.practice_area)
    original = _possible_original(organization_id, print_, details)

    now = timezone.now()
    lead = Lead(
        organization_id=organization_id,
        form=form,
        practice_area=data.practice_area,
        source=source,
        language=data.language,
        name=data.name,
        other_parties=data.other_parties,
        fingerprint=print_,
        created_at=now,
    )
    if details is not None:
        lead.email, lead.phone, lead.state = details.email, details.phone, details.state
        lead.urgency, lead.summary, lead.answers = details.urgency, details.summary, details.answers
        lead.urgency = effective_urgency(lead, form)
        lead.details_completed_at = now
    hits = conflict_hits(organization_id, [lead.name, *lead.other_parties])
    lead.conflict_hits = hits
    lead.conflict_flagged = bool(hits)
    lead.spam_reasons = spam_reasons(lead)
    lead.suspected_spam = bool(lead.spam_reasons)
    rule, routed = _route_in(config, lead.practice_area)
    if rule is not None:
        lead.assigned_to_id = rule.assignee_id
    _apply_score(lead, profile, form, routed)
    with transaction.atomic():
        lead.save()
        events = [
            LeadEvent(
                lead=lead,
                kind="created",
                to_stage=lead.stage,
                by=by,
                at=now,
                note=f"From {LeadSource(source).label.lower()}.",
            )
        ]
        if rule is not None:
            events.append(
                LeadEvent(
                    lead=lead,
                    kind="routed",
                    by=by,
                    at=now,
                    note=f"Routed to {rule.assignee} by the "
                    f"{'practice-area' if rule.practice_area else 'fallback'} rule.",
                )
            )
        if lead.conflict_flagged:
            events.append(
                LeadEvent(
                    lead=lead,
                    kind="conflict_flagged",
                    at=now,
                    note=f"{len(hits)} possible conflict(s) on the names given.",
                )
            )
        LeadEvent.objects.bulk_create(events)
        if original is not None:
            _link_repeat(lead, original, by=by, why=_repeat_reason(original, lead))
    return lead


def _repeat_reason(original: Lead, lead: Lead) -> str:
    if original.fingerprint and original.fingerprint == lead.fingerprint:
        return "the same name and practice area within a day."
    return "the same email or phone within a day."


def complete_details(lead: Lead, *, data: DetailsInput, by: Any = None) -> Lead:
    """Step two: the contact details, urgency, summary and answers of a lead. Rescored after.
    The same email or phone as another recent lead links this one to it as a possible repeat
    (unless it is linked already); both are kept."""
    form = _form_for(lead.organization_id, lead.practice_area) if lead.form_id else None
    errors = clean_details(data, form=form, language=lead.language)
    if errors:
        raise Invalid(_("Please correct the fields marked below."), fields=errors)
    original = None
    if lead.duplicate_of_id is None:
        contact = DetailsInput(email=data.email, phone=data.phone)
        original = _possible_original(lead.organization_id, "", contact, exclude=lead.pk)
        if original is not None and (
            original.pk == lead.pk or original.created_at > lead.created_at
        ):
            original = None  # a later lead with these details is the repeat, not this one
    lead.email, lead.phone, lead.state = data.email, data.phone, data.state
    lead.urgency, lead.summary, lead.answers = data.urgency, data.summary, data.answers
    lead.urgency = effective_urgency(lead, form)
    lead.details_completed_at = timezone.now()
    lead.spam_reasons = spam_reasons(lead)
    lead.suspected_spam = bool(lead.spam_reasons)
    profile = profile_for(lead.organization_id)
    _rule, routed = _route(lead.organization_id, lead.practice_area)
    _apply_score(lead, profile, form, routed)
    with transaction.atomic():
        lead.save()
        LeadEvent.objects.create(lead=lead, kind="details", note="Details given.", by=by)
        if original is not None:
            _link_repeat(lead, original, by=by, why="the same email or phone within a day.")
    return lead


def rescore(lead: Lead) -> Lead:
    """Recompute and save a lead's score and reasons (after its details, form or the firm's
    settings changed)."""
    form = _form_for(lead.organization_id, lead.practice_area)
    profile = profile_for(lead.organization_id)
    _rule, routed = _route(lead.organization_id, lead.practice_area)
    _apply_score(lead, profile, form, routed)
    Lead.objects.filter(pk=lead.pk).update(score=lead.score, score_reasons=lead.score_reasons)
    return lead


def active_forms(organization_id: int, *, with_questions: bool = True) -> dict[str, IntakeForm]:
    """The firm's active intake forms by practice area (with their questions, unless told not
    to: step one asks none, and the score of a lead without details reads none)."""
    queryset = IntakeForm.objects.filter(organization_id=organization_id, active=True)
    if with_questions:
        queryset = queryset.prefetch_related("questions")
    return {f.practice_area: f for f in queryset.order_by("practice_area")}
