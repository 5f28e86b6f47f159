"""Review cadence (PRODUCT §2.4, §2.8): the monthly reviews of an engagement's first quarter and
its 60–90 day evaluation, scheduled by the engagements capability at the start of the trial. The
dashboard lists those coming up and those overdue; a daily job reminds the supervising attorney
REVIEW_REMINDER_DAYS before, and once more the day after if it has not been held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from counselbench.access.policy import Actor, metrics_engagements
from counselbench.engagements.models import LIVE_STATES, CheckIn, CheckInKind
from counselbench.insights.services.periods import firm_zone

REVIEW_KINDS = (CheckInKind.MONTHLY_REVIEW, CheckInKind.EVALUATION)
REVIEW_REMINDER_DAYS = 2
UPCOMING_DAYS = 21


@dataclass(frozen=True)
class DueReview:
    checkin: CheckIn
    on: date  # in the firm's time zone
    overdue: bool

    @property
    def professional(self) -> str:
        return self.checkin.engagement.professional.user.display_name


def due_reviews(actor: Actor, *, today: date | None = None) -> list[DueReview]:
    """Reviews not held yet of the engagements the actor sees metrics of: overdue ones first,
    then those in the next three weeks."""
    rows = (
        CheckIn.objects.filter(
            engagement__in=metrics_engagements(actor),
            engagement__state__in=LIVE_STATES,
            kind__in=REVIEW_KINDS,
            held_at__isnull=True,
        )
        .select_related("engagement__professional__user", "engagement__organization")
        .order_by("scheduled_at", "pk")
    )
    found = []
    for checkin in rows:
        zone = firm_zone(checkin.engagement.organization.time_zone)
        day = checkin.scheduled_at.astimezone(zone).date()
        now = today or timezone.now().astimezone(zone).date()
        if day <= now + timedelta(days=UPCOMING_DAYS):
            found.append(DueReview(checkin, day, day < now))
    return sorted(found, key=lambda r: (not r.overdue, r.on, r.checkin.pk))


def _mail(checkin: CheckIn, *, overdue: bool, day: date) -> None:
    engagement = checkin.engagement
    who = engagement.professional.user.display_name
    what = checkin.get_kind_display().lower()
    when = f"{day:%A, %B} {day.day}"
    send_mail(
        subject=(
            f"Overdue: the {what} with {who}"
            if overdue
            else f"Coming up {when}: the {what} with {who}"
        ),
        message=(
            f"The {what} of E-{engagement.pk} ({engagement.title}) "
            + (f"was due on {when} and has not been recorded." if overdue else f"is on {when}.")
            + " Record it on the engagement's page; the scorecard on the insights dashboard has "
            "the figures to discuss."
        ),
        from_email=None,
        recipient_list=[engagement.supervising_attorney.email],
    )


def remind(now: datetime | None = None) -> int:
    """Email each supervising attorney before a review and once when it is overdue."""
    now = now or timezone.now()
    sent = 0
    rows = CheckIn.objects.filter(
        engagement__state__in=LIVE_STATES, kind__in=REVIEW_KINDS, held_at__isnull=True
    ).select_related(
        "engagement__organization",
        "engagement__supervising_attorney",
        "engagement__professional__user",
    )
    for checkin in rows:
        today = now.astimezone(firm_zone(checkin.engagement.organization.time_zone)).date()
        day = checkin.scheduled_at.astimezone(
            firm_zone(checkin.engagement.organization.time_zone)
        ).date()
        if day < today and checkin.overdue_reminded_at is None:
            field, overdue = "overdue_reminded_at", True
        elif today <= day <= today + timedelta(days=REVIEW_REMINDER_DAYS) and (
            checkin.reminded_at is None
        ):
            field, overdue = "reminded_at", False
        else:
            continue
        with transaction.atomic():
            claimed = CheckIn.objects.filter(pk=checkin.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
            if not claimed:  # another worker sent it
                continue
            _mail(checkin, overdue=overdue, day=day)
            sent += 1
    return sent
