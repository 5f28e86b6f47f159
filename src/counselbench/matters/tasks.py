"""Background jobs for matters: thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.matters.services import alerts


@task()
def send_access_alert(alert_id: int) -> int:
    """Email one new access alert to the firm's owners (enqueued once the alert is committed)."""
    return alerts.deliver_alert_email(alert_id=alert_id)


# Every 10 minutes: the denied-burst rule looks at 10-minute spans, and an owner should hear of
# a bulk download while it may still be going on.
@periodic(every=timedelta(minutes=10))
@task()
def detect_access_anomalies() -> int:
    return len(alerts.detect_anomalies())
