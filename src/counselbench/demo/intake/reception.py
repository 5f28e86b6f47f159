"""The demo firm's front desk: Aisha Karimi, a bilingual virtual receptionist, engaged (active)
so she can sign in and work it; a week of reception log (calls and chats in English and Spanish,
every urgency and outcome, some reported by the phone system through the signed webhook and
completed by her); the messages she took for the attorneys (some read); and this week's shifts,
covering the whole 24/7 week but for one gap (Saturday 02:00–08:00).

History needs dates the services only allow as "now" (an entry is logged now, a message is taken
now): those rows are re-dated by a plain update of their dates and nothing else, as the billing
demo does. Idempotent: each part is skipped when it is there already.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from counselbench.access.policy import actor_for
from counselbench.demo.engagements import _to_trial
from counselbench.engagements import services as engagements
from counselbench.engagements.models import LIVE_STATES, Engagement, EngagementState
from counselbench.intake.models import IntakeProfile, Message, ReceptionEntry, Shift
from counselbench.intake.services import reception, shifts, webhook
from counselbench.organizations.models import Organization
from counselbench.talent.models import ProfessionalProfile

AISHA = "aisha.karimi@contractors.example"
CALLERS_EN = [
    ("Megan Price", "Rear-ended on Mopac, neck pain"),
    ("Tom Becker", "Question about his invoice"),
    ("Harold Jenkins", "Updating his will after a divorce"),
    ("Ashley Moore", "Landlord kept her deposit"),
    ("Brian Walsh", "Served with a lawsuit yesterday"),
    ("Karen Lee", "Mother passed away, probate questions"),
    ("Derek Fox", "Wants to talk to Luis about the Harbor deposition"),
    ("Nina Patel", "Dog bite at a neighbor's house"),
]
CALLERS_ES = [
    ("Rosa Delgado", "Accidente de auto, necesita consulta"),
    ("Jorge Ramírez", "Custodia de sus hijos"),
    ("María Torres", "Testamento para su padre"),
    ("Luis Hernández", "Accidente en el trabajo"),
    ("Carmen Ruiz", "Pregunta sobre su audiencia del viernes"),
    ("Alejandro Vega", "Desalojo, le dieron tres días"),
]
MESSAGES = [
    "Please call back after 3pm; best number is the one above.",
    "Wants a consultation this week; prefers mornings.",
    "Has a court date next Thursday and is worried about it.",
    "Asked whether you received the documents she emailed.",
    "Needs to reschedule Tuesday's meeting.",
]
MESSAGES_ES = [
    "Prefers Spanish; call before 5pm.",
    "Quiere una consulta esta semana (wants a consultation this week); prefers Spanish.",
    "Asked in Spanish whether her hearing is still on Friday.",
]
# (urgency, weight), (outcome, weight): mostly normal calls, messages and transfers.
URGENCIES = [("low", 3), ("normal", 9), ("high", 4), ("emergency", 1)]
OUTCOMES = [
    ("message_taken", 8),
    ("transferred", 6),
    ("appointment_booked", 4),
    ("missed", 2),
    ("spam", 2),
]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _engage_aisha(firm: Organization, owner, attorney) -> None:
    """An active engagement as the firm's virtual receptionist, walked like the demo's others:
    proposed, NDA and agreement signed, trial, active."""
    profile = ProfessionalProfile.objects.filter(user__email=AISHA).first()
    if profile is None:
        return
    if Engagement.objects.filter(
        organization=firm, professional=profile, state__in=LIVE_STATES
    ).exists():
        return
    owner_actor = actor_for(owner, firm)
    # She is an independent professional, so no provider has vetted her and the firm's directory
    # does not list her: the proposal row is written as the service would write it, and every
    # step after it goes through the services.
    engagement = Engagement.objects.filter(
        organization=firm, professional=profile, state=EngagementState.PROPOSED
    ).first()
    if engagement is None:
        today = timezone.localdate()
        engagement = Engagement.objects.create(
            organization=firm,
            professional=profile,
            title="Bilingual front desk (virtual receptionist)",
            scope=(
                "Answer calls and chats in English and Spanish, log them, take messages for the "
                "attorneys and book consultations."
            ),
            jurisdiction="TX",
            start_date=today - timedelta(days=30),
            hours_per_week=40,
            engagement_model="direct",
            billing_model="hourly",
            rate_cents=profile.hourly_rate_cents or 2200,
            supervising_attorney=attorney,
            trial_days=7,
            created_by=owner,
        )
    _to_trial(owner_actor, engagement.pk, profile)  # classification, NDA, agreement, trial
    engagements.transition(
        owner_actor,
        engagement_id=engagement.pk,
        to="active",
        reason="Callers love her; Spanish-speaking callers especially.",
    )


def _signed(firm: Organization, body: dict) -> None:
    """Send one call event through the real webhook path (signed with the firm's secret)."""
    secret = IntakeProfile.objects.get(organization=firm).webhook_secret
    raw = json.dumps(body).encode()
    stamp = str(int(timezone.now().timestamp()))
    headers = {
        webhook.TIMESTAMP_HEADER: stamp,
        webhook.SIGNATURE_HEADER: webhook.sign(secret, stamp, raw),
    }
    webhook.receive_call_event(
        firm_slug=firm.slug, headers=headers, body=raw, content_type="application/json"
    )


def _log_week(firm: Organization, aisha, staff, attorneys) -> None:
    if ReceptionEntry.objects.filter(organization=firm).exists():
        return
    IntakeProfile.objects.get_or_create(organization=firm)
    rng = random.Random(8)
    zone = reception.firm_zone(firm)
    today = reception.firm_today(firm)
    desk = [actor_for(aisha)] * 3 + ([actor_for(staff, firm)] if staff else [])
    count = 0
    for days_ago in range(6, -1, -1):
        day = today - timedelta(days=days_ago)
        for _ in range(rng.randint(5, 7)):
            count += 1
            spanish = rng.random() < 0.35
            name, reason_text = rng.choice(CALLERS_ES if spanish else CALLERS_EN)
            when = datetime.combine(day, time(rng.randint(7, 19), rng.randint(0, 59)), zone)
            if when > timezone.now():
                when = timezone.now() - timedelta(minutes=rng.randint(5, 90))
            outcome = _pick(rng, OUTCOMES)
            urgency = "emergency" if "court" in reason_text.lower() else _pick(rng, URGENCIES)
            number = f"+1512555{rng.randint(1000, 9999)}"
            channel = "chat" if rng.random() < 0.15 else "call"
            call_id = (
                f"CA{firm.pk:02d}{count:04d}demo" if channel == "call" and count % 3 == 0 else ""
            )
            if call_id:  # the phone system reported it first; the receptionist completes it
                _signed(
                    firm,
                    {
                        "event_id": f"{call_id}-started",
                        "call_id": call_id,
                        "type": "call.started",
                        "from": number,
                        "to": "+15125550100",
                        "caller_name": name.upper(),
                        "occurred_at": when.isoformat(),
                    },
                )
            data = {
                "channel": channel,
                "caller_name": name,
                "number": "" if channel == "chat" else number,
                "reason": reason_text,
                "message": rng.choice(MESSAGES_ES if spanish else MESSAGES)
                if outcome == "message_taken"
                else "",
                "urgency": urgency,
                "language": "es" if spanish else "en",
                "outcome": outcome,
                "for_user_id": rng.choice(attorneys).pk
                if outcome in ("message_taken", "transferred")
                else None,
                "external_id": call_id,
            }
            entry = reception.log_entry(rng.choice(desk), data=data)
            ReceptionEntry.objects.filter(pk=entry.pk).update(
                started_at=when, created_at=when, duration_seconds=rng.randint(40, 600)
            )
            if call_id and outcome != "missed":
                _signed(
                    firm,
                    {
                        "event_id": f"{call_id}-ended",
                        "call_id": call_id,
                        "type": "call.ended",
                        "occurred_at": (when + timedelta(minutes=4)).isoformat(),
                        "duration_seconds": 240,
                    },
                )
            taken = when + timedelta(minutes=3)
            read = taken + timedelta(minutes=rng.randint(10, 300)) if days_ago > 0 else None
            if read is not None and rng.random() < 0.3:
                read = None  # a few still unread
            # Email went out at the time; the demo sends nothing now.
            Message.objects.filter(entry=entry).update(
                created_at=taken, emailed_at=taken, read_at=read
            )
    # A call still ringing through as the demo opens: waiting for the receptionist.
    _signed(
        firm,
        {
            "event_id": "CA-live-started",
            "call_id": "CA-live",
            "type": "call.started",
            "from": "+15125550188",
            "caller_name": "WIRELESS CALLER",
            "occurred_at": (timezone.now() - timedelta(minutes=2)).isoformat(),
        },
    )


def _shifts(firm: Organization, owner, staff, aisha) -> None:
    """This week around the clock in three shifts a day, but Saturday 02:00–08:00."""
    zone = reception.firm_zone(firm)
    monday = shifts.week_start(reception.firm_today(firm))
    start, _ = reception.day_bounds(firm, monday)
    _, end = reception.day_bounds(firm, monday + timedelta(days=6))
    if Shift.objects.filter(organization=firm, starts_at__lt=end, ends_at__gt=start).exists():
        return
    planner = actor_for(owner, firm)

    def put(person, day_offset: int, start_hour: int, end_hour: int, note: str = "") -> None:
        day = monday + timedelta(days=day_offset)
        begins = datetime.combine(day, time(start_hour), zone)
        ends = (
            datetime.combine(day + timedelta(days=1), time(0), zone)
            if end_hour == 24
            else datetime.combine(day, time(end_hour), zone)
        )
        shifts.plan_shift(
            planner,
            data={"person_id": person.pk, "starts_at": begins, "ends_at": ends, "note": note},
        )

    front = staff or owner
    for d in range(5):  # weekdays
        put(owner, d, 0, 8, "After-hours line")
        put(front, d, 8, 16)
        put(aisha, d, 16, 24, "Bilingual")
    put(owner, 5, 0, 2, "After-hours line")  # Saturday: nobody 02:00–08:00
    put(aisha, 5, 8, 16, "Bilingual")
    put(owner, 5, 16, 24)
    put(front, 6, 0, 8)
    put(aisha, 6, 8, 16, "Bilingual")
    put(owner, 6, 16, 24)


def build(*, firm: Organization) -> None:
    owner = firm.memberships.get(role="owner").user
    attorneys = [
        m.user for m in firm.memberships.filter(role__in=("owner", "attorney")).order_by("pk")
    ]
    staff_member = firm.memberships.filter(role="staff").order_by("pk").first()
    staff = staff_member.user if staff_member else None
    supervising = next((u for u in attorneys if u != owner), owner)
    _engage_aisha(firm, owner, supervising)
    aisha = ProfessionalProfile.objects.filter(user__email=AISHA).first()
    if aisha is None:
        return
    _log_week(firm, aisha.user, staff, attorneys)
    _shifts(firm, owner, staff, aisha.user)
