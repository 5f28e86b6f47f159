"""Background jobs for trust: thin wrappers around services."""

from django_tasks import task

from counselbench.trust.services import retainers


@task()
def send_replenishment_request(replenishment_id: int) -> bool:
    return retainers.deliver_replenishment(replenishment_id=replenishment_id)
