"""Background jobs for money: thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.billing.services import reminders, statements
from counselbench.core.scheduling import periodic


@task()
def send_invoice_email(invoice_id: int) -> bool:
    return reminders.deliver_invoice(invoice_id=invoice_id)


@task()
def send_invoice_reminder(reminder_id: int) -> bool:
    return reminders.deliver_reminder(reminder_id=reminder_id)


@periodic(every=timedelta(days=1))
@task()
def queue_invoice_reminders() -> int:
    return len(reminders.claim_due_reminders())


@periodic(every=timedelta(days=1))
@task()
def issue_due_statements() -> int:
    return len(statements.issue_due_statements())


@periodic(every=timedelta(hours=6))
@task()
def alert_late_statements() -> int:
    return statements.alert_late_statements()
