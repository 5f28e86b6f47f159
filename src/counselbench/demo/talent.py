"""Demo talent: four named professionals who sign in, a provider network of generated ones with
realistic variety (roles, states, languages, time zones, rates, vetting states), and two open
postings at the demo firm whose matches mean something.

`network(count)` is also the benchmark generator (`counselbench demo --professionals 100000`):
deterministic (seeded), idempotent (it only adds the professionals that are missing) and written
in batches with bulk inserts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from counselbench.accounts.models import User
from counselbench.demo.people import person
from counselbench.organizations.models import Organization
from counselbench.selfaudit.models import AuditPeriod
from counselbench.talent import indexing
from counselbench.talent.hours import utc_window
from counselbench.talent.models import (
    VETTING_ORDER,
    BarAdmission,
    BarStatus,
    JobPosting,
    Outcome,
    PostingStatus,
    PostingTag,
    ProfessionalProfile,
    ProfessionalRole,
    ProfileTag,
    SoftSkill,
    SoftSkillAssessment,
    TagKind,
    VettingStep,
)
from counselbench.talent.services.vetting import refresh_vetted

R = ProfessionalRole
NAMED = [
    # email, name, role, headline, via provider, state, zone, years, rate, areas, languages, skills
    ("maria.alvarez@contractors.example", "Maria Alvarez", R.CONTRACT_ATTORNEY,
     "Texas-licensed litigator, 9 years, discovery and motion practice", True, "TX",
     "America/Chicago", 9, 9500, ["litigation", "insurance_defense"], ["en", "es"],
     ["motion practice", "discovery", "westlaw", "relativity"]),
    ("kevin.brooks@contractors.example", "Kevin Brooks", R.PARALEGAL,
     "Certified paralegal, estate planning and probate, Clio power user", True, "TX",
     "America/Chicago", 7, 3200, ["estate_planning", "real_estate"], ["en"],
     ["probate", "estate administration", "clio", "document drafting"]),
    ("aisha.karimi@contractors.example", "Aisha Karimi", R.VIRTUAL_RECEPTIONIST,
     "Bilingual (English/Spanish) legal receptionist and intake", False, "FL",
     "America/New_York", 5, 2200, ["personal_injury", "family"], ["en", "es"],
     ["intake", "scheduling", "clio grow"]),
    ("tom.nguyen@contractors.example", "Tom Nguyen", R.LEGAL_ASSISTANT,
     "Legal assistant: e-filing, calendaring, trial binders", False, "CA",
     "America/Los_Angeles", 4, 2400, ["litigation"], ["en", "vi"],
     ["e-filing", "calendaring", "trial binders", "clio"]),
    # Applied to Keystone this week: vetting staff take her through the four steps.
    ("nadia.petrov@contractors.example", "Nadia Petrov", R.PARALEGAL,
     "Litigation paralegal, e-discovery and trial preparation", True, "GA",
     "America/New_York", 6, 3000, ["litigation", "employment"], ["en"],
     ["discovery", "relativity", "trial preparation", "document drafting"]),
]  # fmt: skip
VETTED_NAMED = 2  # Maria and Kevin arrive vetted; the others have not been (or cannot be)

# The generated network's vocabularies.
FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Farah", "Grace", "Hector", "Imani", "Jamal",
         "Keiko", "Luis", "Mei", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Samir", "Tara",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe"]  # fmt: skip
LAST = ["Abbott", "Banerjee", "Castillo", "Dubois", "Ellis", "Fong", "Garza", "Hughes", "Ibarra",
        "Jensen", "Khan", "Lopez", "Mbeki", "Nakamura", "Okafor", "Patel", "Quintero", "Reyes",
        "Silva", "Tran", "Usman", "Vargas", "Whitaker", "Xu", "Young", "Zhang"]  # fmt: skip
STATES = {  # state: (time zone, weight)
    "TX": ("America/Chicago", 14), "CA": ("America/Los_Angeles", 14),
    "NY": ("America/New_York", 10), "FL": ("America/New_York", 9),
    "IL": ("America/Chicago", 6), "GA": ("America/New_York", 5), "AZ": ("America/Phoenix", 4),
    "CO": ("America/Denver", 4), "WA": ("America/Los_Angeles", 4),
    "PA": ("America/New_York", 4), "NC": ("America/New_York", 4), "OH": ("America/New_York", 3),
    "MA": ("America/New_York", 3), "NJ": ("America/New_York", 3), "TN": ("America/Chicago", 3),
    "UT": ("America/Denver", 2), "MN": ("America/Chicago", 2), "LA": ("America/Chicago", 2),
}  # fmt: skip
ROLE_MIX = [(R.PARALEGAL, 35), (R.CONTRACT_ATTORNEY, 25), (R.LEGAL_ASSISTANT, 20),
            (R.VIRTUAL_RECEPTIONIST, 10), (R.INTAKE_SPECIALIST, 10)]  # fmt: skip
RATE_RANGE = {  # cents an hour, roughly the rate table's range
    R.PARALEGAL: (2200, 4800), R.CONTRACT_ATTORNEY: (7500, 17500),
    R.LEGAL_ASSISTANT: (1500, 3000), R.VIRTUAL_RECEPTIONIST: (1500, 2600),
    R.INTAKE_SPECIALIST: (1600, 2800),
}  # fmt: skip
AREAS = ["litigation", "family", "estate_planning", "real_estate", "corporate", "employment",
         "immigration", "personal_injury", "criminal", "bankruptcy", "intellectual_property",
         "tax", "insurance_defense", "general"]  # fmt: skip
SKILLS = {
    R.PARALEGAL: ["discovery", "document drafting", "probate", "estate administration",
                  "legal research", "e-filing", "deposition summaries", "trial binders",
                  "medical records review", "closing documents", "clio", "westlaw",
                  "relativity", "practicepanther"],
    R.CONTRACT_ATTORNEY: ["motion practice", "discovery", "legal research", "brief writing",
                          "contract review", "due diligence", "depositions", "appeals",
                          "westlaw", "lexis", "relativity"],
    R.LEGAL_ASSISTANT: ["e-filing", "calendaring", "trial binders", "data entry", "billing",
                        "transcription", "clio", "mycase"],
    R.VIRTUAL_RECEPTIONIST: ["intake", "scheduling", "call handling", "live chat", "clio grow",
                             "ruby"],
    R.INTAKE_SPECIALIST: ["intake", "conflict checks", "lead follow-up", "scheduling", "lawmatics",
                          "clio grow"],
}  # fmt: skip
LANGUAGES = [("es", 30), ("vi", 3), ("zh", 3), ("fr", 3), ("ar", 2), ("ko", 2), ("pt", 2)]
NETWORK_EMAIL = "pro{:06d}@network.example"
BATCH = 2000


def named(*, password: str, provider: Organization) -> list[tuple[str, str, str]]:
    """The professionals who sign in, with full profiles; the first two are vetted."""
    vetter = User.objects.filter(email="jordan.lee@keystonetalent.example").first()
    accounts = []
    for index, row in enumerate(NAMED):
        email, name, role, headline, via, state, zone, years, rate, areas, langs, skills = row
        user = person(email, name, password)
        ws, we = utc_window(zone, time(9), time(17))
        profile, _ = ProfessionalProfile.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "headline": headline,
                "provider": provider if via else None,
                "state": state,
                "time_zone": zone,
                "work_start_utc": ws,
                "work_end_utc": we,
                "years_experience": years,
                "hourly_rate_cents": rate,
                "hours_available": 30,
                "phone": f"+1 512 555 01{index:02d}",
                "bio": headline + ".",
            },
        )
        tags = [(TagKind.PRACTICE_AREA, a) for a in areas] + [(TagKind.LANGUAGE, x) for x in langs]
        tags += [(TagKind.SKILL, s) for s in skills]
        for kind, value in tags:
            ProfileTag.objects.get_or_create(profile=profile, kind=kind, value=value)
        if role == R.CONTRACT_ATTORNEY:
            BarAdmission.objects.update_or_create(
                profile=profile,
                state="TX",
                defaults={
                    "number": "24081234",
                    "status": BarStatus.ACTIVE,
                    "admitted_on": date(2016, 11, 4),
                    "verified_at": timezone.now(),
                    "verified_by": vetter,
                    "verification_note": "State Bar of Texas member search: active",
                },
            )
        indexing.refresh(profile)
        if index < VETTED_NAMED and vetter and not profile.vetting_steps.exists():
            _vet(profile, vetter, days_ago=40, rng=random.Random(index))
        accounts.append((R(role).label, email, provider.name if via else "independent"))
    return accounts


def _vet(profile: ProfessionalProfile, vetter: User, *, days_ago: int, rng: random.Random) -> None:
    today = timezone.localdate()
    for offset, kind in enumerate(VETTING_ORDER):
        VettingStep.objects.create(
            profile=profile,
            kind=kind,
            outcome=Outcome.PASSED,
            score=rng.randint(72, 96),
            notes="Meets the rubric.",
            reviewer=vetter,
            reviewed_on=today - timedelta(days=days_ago - offset * 2),
        )
    ratings = {s: rng.randint(3, 5) for s in SoftSkill.values}
    score = round((sum(ratings.values()) / len(ratings) - 1) / 4 * 100)
    SoftSkillAssessment.objects.create(
        profile=profile, ratings=ratings, score=score, reviewer=vetter,
        assessed_on=today - timedelta(days=days_ago),
    )  # fmt: skip
    profile.soft_skills_score = score
    profile.save(update_fields=["soft_skills_score"])
    refresh_vetted(profile)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def network(
    count: int,
    *,
    provider: Organization,
    vetter: User,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Make the provider's generated network `count` strong; returns how many were added."""
    have = User.objects.filter(email__endswith="@network.example").count()
    added = 0
    password = make_password(None)  # generated people never sign in
    for start in range(have, count, BATCH):
        stop = min(start + BATCH, count)
        with transaction.atomic():
            _batch(range(start, stop), provider=provider, vetter=vetter, password=password)
        added += stop - start
        if progress:
            progress(stop, count)
    return added


def _batch(numbers: range, *, provider: Organization, vetter: User, password: str) -> None:
    today = timezone.localdate()
    now = timezone.now()
    states = [(s, w) for s, (_, w) in STATES.items()]
    users = User.objects.bulk_create(
        User(
            email=NETWORK_EMAIL.format(n),
            full_name=f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + n // 26) % len(LAST)]}",
            password=password,
        )
        for n in numbers
    )
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
    profiles, plans = [], []
    for n, user in zip(numbers, users, strict=True):
        rng = random.Random(n)
        role = _weighted(rng, ROLE_MIX)
        state = _weighted(rng, states)
        zone = STATES[state][0]
        start = time(rng.choice([7, 8, 8, 9, 9, 9, 10, 12]))
        end = time(min(start.hour + rng.choice([4, 6, 8, 8, 8]), 23))
        ws, we = utc_window(zone, start, end)
        low, high = RATE_RANGE[role]
        years = min(int(rng.expovariate(1 / 7)), 35)
        vetting = rng.random()
        vetted_days = (
            rng.randint(5, 300)
            if vetting < 0.8
            else (rng.randint(400, 700) if vetting < 0.9 else None)
        )
        profiles.append(
            ProfessionalProfile(
                user=user,
                role=role,
                headline=f"{R(role).label}, {years} years",
                provider=provider,
                years_experience=years,
                state=state,
                time_zone=zone,
                work_start=start,
                work_end=end,
                work_start_utc=ws,
                work_end_utc=we,
                hourly_rate_cents=round(rng.uniform(low, high), -1) + min(years, 15) * 40,
                hours_available=rng.choice([10, 15, 20, 20, 25, 30, 30, 40]),
                rating_avg=Decimal(str(round(rng.uniform(3.2, 5), 1)))
                if rng.random() < 0.5
                else None,
                rating_count=rng.randint(1, 12),
                soft_skills_score=rng.randint(45, 98) if vetted_days is not None else None,
                created_at=now,
            )
        )
        plans.append((rng, role, state, vetted_days))
    profiles = ProfessionalProfile.objects.bulk_create(profiles)
    profiles = list(ProfessionalProfile.objects.filter(user__in=users).order_by("user__email"))
    tags, bars, steps = [], [], []
    for profile, (rng, role, state, vetted_days) in zip(profiles, plans, strict=True):
        for area in rng.sample(AREAS, rng.choice([1, 2, 2, 3])):
            tags.append(ProfileTag(profile=profile, kind=TagKind.PRACTICE_AREA, value=area))
        tags.append(ProfileTag(profile=profile, kind=TagKind.LANGUAGE, value="en"))
        for language, weight in LANGUAGES:
            if rng.randint(1, 100) <= weight:
                tags.append(ProfileTag(profile=profile, kind=TagKind.LANGUAGE, value=language))
        for skill in rng.sample(SKILLS[role], rng.randint(2, 5)):
            tags.append(ProfileTag(profile=profile, kind=TagKind.SKILL, value=skill))
        if role == R.CONTRACT_ATTORNEY:
            admitted = [state] + ([rng.choice(list(STATES))] if rng.random() < 0.3 else [])
            for bar_state in dict.fromkeys(admitted):
                bars.append(
                    BarAdmission(
                        profile=profile,
                        state=bar_state,
                        number=f"{rng.randint(10_000_000, 99_999_999)}",
                        status=BarStatus.ACTIVE if rng.random() < 0.95 else BarStatus.INACTIVE,
                        verified_at=now if vetted_days is not None else None,
                        verified_by=vetter if vetted_days is not None else None,
                        verification_note="State bar lookup",
                    )
                )
        if vetted_days is not None:
            for offset, kind in enumerate(VETTING_ORDER):
                steps.append(
                    VettingStep(
                        profile=profile,
                        kind=kind,
                        outcome=Outcome.PASSED,
                        score=rng.randint(65, 98),
                        reviewer=vetter,
                        reviewed_on=today - timedelta(days=vetted_days - offset),
                        recorded_at=now,
                    )
                )
            passed_bar = role != R.CONTRACT_ATTORNEY or any(
                b.profile is profile and b.status == BarStatus.ACTIVE for b in bars
            )
            profile.vetted_at = today - timedelta(days=vetted_days) if passed_bar else None
        elif rng.random() < 0.5:  # in progress: resume screen passed
            steps.append(
                VettingStep(
                    profile=profile, kind=VETTING_ORDER[0], outcome=Outcome.PASSED, score=70,
                    reviewer=vetter, reviewed_on=today - timedelta(days=3), recorded_at=now,
                )
            )  # fmt: skip
    ProfileTag.objects.bulk_create(tags)
    BarAdmission.objects.bulk_create(bars)
    VettingStep.objects.bulk_create(steps)
    tags_of: dict[int, list[tuple[str, str]]] = {}
    for t in tags:
        tags_of.setdefault(t.profile.pk, []).append((t.kind, t.value))
    bars_of: dict[int, list[tuple[str, str, bool]]] = {}
    for b in bars:
        bars_of.setdefault(b.profile.pk, []).append((b.state, b.status, b.verified_at is not None))
    for profile in profiles:
        profile.tag_index = indexing.tag_index_of(tags_of.get(profile.pk, []))
        profile.bar_states = indexing.bar_states_of(bars_of.get(profile.pk, []))
    ProfessionalProfile.objects.bulk_update(profiles, ["vetted_at", "tag_index", "bar_states"])


POSTINGS = [
    {
        "title": "Remote paralegal for discovery and motion drafting",
        "role": R.PARALEGAL,
        "practice_area": "litigation",
        "jurisdiction": "TX",
        "responsibilities": "Draft first versions of discovery responses and routine motions for "
        "attorney review; organize productions; keep the matter chronology current.",
        "secondary_tasks": "Deposition summaries; trial binders when a case goes to trial.",
        "performance_metrics": "First drafts within 2 business days; fewer than 1 in 10 returned "
        "for substantive rework.",
        "qualifications": "3+ years of civil litigation support; Texas state-court practice.",
        "communication_channels": "Email, Microsoft Teams; weekly video check-in",
        "hours_per_week": 20,
        "duration_weeks": 26,
        "budget_low_cents": 2800,
        "budget_high_cents": 4000,
        "overlap_hours": 4,
        "skills": ["discovery", "document drafting", "clio"],
        "languages": [],
    },
    {
        "title": "Contract attorney, Texas insurance defense motions",
        "role": R.CONTRACT_ATTORNEY,
        "practice_area": "insurance_defense",
        "jurisdiction": "TX",
        "attorney_work": True,
        "responsibilities": "Research and draft summary-judgment motions and responses under the "
        "supervision of the responsible partner.",
        "secondary_tasks": "Cover occasional remote hearings.",
        "performance_metrics": "Drafts on the agreed schedule; research memos cite-checked.",
        "qualifications": "Active Texas bar license; 5+ years of motion practice.",
        "communication_channels": "Email and phone; twice-weekly check-in",
        "hours_per_week": 15,
        "duration_weeks": 12,
        "budget_low_cents": 9000,
        "budget_high_cents": 13000,
        "overlap_hours": 3,
        "skills": ["motion practice", "legal research", "westlaw"],
        "languages": ["es"],
    },
]


def postings(*, firm: Organization) -> list[JobPosting]:
    """The demo firm's two open postings; the first outsources the audit's chosen process."""
    owner = firm.memberships.filter(role="owner").select_related("user").first()
    audit = AuditPeriod.objects.filter(organization=firm).order_by("-starts_on").first()
    # The process the self-audit points at (drafting, in the demo) is what the firm posts for.
    category = (audit.chosen_category if audit else None) or firm.task_categories.filter(
        key="drafting"
    ).first()
    made = []
    for data in POSTINGS:
        data = dict(data)
        skills, languages = data.pop("skills"), data.pop("languages")
        ws, we = utc_window("America/Chicago", time(9), time(17))
        posting, _ = JobPosting.objects.update_or_create(
            organization=firm,
            title=data["title"],
            defaults={
                **data,
                "status": PostingStatus.OPEN,
                "time_zone": "America/Chicago",
                "core_start_utc": ws,
                "core_end_utc": we,
                "created_by": owner.user if owner else None,
                "category": category if data["role"] == R.PARALEGAL else None,
            },
        )
        posting.tags.all().delete()
        PostingTag.objects.bulk_create(
            [PostingTag(posting=posting, kind=TagKind.SKILL, value=s) for s in skills]
            + [PostingTag(posting=posting, kind=TagKind.LANGUAGE, value=x) for x in languages]
        )
        made.append(posting)
    return made


def build(
    *, password: str, provider: Organization, professionals: int = 200
) -> list[tuple[str, str, str]]:
    accounts = named(password=password, provider=provider)
    vetter = User.objects.get(email="jordan.lee@keystonetalent.example")
    network(max(professionals - len(NAMED), 0), provider=provider, vetter=vetter)
    return accounts


KEYSTONE_CARD = {
    "answers": {
        "location": ("US-based network; most in TX, CA, NY and FL, each admitted where they "
                     "practice.", 2),
        "data_security": ("NDAs before the firm is named; role-based access to our systems, "
                          "revoked when an engagement ends; encrypted channels.", 2),
        "vetting": ("Resume screen, video interview, a practice-area skills test, then "
                    "background and reference checks; bar status verified for attorneys.", 2),
        "capabilities": ("Matching, vetting and payroll; timekeeping is on us.", 1),
        "integration": ("Works in Clio and Microsoft 365 with accounts we create.", 2),
        "technology": ("Own matching platform; hosting by a US cloud provider.", 1),
        "flexibility": ("Month to month; no buyout fee to hire directly.", 2),
        "support": ("A named account manager, same-day replies.", 2),
        "growth": ("Quarterly report of hours recovered and turnaround.", 1),
        "replacement": ("One-week trial; replacement at no extra cost.", 2),
    },
    "traits": {"selection": "platform", "relationship": "platform", "flexibility": "platform",
               "talent_pool": "platform", "ideal_for": "platform"},
}  # fmt: skip
MERIDIAN_CARD = {
    "answers": {
        "location": ("Delivery centers abroad; US project managers.", 1),
        "data_security": ("Our platform is very secure.", 0),
        "vetting": ("We have a multi-stage review.", 0),
        "capabilities": ("Document review, e-discovery processing, data entry at volume.", 2),
        "integration": ("Work happens in our review platform.", 1),
        "technology": ("Licensed review platform.", 1),
        "flexibility": ("Project-based statements of work, 3-month minimum.", 0),
        "support": ("Project manager during business hours.", 1),
        "growth": ("Lower cost per document.", 1),
        "replacement": ("That rarely happens.", 0),
    },
    "traits": {"selection": "lpo", "relationship": "lpo", "flexibility": "lpo",
               "talent_pool": "lpo", "ideal_for": "lpo"},
}  # fmt: skip


def providers(*, firm: Organization, keystone: Organization) -> None:
    """A second provider (a traditional LPO) and the demo firm's scorecards of both."""
    from counselbench.organizations.models import OrganizationKind
    from counselbench.talent.models import ProviderScorecard

    meridian, _ = Organization.objects.update_or_create(
        slug="meridian-lpo",
        defaults={"name": "Meridian LPO Services", "kind": OrganizationKind.PROVIDER},
    )
    owner = firm.memberships.filter(role="owner").select_related("user").first()
    for provider, card in ((keystone, KEYSTONE_CARD), (meridian, MERIDIAN_CARD)):
        ProviderScorecard.objects.update_or_create(
            organization=firm,
            provider=provider,
            defaults={
                "answers": {k: {"answer": a, "rating": r} for k, (a, r) in card["answers"].items()},
                "traits": card["traits"],
                "evaluated_by": owner.user if owner else None,
            },
        )
