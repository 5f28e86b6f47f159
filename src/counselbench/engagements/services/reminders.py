"""Reminders: the supervising attorney hears two days before a trial ends that a decision
(continue or replace) is due."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from counselbench.engagements.models import Engagement, EngagementState

TRIAL_REMINDER_DAYS = 2


def trials_ending_on(day: date):
    """Live trials that end on `day` and whose attorney has not been reminded yet."""
    return [
        e
        for e in Engagement.objects.filter(
            state=EngagementState.TRIAL, trial_reminder_sent_at__isnull=True
        ).select_related("supervising_attorney", "professional__user", "organization")
        if e.trial_ends_on == day
    ]


def remind_trials_ending(today: date | None = None) -> int:
    """Email each supervising attorney whose trial ends in two days (once per engagement)."""
    today = today or timezone.localdate()
    sent = 0
    for engagement in trials_ending_on(today + timedelta(days=TRIAL_REMINDER_DAYS)):
        with transaction.atomic():
            claimed = Engagement.objects.filter(
                pk=engagement.pk, trial_reminder_sent_at__isnull=True
            ).update(trial_reminder_sent_at=timezone.now())
            if not claimed:  # another worker sent it
                continue
            send_mail(
                subject=f"Trial ends {engagement.trial_ends_on:%b} {engagement.trial_ends_on.day}:"
                f" continue or replace {engagement.professional.user.display_name}?",
                message=(
                    f"The trial of E-{engagement.pk} ({engagement.title}) ends on "
                    f"{engagement.trial_ends_on:%A, %B} {engagement.trial_ends_on.day}. Record "
                    "your decision (continue or replace, with a reason) on the engagement's page."
                ),
                from_email=None,
                recipient_list=[engagement.supervising_attorney.email],
            )
            sent += 1
    return sent
