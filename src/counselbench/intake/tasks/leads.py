"""Background jobs for intake (leads): thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.intake.services import leads


@periodic(every=timedelta(minutes=5))
@task()
def alert_waiting_leads() -> int:
    """Email the assignee (or the owners) of each lead still new past the firm's target, once."""
    return leads.alert_overdue()
