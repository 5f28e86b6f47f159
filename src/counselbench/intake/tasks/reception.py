"""Background jobs for intake (reception): thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.intake.services import reception


@task()
def send_message_email(message_id: int) -> bool:
    return reception.deliver_message_email(message_id=message_id)


# Hourly, so each firm's people get the summary of their day soon after its midnight (every firm
# has its own); a (person, day) claim keeps it to one email each.
@periodic(every=timedelta(hours=1))
@task()
def send_daily_message_summaries() -> int:
    return reception.send_daily_summaries()
