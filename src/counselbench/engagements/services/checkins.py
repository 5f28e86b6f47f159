"""Check-ins (PRODUCT §2.4): every other week, 15 minutes, on a fixed agenda (what's working /
roadblocks / one improvement for next week), with action items carried to the next one until
done; monthly reviews in the first quarter; a 60–90 day evaluation. Each sends as an .ics
invite."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar, Event

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid, NotFound, RuleViolation
from counselbench.engagements.error_codes import EngagementErrorCode as Code
from counselbench.engagements.models import (
    LIVE_STATES,
    ActionItem,
    CheckIn,
    CheckInKind,
    Engagement,
    ItemOwner,
)

EVERY = timedelta(days=14)
FIRST_QUARTER = 90
MEETING_TIME = time(10, 0)  # in the firm's time zone
DURATION = {CheckInKind.CHECK_IN: 15, CheckInKind.MONTHLY_REVIEW: 30, CheckInKind.EVALUATION: 45}
EVALUATION_DAY = 75  # inside the 60–90 day window
EVALUATION_FACTORS = {
    "quality": "Quality of work",
    "timeliness": "Timeliness",
    "communication": "Communication",
    "judgment": "Judgment and escalation",
    "independence": "Works without close direction",
}
RECOMMENDATIONS = ("continue", "expand", "end")


def _at(engagement: Engagement, day: int) -> datetime:
    zone = ZoneInfo(engagement.organization.time_zone)
    when = engagement.start_date + timedelta(days=day)
    return datetime.combine(when, MEETING_TIME, tzinfo=zone)


def schedule_first_quarter(engagement: Engagement) -> list[CheckIn]:
    """Check-ins every other week, monthly reviews and the evaluation for the first 90 days (run
    when the trial starts; idempotent)."""
    if engagement.checkins.exists():
        return list(engagement.checkins.all())
    days = [(d, CheckInKind.CHECK_IN) for d in range(14, FIRST_QUARTER + 1, 14)]
    days += [(d, CheckInKind.MONTHLY_REVIEW) for d in (30, 60, 90)]
    days += [(EVALUATION_DAY, CheckInKind.EVALUATION)]
    return CheckIn.objects.bulk_create(
        CheckIn(
            engagement=engagement,
            kind=kind,
            scheduled_at=_at(engagement, day),
            duration_minutes=DURATION[kind],
        )
        for day, kind in sorted(days)
    )


def open_items(engagement: Engagement) -> list[ActionItem]:
    return list(engagement.action_items.filter(done_at__isnull=True).select_related("raised_at"))


def record_checkin(
    actor: Actor,
    *,
    engagement_id: int,
    checkin_id: int,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> CheckIn:
    """Record a held check-in: the agenda's answers, notes, items closed, new items; for the
    evaluation, a 1–5 rating per factor and a recommendation. After the first quarter, the next
    check-in is scheduled two weeks on."""
    engagement = fetch(actor, Engagement, Action.CHANGE, pk=engagement_id)
    checkin = engagement.checkins.filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound("Check-in not found.")
    if engagement.state not in LIVE_STATES:
        raise RuleViolation(
            Code.TRANSITION_NOT_ALLOWED, "Check-ins are held while the engagement is live."
        )
    errors: list[FieldError] = []
    texts = {}
    for name in ("working", "roadblocks", "improvement", "notes"):
        value = (data.get(name) or "").strip()
        if len(value) > 5000:
            errors.append(FieldError(name, "At most 5,000 characters."))
        texts[name] = value
    if not any(texts.values()):
        errors.append(FieldError("working", "Write at least one part of the agenda."))
    new_items = []
    for i, item in enumerate(data.get("action_items") or []):
        text = (item.get("text") or "").strip()
        if not text or len(text) > 500:
            errors.append(FieldError(f"action_items.{i}.text", "Between 1 and 500 characters."))
        if item.get("owner") not in ItemOwner.values:
            errors.append(FieldError(f"action_items.{i}.owner", "firm or professional."))
        new_items.append((text, item.get("owner")))
    closing = set(data.get("close_items") or [])
    open_ids = {i.pk for i in open_items(engagement)}
    errors += [
        FieldError("close_items", f"{pk} is not an open item.") for pk in sorted(closing - open_ids)
    ]
    evaluation = None
    if checkin.kind == CheckInKind.EVALUATION:
        given = data.get("evaluation") or {}
        evaluation = {}
        for factor in EVALUATION_FACTORS:
            score = given.get(factor)
            if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
                errors.append(FieldError(f"evaluation.{factor}", "A rating from 1 to 5."))
            evaluation[factor] = score
        if given.get("recommendation") not in RECOMMENDATIONS:
            errors.append(FieldError("evaluation.recommendation", "continue, expand or end."))
        evaluation["recommendation"] = given.get("recommendation")
    if errors:
        raise Invalid("Check the check-in record.", fields=errors)
    now = timezone.now()
    with transaction.atomic():
        for name, value in texts.items():
            setattr(checkin, name, value)
        checkin.held_at = checkin.held_at or now
        checkin.evaluation = evaluation
        checkin.recorded_by = actor.user
        checkin.save()
        ActionItem.objects.filter(pk__in=closing).update(done_at=now, closed_at=checkin)
        ActionItem.objects.bulk_create(
            ActionItem(engagement=engagement, raised_at=checkin, text=t, owner=o)
            for t, o in new_items
        )
        if not engagement.checkins.filter(held_at__isnull=True, kind=CheckInKind.CHECK_IN).exists():
            CheckIn.objects.create(
                engagement=engagement,
                kind=CheckInKind.CHECK_IN,
                scheduled_at=checkin.scheduled_at + EVERY,
            )
        log.record(
            "engagements.checkin",
            actor=actor,
            obj=engagement,
            request=request,
            detail={"checkin": checkin.pk, "kind": checkin.kind},
        )
    return checkin


def ics(checkin: CheckIn, *, site_url: str) -> bytes:
    """The check-in as an iCalendar invite (RFC 5545) for both sides' calendars."""
    engagement = checkin.engagement
    calendar = Calendar()
    calendar.add("prodid", "-//Counselbench//Engagement check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"checkin-{checkin.pk}@counselbench")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", checkin.scheduled_at)
    event.add("dtend", checkin.scheduled_at + timedelta(minutes=checkin.duration_minutes))
    event.add("summary", f"{checkin.get_kind_display()}: {engagement.title} (E-{engagement.pk})")
    event.add(
        "description",
        "Agenda: what's working / roadblocks / one improvement for next "
        f"week.\n{site_url}/engagements/{engagement.pk}/",
    )
    event.add("url", f"{site_url}/engagements/{engagement.pk}/")
    calendar.add_component(event)
    return calendar.to_ical()
