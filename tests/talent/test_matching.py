"""Matching: no match ever breaks a hard filter, better never scores lower, and every score is
the sum of its explained contributions."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from counselbench.talent import matching
from counselbench.talent.hours import overlap_minutes, utc_window
from counselbench.talent.models import (
    BarStatus,
    Candidate,
    CandidateState,
    MatchWeights,
    ProfessionalProfile,
    ProfessionalRole,
)
from tests.factories import OrganizationFactory
from tests.talent.conftest import ACTIVE, POSTING, make_pro

pytestmark = pytest.mark.django_db


def _ids(posting, **kwargs):
    return [p.pk for p in matching.ranked(posting, today=timezone.localdate(), **kwargs)]


def test_the_hard_filters_each_keep_someone_out(post):
    posting = post(languages=["es"])
    good = make_pro(languages=("en", "es"))
    unvetted = make_pro(languages=("es",), vetted_days_ago=None)
    stale = make_pro(languages=("es",), vetted_days_ago=400)
    attorney = make_pro(role=ProfessionalRole.CONTRACT_ATTORNEY, languages=("es",))
    too_busy = make_pro(languages=("es",), hours=10)
    no_spanish = make_pro(languages=("en",))
    assert _ids(posting) == [good.pk]
    today = timezone.localdate()
    assert matching.exclusion_reasons(posting, good, today=today) == []
    for profile, words in [
        (unvetted, "vetting"),
        (stale, "older than 365 days"),
        (attorney, "not a paralegal"),
        (too_busy, "fewer than 20 hours"),
        (no_spanish, "does not list es"),
    ]:
        reasons = matching.exclusion_reasons(posting, profile, today=today)
        assert any(words in r for r in reasons), (words, reasons)


def test_attorney_work_needs_an_active_verified_admission_in_the_jurisdiction(post):
    posting = post(role=ProfessionalRole.CONTRACT_ATTORNEY, attorney_work=True, jurisdiction="TX")
    attorney = ProfessionalRole.CONTRACT_ATTORNEY
    admitted = make_pro(role=attorney, bars=(("TX", ACTIVE, True),))
    elsewhere = make_pro(role=attorney, bars=(("CA", ACTIVE, True),))
    unverified = make_pro(role=attorney, bars=(("TX", ACTIVE, False),))
    suspended = make_pro(role=attorney, bars=(("TX", BarStatus.SUSPENDED, True),))
    paralegal = make_pro(bars=(("TX", ACTIVE, True),))
    assert _ids(posting) == [admitted.pk]
    for profile in (elsewhere, unverified, suspended):
        reasons = matching.exclusion_reasons(posting, profile, today=timezone.localdate())
        assert reasons == ["no active, verified bar admission in TX"]
    assert "not a contract attorney" in " ".join(
        matching.exclusion_reasons(posting, paralegal, today=timezone.localdate())
    )


def test_people_already_tried_drop_out_when_the_match_runs_again(post):
    posting = post()
    first, second = make_pro(years=9), make_pro(years=2)
    assert _ids(posting) == [first.pk, second.pk]
    Candidate.objects.create(
        posting=posting, professional=first, score=Decimal(1), state=CandidateState.REPLACED
    )
    assert _ids(posting) == [second.pk]


def test_the_explanation_adds_up_to_the_score_and_names_the_facts(post):
    posting = post(skills=["clio", "westlaw", "relativity"])
    make_pro(skills=("clio", "westlaw"), soft=80, rating=Decimal("4.50"), years=7, rate_cents=3000)
    (match,) = matching.top(posting, today=timezone.localdate())
    assert match.score == sum(c.points for c in match.contributions)
    why = {c.factor: c for c in match.contributions}
    assert why["practice_area"].points == 25 and "Civil litigation" in why["practice_area"].why
    assert why["skills"].points == Decimal("13.3") and "2 of 3" in why["skills"].why
    assert why["experience"].points == Decimal("10.5")
    assert why["time_zone"].points == 15 and "4 of 4 hours" in why["time_zone"].why
    assert why["rate"].points == 10 and "$30/h" in why["rate"].why
    assert why["soft_skills"].points == 8
    assert why["ratings"].points == Decimal("4.5")
    assert match.score == Decimal("86.3")


def test_a_firm_tunes_its_weights_and_the_order_follows(post, cast):
    posting = post()
    cheap_junior = make_pro(years=1, rate_cents=2000)
    pricey_senior = make_pro(years=10, rate_cents=5000)
    assert _ids(posting) == [pricey_senior.pk, cheap_junior.pk]
    MatchWeights.objects.create(organization=cast.firm, experience=0, rate=60)
    assert _ids(posting) == [cheap_junior.pk, pricey_senior.pk]


def test_time_zone_overlap_in_sql_matches_the_arithmetic(post):
    posting = post(overlap_hours=8)  # 9–17 Chicago = the whole core day
    for zone, expected in [
        ("America/Chicago", 8),
        ("America/New_York", 7),
        ("America/Los_Angeles", 6),
        ("Europe/Madrid", 1),
        ("Asia/Manila", 0),
    ]:
        profile = make_pro(zone=zone)
        annotated = matching.ranked(posting, today=timezone.localdate()).get(pk=profile.pk)
        window = utc_window(zone, time(9), time(17))
        minutes = overlap_minutes(window, (posting.core_start_utc, posting.core_end_utc))
        assert minutes == expected * 60, zone
        assert annotated.f_time_zone == pytest.approx(expected / 8), zone


ROLES = [ProfessionalRole.PARALEGAL, ProfessionalRole.CONTRACT_ATTORNEY]
STATES = ["TX", "CA"]
profile_strategy = st.fixed_dictionaries(
    {
        "role": st.sampled_from(ROLES),
        "hours": st.integers(0, 40),
        "vetted_days_ago": st.one_of(st.none(), st.integers(0, 800)),
        "languages": st.lists(st.sampled_from(["en", "es", "vi"]), unique=True, max_size=3),
        "bars": st.lists(
            st.tuples(
                st.sampled_from(STATES),
                st.sampled_from([BarStatus.ACTIVE, BarStatus.SUSPENDED]),
                st.booleans(),
            ),
            unique_by=lambda b: b[0],
            max_size=2,
        ),
    }
)


class HardFilterProperties(TestCase):
    """Property-based: whatever the bench and the posting, no match breaks a hard filter, and
    everyone left out is told why."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        people=st.lists(profile_strategy, min_size=1, max_size=6),
        role=st.sampled_from(ROLES),
        attorney_work=st.booleans(),
        jurisdiction=st.sampled_from(STATES),
        hours=st.integers(1, 40),
        language=st.one_of(st.none(), st.sampled_from(["es", "vi"])),
    )
    def test_no_match_ever_violates_a_hard_filter(
        self, people, role, attorney_work, jurisdiction, hours, language
    ):
        from counselbench.talent.models import JobPosting

        if attorney_work:
            role = ProfessionalRole.CONTRACT_ATTORNEY
        firm = OrganizationFactory()
        posting = JobPosting.objects.create(
            organization=firm,
            **{k: v for k, v in POSTING.items() if k not in ("status",)},
        )
        posting.role, posting.attorney_work = role, attorney_work
        posting.jurisdiction, posting.hours_per_week = jurisdiction, hours
        posting.save()
        if language:
            posting.tags.create(kind="language", value=language)
        profiles = [
            make_pro(
                role=p["role"],
                hours=p["hours"],
                vetted_days_ago=p["vetted_days_ago"],
                languages=tuple(p["languages"]),
                bars=tuple(p["bars"]),
            )
            for p in people
        ]
        today = timezone.localdate()
        matched = set(_ids(posting))
        for profile in profiles:
            profile = ProfessionalProfile.objects.get(pk=profile.pk)
            admissions = {
                b.state for b in profile.bar_admissions.all()
                if b.status == BarStatus.ACTIVE and b.verified_at
            }  # fmt: skip
            langs = {t.value for t in profile.tags.filter(kind="language")}
            ok = (
                profile.role == role
                and profile.vetted_at is not None
                and (today - profile.vetted_at).days <= 365
                and profile.hours_available >= hours
                and (language is None or language in langs)
                and (not attorney_work or jurisdiction in admissions)
            )
            assert (profile.pk in matched) == ok
            reasons = matching.exclusion_reasons(posting, profile, today=today)
            assert bool(reasons) == (not ok), reasons


BASE = {"years": 4, "rate_cents": 3200, "soft": 60, "rating": Decimal("3.5"), "skills": ("clio",)}
IMPROVEMENTS = {
    "years": lambda b: {**b, "years": b["years"] + 3},
    "rate": lambda b: {**b, "rate_cents": b["rate_cents"] - 800},
    "soft": lambda b: {**b, "soft": b["soft"] + 25},
    "rating": lambda b: {**b, "rating": b["rating"] + 1},
    "skills": lambda b: {**b, "skills": (*b["skills"], "westlaw")},
    "area": lambda b: {**b, "areas": ("litigation", "family")},
    "zone": lambda b: {**b, "zone": "America/Chicago"},
}


class MonotonicityProperties(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        years=st.integers(0, 15),
        rate=st.integers(1500, 6000),
        soft=st.integers(0, 70),
        rating=st.decimals("1", "3.9", places=1),
        zone=st.sampled_from(["America/Los_Angeles", "Europe/Madrid", "America/New_York"]),
        which=st.sampled_from(sorted(IMPROVEMENTS)),
    )
    def test_improving_one_factor_never_lowers_the_score(
        self, years, rate, soft, rating, zone, which
    ):
        from counselbench.talent.models import JobPosting, PostingTag

        firm = OrganizationFactory()
        posting = JobPosting.objects.create(organization=firm, **POSTING)
        PostingTag.objects.bulk_create(
            [PostingTag(posting=posting, kind="skill", value=v) for v in ("clio", "westlaw")]
        )
        base = {**BASE, "years": years, "rate_cents": rate, "soft": soft, "rating": rating,
                "zone": zone, "areas": ("family",)}  # fmt: skip
        before = make_pro(**base)
        after = make_pro(**IMPROVEMENTS[which](base))
        scores = {p.pk: p.score for p in matching.ranked(posting, today=timezone.localdate())}
        assert scores[after.pk] >= scores[before.pk] - 1e-9, which


def test_the_demo_networks_matching_index_agrees_with_its_rows(cast):
    """The generator writes the index in bulk; it must say what the tag and bar rows say."""
    from counselbench.demo import build_demo
    from counselbench.talent import indexing

    build_demo()
    for profile in ProfessionalProfile.objects.prefetch_related("tags", "bar_admissions"):
        assert profile.tag_index == indexing.tag_index_of(
            (t.kind, t.value) for t in profile.tags.all()
        )
        assert profile.bar_states == indexing.bar_states_of(
            (b.state, b.status, b.verified_at is not None) for b in profile.bar_admissions.all()
        )


def test_the_reused_ranking_query_follows_every_change_to_the_posting(cast, post):
    from counselbench.talent.services import update_posting

    posting = post()
    busy, free = make_pro(hours=20, years=9), make_pro(hours=40, years=1)
    today = timezone.localdate()
    assert [m.profile.pk for m in matching.top(posting, today=today)] == [busy.pk, free.pk]
    posting = update_posting(
        cast.actor("owner"), posting_id=posting.pk, changes={"hours_per_week": 30}
    )
    assert [m.profile.pk for m in matching.top(posting, today=today)] == [free.pk]
    posting = update_posting(
        cast.actor("owner"),
        posting_id=posting.pk,
        changes={"hours_per_week": 20, "languages": ["es"]},
    )
    assert matching.top(posting, today=today) == []
    posting = update_posting(cast.actor("owner"), posting_id=posting.pk, changes={"languages": []})
    Candidate.objects.create(
        posting=posting, professional=busy, score=1, state=CandidateState.REJECTED
    )
    assert [m.profile.pk for m in top_fresh(posting, today)] == [free.pk]


def top_fresh(posting, today):  # a fresh object, as the next request would load
    from counselbench.talent.models import JobPosting

    return matching.top(JobPosting.objects.get(pk=posting.pk), today=today)
