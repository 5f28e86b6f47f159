"""Background jobs for engagements: thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.engagements.services import onboarding, reminders


@task()
def send_kickoff_confirmation(kickoff_id: int) -> bool:
    return onboarding.deliver_kickoff_confirmation(kickoff_id=kickoff_id)


@periodic(every=timedelta(days=1))
@task()
def remind_trials_ending() -> int:
    return reminders.remind_trials_ending()
