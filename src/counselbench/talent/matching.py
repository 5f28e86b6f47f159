"""Matching professionals to a posting: hard filters, then a ranked score that explains itself.

Everything that decides the order runs in one SQL query (filters as WHERE, each factor as an
annotated fraction between 0 and 1, the score as their weighted sum), so the top 20 of 100,000
professionals cost one indexed query. Each factor's contribution is the weight times its
fraction; the explanation shows each one and they add up to the score shown.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, StrIndex
from django.db.models.lookups import GreaterThan

from counselbench.core.money import format_usd
from counselbench.talent.hours import DAY
from counselbench.talent.indexing import tag_needle
from counselbench.talent.models import (
    Candidate,
    CandidateState,
    JobPosting,
    MatchWeights,
    PracticeArea,
    ProfessionalProfile,
    ProfessionalRole,
    TagKind,
)

FACTORS = ("practice_area", "skills", "experience", "time_zone", "rate", "soft_skills", "ratings")
FACTOR_LABELS = {
    "practice_area": "Practice area",
    "skills": "Skills and software",
    "experience": "Experience",
    "time_zone": "Time-zone overlap",
    "rate": "Rate fit",
    "soft_skills": "Soft skills",
    "ratings": "Past ratings",
}
FACTOR_HELP = {
    "practice_area": "Full points when the posting's practice area is among theirs.",
    "skills": "The share of the posting's wanted skills and software they list.",
    "experience": "Years of experience, full points at 10 years.",
    "time_zone": "Hours their working day overlaps the firm's core hours, full points at the "
    "overlap the posting asks for.",
    "rate": "Full points at or under the top of the budget, falling to none at 1.5 × the top.",
    "soft_skills": "The soft-skills rubric score out of 100 (not assessed counts as 50).",
    "ratings": "Average rating from past engagements out of 5 (none yet counts as 3).",
}
FULL_EXPERIENCE_YEARS = 10
NEUTRAL_SOFT_SKILLS = 50  # not yet assessed counts as the middle of the scale
NEUTRAL_RATING = Decimal(3)  # no engagements yet counts as 3 of 5
RATE_CEILING = Decimal("1.5")  # at 1.5 × the top of the budget, rate fit reaches zero
SKILL_KINDS = (TagKind.SKILL, TagKind.SOFTWARE)
TRIED = (CandidateState.REJECTED, CandidateState.REPLACED, CandidateState.SELECTED)


def default_weights() -> dict[str, int]:
    return {name: MatchWeights._meta.get_field(name).default for name in FACTORS}


def weights_for(organization_id: int) -> dict[str, int]:
    row = MatchWeights.objects.filter(organization_id=organization_id).first()
    if row is None:
        return default_weights()
    return {name: getattr(row, name) for name in FACTORS}


def share_percent(weight: int, total: int) -> Decimal:
    """A factor's share of the highest possible score, to one decimal."""
    if not total:
        return Decimal(0)
    return (Decimal(100 * weight) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)


def wanted(posting: JobPosting, kinds: tuple[str, ...]) -> list[str]:
    prefetch_related_objects([posting], "tags")  # once per posting object, not per call
    return sorted(t.value for t in posting.tags.all() if t.kind in kinds)


def vetted_since(today: date) -> date:
    return today - timedelta(days=settings.VETTING_VALID_DAYS)


# --- Hard filters -----------------------------------------------------------------------------


def _has_tag(kind: str, value: str) -> GreaterThan:
    """The tag is in the profile's index: a plain substring search (STRPOS / INSTR), several
    times cheaper per row than LIKE '%…%'. Skills and software share the "skill:" key there."""
    needle = tag_needle(TagKind.SKILL if kind == TagKind.SOFTWARE else kind, value)
    return GreaterThan(StrIndex(F("tag_index"), Value(needle)), 0)


def _has_skill(value: str) -> GreaterThan:
    return _has_tag(TagKind.SKILL, value)


def _admitted_in(state: str) -> Q:
    """An active, verified bar admission in `state` (from the profile's bar index)."""
    return GreaterThan(StrIndex(F("bar_states"), Value(f"|{state}|")), 0)


def filters(posting: JobPosting, *, today: date) -> dict[str, Q | GreaterThan]:
    """Each hard filter by name, as a condition a professional must meet."""
    rules: dict[str, Q | GreaterThan] = {
        "role": Q(role=posting.role),
        "vetted": Q(vetted_at__gte=vetted_since(today)),
        "hours": Q(hours_available__gte=posting.hours_per_week),
    }
    if posting.attorney_work:
        rules["attorney"] = Q(role=ProfessionalRole.CONTRACT_ATTORNEY)
        rules["bar_admission"] = _admitted_in(posting.jurisdiction)
    for language in wanted(posting, (TagKind.LANGUAGE,)):
        rules[f"language:{language}"] = _has_tag(TagKind.LANGUAGE, language)
    return rules


FILTER_REASONS = {
    "role": "not a {role}",
    "vetted": "vetting not complete or older than {days} days",
    "hours": "fewer than {hours} hours a week available",
    "attorney": "attorney-level work needs a contract attorney",
    "bar_admission": "no active, verified bar admission in {state}",
    "excluded": "already tried on this posting",
}


def _tried(posting: JobPosting) -> Exists:
    return Exists(
        Candidate.objects.filter(posting=posting, professional=OuterRef("pk"), state__in=TRIED)
    )


# --- Score ------------------------------------------------------------------------------------


def _float(expression) -> Cast:
    return Cast(expression, FloatField())


def _const(number: float) -> Cast:
    """A double-precision constant: a bare 1.0 would be NUMERIC on PostgreSQL, and numeric
    arithmetic over every candidate row costs several times float arithmetic."""
    return Cast(Value(number), FloatField())


def _fractions(posting: JobPosting) -> dict[str, object]:
    """Each factor as an SQL expression between 0 and 1."""
    skills = wanted(posting, SKILL_KINDS)
    if skills:
        matched = sum(
            (
                Case(
                    When(_has_skill(s), then=_const(1)),
                    default=_const(0),
                    output_field=FloatField(),
                )
                for s in skills
            ),
            _const(0),
        )
        skill_fit = matched / len(skills)
    else:
        skill_fit = _const(1)
    if posting.overlap_hours:
        cs, ce = posting.core_start_utc, posting.core_end_utc
        overlap = sum(
            (
                Greatest(
                    Value(0),
                    Least(F("work_end_utc") + shift, Value(ce))
                    - Greatest(F("work_start_utc") + shift, Value(cs)),
                )
                for shift in (-DAY, 0, DAY)
            ),
            Value(0),
        )
        tz_fit = Least(_const(1), _float(overlap) / (posting.overlap_hours * 60))
    else:
        tz_fit = _const(1)
    high = posting.budget_high_cents
    rate_fit = Greatest(
        _const(0),
        Least(
            _const(1),
            (float(RATE_CEILING) * high - _float(F("hourly_rate_cents")))
            / (float(RATE_CEILING - 1) * high),
        ),
    )
    return {
        "practice_area": Case(
            When(_has_tag(TagKind.PRACTICE_AREA, posting.practice_area), then=_const(1)),
            default=_const(0),
            output_field=FloatField(),
        ),
        "skills": skill_fit,
        "experience": _float(Least(F("years_experience"), Value(FULL_EXPERIENCE_YEARS)))
        / FULL_EXPERIENCE_YEARS,
        "time_zone": tz_fit,
        "rate": rate_fit,
        "soft_skills": _float(Coalesce(F("soft_skills_score"), Value(NEUTRAL_SOFT_SKILLS))) / 100,
        "ratings": Coalesce(_float(F("rating_avg")), _const(float(NEUTRAL_RATING))) / 5,
    }


def _tried_ids(posting: JobPosting) -> list[int]:
    """The professionals already tried on this posting (a handful): read first and passed as a
    plain list, so the ranking filters them while scanning and can keep only its top rows,
    rather than sorting everyone before an anti-join."""
    return list(
        Candidate.objects.filter(posting=posting, state__in=TRIED)
        .order_by("professional_id")
        .values_list("professional_id", flat=True)
    )


def _score(fractions: dict[str, object], weights: dict[str, int]):
    return sum((fractions[name] * _const(weights[name]) for name in FACTORS), _const(0))


def candidates(
    posting: JobPosting, *, today: date, exclude: tuple[int, ...] = ()
) -> QuerySet[ProfessionalProfile]:
    """Professionals passing every hard filter, not yet tried, not in `exclude`."""
    qs = ProfessionalProfile.objects.filter(*filters(posting, today=today).values())
    skip = (*_tried_ids(posting), *exclude)
    return qs.exclude(pk__in=skip) if skip else qs


def ranked(
    posting: JobPosting,
    *,
    today: date,
    weights: dict[str, int] | None = None,
    exclude: tuple[int, ...] = (),
) -> QuerySet[ProfessionalProfile]:
    """Professionals passing every hard filter, best first, each annotated with `f_<factor>`
    (its fraction) and `score`."""
    weights = weights or weights_for(posting.organization_id)
    fractions = _fractions(posting)
    qs = candidates(posting, today=today, exclude=exclude)
    qs = qs.annotate(**{f"f_{name}": expression for name, expression in fractions.items()})
    score = sum((F(f"f_{name}") * weights[name] for name in FACTORS), _const(0))
    return qs.annotate(score=score).order_by("-score", "pk")


def ranking_query(
    posting: JobPosting,
    *,
    today: date,
    weights: dict[str, int],
    exclude: tuple[int, ...] = (),
    limit: int = 20,
) -> QuerySet:
    """The one query `top` runs: the best `limit` candidates with their factors and score.

    The inner query computes only the score per candidate, once (ordered by its column), so the
    database keeps the best rows as it scans; the outer query works out each factor for those
    few winners only."""
    fractions = _fractions(posting)
    best = (
        candidates(posting, today=today, exclude=exclude)
        .annotate(score=_score(fractions, weights))
        .values("pk", "score")
        .order_by("-score", "pk")[:limit]
    )
    return (
        ProfessionalProfile.objects.filter(pk__in=best.values("pk"))
        .annotate(**{f"f_{name}": expression for name, expression in fractions.items()})
        .annotate(score=_score(fractions, weights))
        .values("pk", *[f"f_{name}" for name in FACTORS])
        .order_by("-score", "pk")
    )


# --- Explanations -------------------------------------------------------------------------------


@dataclass
class Contribution:
    factor: str
    label: str
    weight: int
    points: Decimal
    why: str


@dataclass
class Match:
    profile: ProfessionalProfile
    score: Decimal
    contributions: list[Contribution] = field(default_factory=list)


def _points(weight: int, fraction: float) -> Decimal:
    return (Decimal(weight) * Decimal(str(fraction))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _plural(n: object, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _reasons(posting: JobPosting, profile) -> dict[str, str]:
    """Each factor in words, from the same facts the score used."""
    tags = {(t.kind, t.value) for t in profile.tags.all()}
    skills = wanted(posting, SKILL_KINDS)
    have = [s for s in skills if (TagKind.SKILL, s) in tags or (TagKind.SOFTWARE, s) in tags]
    area = PracticeArea(posting.practice_area).label
    in_area = (TagKind.PRACTICE_AREA, posting.practice_area) in tags
    overlap = round(profile.f_time_zone * posting.overlap_hours, 1)
    rate, budget = format_usd(profile.hourly_rate_cents), format_usd(posting.budget_high_cents)
    return {
        "practice_area": f"works in {area}" if in_area else f"lists no {area} experience",
        "skills": (
            f"{len(have)} of {len(skills)} wanted: {', '.join(have) or 'none'}"
            if skills
            else "no particular skills asked for"
        ),
        "experience": (
            f"{_plural(profile.years_experience, 'year')} (full marks at {FULL_EXPERIENCE_YEARS})"
        ),
        "time_zone": (
            f"{overlap:g} of {posting.overlap_hours} hours overlap with core hours "
            f"({profile.time_zone})"
            if posting.overlap_hours
            else "no overlap required"
        ),
        "rate": f"{rate}/h against a budget up to {budget}/h",
        "soft_skills": (
            f"{profile.soft_skills_score}/100 on the soft-skills rubric"
            if profile.soft_skills_score is not None
            else f"not assessed yet (counts as {NEUTRAL_SOFT_SKILLS}/100)"
        ),
        "ratings": (
            f"{profile.rating_avg} of 5 from {_plural(profile.rating_count, 'engagement')}"
            if profile.rating_avg is not None
            else f"no ratings yet (counts as {NEUTRAL_RATING} of 5)"
        ),
    }


def explain(posting: JobPosting, profile: ProfessionalProfile, weights: dict[str, int]) -> Match:
    """The contributions of an annotated profile (from `ranked`); they sum to the score."""
    reasons = _reasons(posting, profile)
    contributions = [
        Contribution(
            factor=name,
            label=FACTOR_LABELS[name],
            weight=weights[name],
            points=_points(weights[name], getattr(profile, f"f_{name}")),
            why=reasons[name],
        )
        for name in FACTORS
    ]
    return Match(profile, sum((c.points for c in contributions), Decimal(0)), contributions)


_RANKINGS: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()
_RANKINGS_KEPT = 256
_RANKINGS_LOCK = threading.Lock()


def _compiled(key: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    """The SQL and parameters of the query `build` makes, compiled once per key: building and
    compiling these expressions costs more than the database takes to run them. The key holds
    everything the SQL depends on, so any change compiles a new one."""
    with _RANKINGS_LOCK:
        compiled = _RANKINGS.get(key)
    if compiled is None:
        sql, params = build().query.sql_with_params()
        compiled = (sql, tuple(params))
        with _RANKINGS_LOCK:
            _RANKINGS[key] = compiled
            while len(_RANKINGS) > _RANKINGS_KEPT:
                _RANKINGS.popitem(last=False)
    return compiled


def top(
    posting: JobPosting, *, today: date, limit: int = 20, exclude: tuple[int, ...] = ()
) -> list[Match]:
    """The best `limit` matches, explained: one ranking query (ids and factors), then the
    winners' profiles with the relations and tags their explanations show."""
    weights = weights_for(posting.organization_id)
    skip = tuple(sorted({*_tried_ids(posting), *exclude}))
    prefetch_related_objects([posting], "tags")
    key = (
        tuple(getattr(posting, f.attname) for f in JobPosting._meta.concrete_fields),
        tuple(sorted((t.kind, t.value) for t in posting.tags.all())),
        tuple(sorted(weights.items())),
        today,
        skip,
        limit,
        connection.vendor,
    )
    sql, params = _compiled(
        key,
        lambda: ranking_query(posting, today=today, weights=weights, exclude=skip, limit=limit),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    loaded = (
        ProfessionalProfile.objects.select_related("user", "provider")
        .prefetch_related("tags", "bar_admissions__verified_by")
        .in_bulk([row[0] for row in rows])
    )
    matches = []
    for pk, *fractions in rows:
        profile = loaded[pk]
        for name, fraction in zip(FACTORS, fractions, strict=True):
            setattr(profile, f"f_{name}", fraction)
        matches.append(explain(posting, profile, weights))
    return matches


def exclusion_reasons(
    posting: JobPosting, profile: ProfessionalProfile, *, today: date
) -> list[str]:
    """Why a professional is not among the matches (empty: they are)."""
    rules = filters(posting, today=today)
    annotated = (
        ProfessionalProfile.objects.filter(pk=profile.pk)
        .annotate(
            **{
                f"ok_{i}": Case(When(rule, then=Value(True)), default=Value(False))
                for i, rule in enumerate(rules.values())
            },
            tried=_tried(posting),
        )
        .values(*[f"ok_{i}" for i in range(len(rules))], "tried")
        .get()
    )
    reasons = []
    for i, name in enumerate(rules):
        if not annotated[f"ok_{i}"]:
            if name.startswith("language:"):
                reasons.append(f"does not list {name.split(':', 1)[1]} among their languages")
            else:
                reasons.append(
                    FILTER_REASONS[name].format(
                        role=ProfessionalRole(posting.role).label.lower(),
                        days=settings.VETTING_VALID_DAYS,
                        hours=posting.hours_per_week,
                        state=posting.jurisdiction,
                    )
                )
    if annotated["tried"]:
        reasons.append(FILTER_REASONS["excluded"])
    return reasons
