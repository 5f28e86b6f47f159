"""Background jobs for intake (booking): thin wrappers around services."""

from datetime import timedelta

from django_tasks import task

from counselbench.core.scheduling import periodic
from counselbench.intake.services import booking


@task()
def send_appointment_booked(appointment_id: int) -> bool:
    return booking.deliver_booked(appointment_id=appointment_id)


@task()
def send_appointment_cancelled(appointment_id: int) -> bool:
    return booking.deliver_cancelled(appointment_id=appointment_id)


@periodic(every=timedelta(minutes=15))
@task()
def send_appointment_reminders() -> int:
    return booking.send_due_reminders()
