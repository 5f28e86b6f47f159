"""Building professionals and postings for the talent-bench tests, straight into the tables."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from counselbench.talent import indexing, services
from counselbench.talent.hours import utc_window
from counselbench.talent.models import (
    BarAdmission,
    BarStatus,
    ProfessionalProfile,
    ProfessionalRole,
    ProfileTag,
    TagKind,
)
from tests.factories import UserFactory


def make_pro(
    *,
    role: str = ProfessionalRole.PARALEGAL,
    years: int = 5,
    rate_cents: int = 3000,
    hours: int = 30,
    zone: str = "America/Chicago",
    start: time = time(9),
    end: time = time(17),
    areas: tuple[str, ...] = ("litigation",),
    languages: tuple[str, ...] = ("en",),
    skills: tuple[str, ...] = (),
    vetted_days_ago: int | None = 30,
    bars: tuple[tuple[str, str, bool], ...] = (),
    soft: int | None = None,
    rating: Decimal | None = None,
    provider=None,
    name: str = "",
) -> ProfessionalProfile:
    user = UserFactory(full_name=name) if name else UserFactory()
    ws, we = utc_window(zone, start, end)
    today = timezone.localdate()
    profile = ProfessionalProfile.objects.create(
        user=user,
        role=role,
        years_experience=years,
        hourly_rate_cents=rate_cents,
        hours_available=hours,
        time_zone=zone,
        work_start=start,
        work_end=end,
        work_start_utc=ws,
        work_end_utc=we,
        vetted_at=None if vetted_days_ago is None else today - timedelta(days=vetted_days_ago),
        soft_skills_score=soft,
        rating_avg=rating,
        rating_count=3 if rating is not None else 0,
        provider=provider,
    )
    tags = [(TagKind.PRACTICE_AREA, a) for a in areas]
    tags += [(TagKind.LANGUAGE, lang) for lang in languages]
    tags += [(TagKind.SKILL, s) for s in skills]
    ProfileTag.objects.bulk_create(ProfileTag(profile=profile, kind=k, value=v) for k, v in tags)
    for state, status, verified in bars:
        BarAdmission.objects.create(
            profile=profile,
            state=state,
            number=f"{state}-{profile.pk}",
            status=status,
            verified_at=timezone.now() if verified else None,
        )
    indexing.refresh(profile)
    return profile


POSTING = {
    "title": "Litigation paralegal, discovery",
    "role": ProfessionalRole.PARALEGAL,
    "practice_area": "litigation",
    "jurisdiction": "TX",
    "responsibilities": "Draft discovery responses and organize productions.",
    "hours_per_week": 20,
    "budget_high_cents": 3500,
    "status": "open",
    "time_zone": "America/Chicago",
    "core_start": time(9),
    "core_end": time(17),
    "overlap_hours": 4,
}


@pytest.fixture
def post(cast):
    def make(**changes):
        return services.create_posting(cast.actor("owner"), data={**POSTING, **changes})

    return make


ACTIVE = BarStatus.ACTIVE
