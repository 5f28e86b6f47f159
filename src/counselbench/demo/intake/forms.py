"""The demo firm's front door: its intake profile (Texas and New Mexico), intake forms for
personal injury and family law (EN/ES questions), routing rules to its attorneys, and 60 leads
over the last three weeks across the pipeline — some in Spanish, a few flagged conflicts (names
of parties on the firm's matters), a few suspected spam — created through `create_lead` as the
intake page would, then moved along the board with plain updates and LeadEvents; the retained
ones are converted through `leads.convert`, so each has its client and matter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from counselbench.access.policy import actor_for
from counselbench.intake.models import (
    IntakeForm,
    IntakeProfile,
    IntakeQuestion,
    Lead,
    LeadEvent,
    RoutingRule,
)
from counselbench.intake.services import intake as services
from counselbench.intake.services import leads as pipeline
from counselbench.matters.models import Client, Matter
from counselbench.organizations.models import Membership, Organization, Role

DANA = "dana.whitfield@whitfieldmoreno.example"
LUIS = "luis.moreno@whitfieldmoreno.example"
PRIYA = "priya.shah@whitfieldmoreno.example"
GRACE = "grace.okafor@whitfieldmoreno.example"

YES_NO = "yes_no"
FORMS = [
    {
        "practice_area": "personal_injury",
        "title_en": "Injury or accident",
        "title_es": "Lesión o accidente",
        "typical_value_cents": 3_500_000,
        "questions": [
            (
                "accident_kind",
                "choice",
                "What kind of accident?",
                "¿Qué tipo de accidente?",
                True,
                [
                    ("car", "Car or truck", "Auto o camión"),
                    ("work", "At work", "En el trabajo"),
                    ("fall", "A fall", "Una caída"),
                    ("other", "Something else", "Otro"),
                ],
                [],
            ),
            (
                "injured",
                YES_NO,
                "Were you hurt and did you see a doctor?",
                "¿Resultó herido y lo vio un médico?",
                True,
                [],
                [],
            ),
            (
                "when",
                "choice",
                "When did it happen?",
                "¿Cuándo ocurrió?",
                True,
                [
                    ("month", "In the last month", "En el último mes"),
                    ("year", "In the last year", "En el último año"),
                    ("older", "More than a year ago", "Hace más de un año"),
                ],
                ["older"],
            ),
            (
                "insurance",
                YES_NO,
                "Has an insurance company contacted you?",
                "¿Lo ha contactado una compañía de seguros?",
                False,
                [],
                ["yes"],
            ),
            (
                "police",
                "text",
                "Police report number, if any",
                "Número del informe policial, si lo tiene",
                False,
                [],
                [],
            ),
        ],
    },
    {
        "practice_area": "family",
        "title_en": "Family law: divorce, custody, support",
        "title_es": "Derecho de familia: divorcio, custodia, manutención",
        "typical_value_cents": 900_000,
        "questions": [
            (
                "matter",
                "choice",
                "What do you need help with?",
                "¿Con qué necesita ayuda?",
                True,
                [
                    ("divorce", "Divorce", "Divorcio"),
                    ("custody", "Custody or visitation", "Custodia o visitas"),
                    ("support", "Child support", "Manutención de hijos"),
                    ("protective", "A protective order", "Una orden de protección"),
                ],
                ["protective"],
            ),
            (
                "children",
                YES_NO,
                "Are there children under 18?",
                "¿Hay hijos menores de 18 años?",
                True,
                [],
                [],
            ),
            (
                "court_date",
                YES_NO,
                "Do you already have a court date?",
                "¿Ya tiene una fecha en el tribunal?",
                False,
                [],
                ["yes"],
            ),
            (
                "county",
                "text",
                "Which county do you live in?",
                "¿En qué condado vive?",
                False,
                [],
                [],
            ),
        ],
    },
]


def _user(firm: Organization, email: str):
    return firm.memberships.get(user__email=email).user


def build(*, firm: Organization) -> None:
    """The intake profile, forms, questions and routing rules (idempotent)."""
    IntakeProfile.objects.update_or_create(
        organization=firm,
        defaults={
            "jurisdictions": ["NM", "TX"],
            "response_target_minutes": 60,
            "submissions_per_hour": 120,
        },
    )
    for spec in FORMS:
        form, _ = IntakeForm.objects.update_or_create(
            organization=firm,
            practice_area=spec["practice_area"],
            defaults={
                "title_en": spec["title_en"],
                "title_es": spec["title_es"],
                "typical_value_cents": spec["typical_value_cents"],
                "active": True,
            },
        )
        for position, (key, kind, en, es, required, choices, urgent) in enumerate(
            spec["questions"], start=1
        ):
            IntakeQuestion.objects.update_or_create(
                form=form,
                key=key,
                defaults={
                    "position": position,
                    "kind": kind,
                    "label_en": en,
                    "label_es": es,
                    "required": required,
                    "choices": [{"value": v, "en": e, "es": s} for v, e, s in choices],
                    "urgent_values": urgent,
                },
            )
    for area, email in (("personal_injury", LUIS), ("family", PRIYA), ("", GRACE)):
        RoutingRule.objects.update_or_create(
            organization=firm, practice_area=area, defaults={"assignee": _user(firm, email)}
        )


FIRST = [
    "María",
    "José",
    "Guadalupe",
    "Juan",
    "Ana",
    "Luis",
    "Rosa",
    "Carlos",
    "Sofía",
    "Miguel",
    "Emily",
    "James",
    "Sarah",
    "Michael",
    "Jessica",
    "David",
    "Ashley",
    "Robert",
    "Amanda",
    "Daniel",
    "Laura",
    "Kevin",
    "Brittany",
    "Jason",
    "Megan",
    "Tyler",
    "Hannah",
    "Marcus",
]
LAST = [
    "García",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Flores",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
]
OTHERS = {
    "personal_injury": [
        "Lone Star Freight LLC",
        "Allied Mutual Insurance",
        "H-E-B Grocery",
        "Capital Metro",
        "Sunset Apartments LP",
    ],
    "family": [],
}
SUMMARIES = {
    "personal_injury": (
        "Rear-ended at a red light on I-35; neck and back pain since.",
        "Slipped on a wet floor at a store, broke my wrist.",
        "Hurt my back lifting at work and my employer won't report it.",
        "Me chocaron en la autopista y el seguro no me quiere pagar.",
    ),
    "family": (
        "Separating after 12 years, two kids, need to know my options.",
        "My ex stopped paying child support six months ago.",
        "Quiero la custodia de mis hijos; mi expareja se mudó a otro estado.",
        "Need a protective order, he keeps showing up at my work.",
    ),
}
# Names of parties on the demo firm's matters: a prospect naming them is flagged for an attorney.
CONFLICTS = [
    ("Elena Ruiz", "personal_injury", ["Brightline Freight Inc."]),
    ("Thomas Quinn", "personal_injury", ["Brightline Freight Incorporated"]),
    ("Ray Osei", "family", ["Adaeze Osei"]),
]
SPAM = [
    ("Best SEO Services www.rank-top.xyz", "personal_injury", "Buy now: backlinks, crypto."),
    (
        "CHEAP LOANS FAST APPROVAL",
        "family",
        "Click here http://x.example http://y.example http://z.example free money",
    ),
    ("Casino Bonus 777", "personal_injury", "bitcoin casino"),
]
# Where each lead ends up: (stage, share).
STAGES = [
    ("new", 14),
    ("contacted", 16),
    ("consult_booked", 12),
    ("retained", 8),
    ("not_retained", 10),
]
NOT_RETAINED = [
    "Went with another firm.",
    "Outside the statute of limitations.",
    "No injury treatment; not a case we can take.",
    "Lives in Oklahoma; referred out.",
    "Could not reach after three tries.",
]


def build_leads(*, firm: Organization, count: int = 60) -> None:
    """`count` leads of the last three weeks across the pipeline (idempotent: skipped when the
    firm already has web leads)."""
    if Lead.objects.filter(organization=firm).exists():
        return
    build(firm=firm)
    rng = random.Random(8)
    now = timezone.now()
    forms = services.active_forms(firm.pk)
    profile = services.profile_for(firm)
    people = {e: _user(firm, e) for e in (DANA, LUIS, PRIYA, GRACE)}
    stages = [s for s, n in STAGES for _ in range(n)]
    rng.shuffle(stages)
    specials = [("conflict", c) for c in CONFLICTS] + [("spam", s) for s in SPAM]
    plan = specials + [("plain", None)] * max(0, count - len(specials))
    rng.shuffle(plan)
    plan = plan[:count]
    assigned = _stages_for(plan, stages)
    seen: set[str] = {c[0] for c in CONFLICTS}
    retained: list[tuple[Lead, datetime]] = []
    for index, (kind, extra) in enumerate(plan):
        area = "personal_injury" if rng.random() < 0.55 else "family"
        spanish = rng.random() < 0.35
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        while name in seen:  # one prospect each: the same name and area would be a repeat
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        seen.add(name)
        others = [rng.choice(OTHERS[area])] if OTHERS[area] and rng.random() < 0.6 else []
        summary = rng.choice(SUMMARIES[area])
        if kind == "conflict":
            name, area, others = extra  # type: ignore[misc]
        elif kind == "spam":
            name, area, summary = extra  # type: ignore[misc]
        if area == "family" and not others:
            others = [f"{rng.choice(FIRST)} {name.split()[-1]}"]
        created = now - timedelta(
            days=rng.uniform(0, 21) if index % 10 else rng.uniform(0, 2),
            minutes=rng.randint(0, 600),
        )
        stage = assigned[index]
        answers = _answers(rng, area)
        email = f"{name.split()[0].lower()}.{index}@example.com".encode("ascii", "ignore").decode()
        data = services.LeadInput(
            name=name,
            practice_area=area,
            other_parties=others,
            language="es" if spanish else "en",
            email=email if kind != "spam" else f"promo{index}@spam.example",
            phone=f"+1512555{1000 + index:04d}",
            state=rng.choice(["TX"] * 8 + ["NM", "OK"]),
            urgency=rng.choice(["low", "normal", "normal", "high", "emergency"]),
            summary=summary,
            answers=answers,
            with_details=rng.random() < 0.9,
        )
        lead = services.create_lead(
            organization=firm, data=data, source="web", forms=forms, profile=profile
        )
        Lead.objects.filter(pk=lead.pk).update(created_at=created)
        LeadEvent.objects.filter(lead=lead).update(at=created)
        converted_at = _walk(lead, stage, created, now, rng, people)
        if converted_at is not None:
            retained.append((lead, converted_at))
    # Converted once every lead is in: a converted lead's parties would otherwise flag the
    # later leads that name the same people as conflicts.
    for lead, at in retained:
        _convert(firm, lead, at, people)


def _stages_for(plan: list, stages: list[str]) -> list[str]:
    """Each lead's stage, the shares of STAGES kept exactly: suspected spam waits in "new" for
    review, and a flagged conflict is never retained (it could not be converted uncleared); each
    swaps stages with a plain lead."""
    assigned = [stages[i % len(stages)] for i in range(len(plan))]

    def fits(kind: str, stage: str) -> bool:
        return stage == "new" if kind == "spam" else kind != "conflict" or stage != "retained"

    for i, (kind, _extra) in enumerate(plan):
        if fits(kind, assigned[i]):
            continue
        j = next(
            j for j, (other, _x) in enumerate(plan) if other == "plain" and fits(kind, assigned[j])
        )
        assigned[i], assigned[j] = assigned[j], assigned[i]
    return assigned


def _convert(firm: Organization, lead: Lead, at: datetime, people: dict) -> None:
    """Convert a retained lead into its client and matter as its attorney would (the owner when
    the lead is not with an attorney), then date it when it happened."""
    attorneys = set(
        Membership.objects.filter(
            organization=firm, role__in=(Role.OWNER, Role.ATTORNEY)
        ).values_list("user_id", flat=True)
    )
    lead.refresh_from_db()
    who = lead.assigned_to if lead.assigned_to_id in attorneys else people[DANA]
    actor = actor_for(who, firm)
    if pipeline.conflict_open(lead):  # not planned (see _stages_for), but never left uncleared
        pipeline.clear_conflict(
            actor, lead_id=lead.pk, reason="A different person of the same name; no conflict."
        )
    jurisdiction = lead.state if lead.state in ("TX", "NM") else "TX"
    lead = pipeline.convert(actor, lead_id=lead.pk, data={"jurisdiction": jurisdiction})
    opened = timezone.localdate(at, timezone=ZoneInfo(firm.time_zone or "UTC"))
    Lead.objects.filter(pk=lead.pk).update(converted_at=at)
    LeadEvent.objects.filter(lead=lead, kind="converted").update(at=at)
    Matter.objects.filter(pk=lead.matter_id).update(opened_on=opened, created_at=at)
    Client.objects.filter(pk=lead.client_id).update(created_at=at)


def _answers(rng: random.Random, area: str) -> dict[str, str]:
    if area == "personal_injury":
        return {
            "accident_kind": rng.choice(["car", "car", "work", "fall", "other"]),
            "injured": rng.choice(["yes", "yes", "no"]),
            "when": rng.choice(["month", "month", "year", "older"]),
            "insurance": rng.choice(["yes", "no"]),
        }
    return {
        "matter": rng.choice(["divorce", "custody", "support", "protective"]),
        "children": rng.choice(["yes", "no"]),
        "court_date": rng.choice(["yes", "no", "no"]),
    }


def _walk(
    lead: Lead, stage: str, created, now, rng: random.Random, people: dict
) -> datetime | None:
    """Move a lead to `stage` as the front desk and attorneys would have, with its history. A
    lead to be retained is taken to "consult booked": its conversion (`_convert`, once every
    lead is in) retains it; returned is when that happened."""
    if stage == "new":
        return None
    by = lead.assigned_to or people[GRACE]
    # First contact: most within the hour target, some late.
    contact_at = min(now, created + timedelta(minutes=rng.choice([8, 15, 25, 40, 55, 95, 180])))
    events = [
        LeadEvent(
            lead=lead, kind="contacted", note="Called the prospect back.", by=by, at=contact_at
        ),
        LeadEvent(
            lead=lead, kind="stage", from_stage="new", to_stage="contacted", by=by, at=contact_at
        ),
    ]
    updates = {
        "stage": "consult_booked" if stage == "retained" else stage,
        "first_contact_at": contact_at,
        "first_contact_by": by,
    }
    previous, at = "contacted", contact_at
    if stage in ("consult_booked", "retained"):
        at = min(now, at + timedelta(hours=rng.randint(2, 48)))
        events.append(
            LeadEvent(
                lead=lead,
                kind="stage",
                from_stage=previous,
                to_stage="consult_booked",
                by=by,
                at=at,
                note="Consultation booked.",
            )
        )
        previous = "consult_booked"
    converted_at = None
    if stage == "retained":
        converted_at = min(now, at + timedelta(days=rng.randint(1, 5)))
    elif stage == "not_retained":
        at = min(now, at + timedelta(days=rng.randint(1, 5)))
        note = rng.choice(NOT_RETAINED)
        events.append(
            LeadEvent(
                lead=lead,
                kind="stage",
                from_stage=previous,
                to_stage=stage,
                by=by,
                at=at,
                note=note,
            )
        )
        updates["not_retained_reason"] = note
    Lead.objects.filter(pk=lead.pk).update(**updates)
    LeadEvent.objects.bulk_create(events)
    return converted_at
