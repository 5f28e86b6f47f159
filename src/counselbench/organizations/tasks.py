"""Background jobs for organizations: thin wrappers around services."""

from django_tasks import task

from counselbench.organizations import services


@task()
def send_invitation_email(invitation_id: int) -> bool:
    return services.deliver_invitation(invitation_id=invitation_id)
