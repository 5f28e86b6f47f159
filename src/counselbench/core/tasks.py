"""Housekeeping jobs that keep a long-running deployment tidy."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from counselbench.core.scheduling import periodic


@periodic(every=timedelta(days=1))
@task()
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@periodic(every=timedelta(days=1))
@task()
def prune_periodic_runs() -> int:
    from counselbench.core.models import PeriodicRun

    deleted, _ = PeriodicRun.objects.filter(slot__lt=timezone.now() - timedelta(days=30)).delete()
    return deleted


@periodic(every=timedelta(days=1))
@task()
def prune_idempotency_keys() -> int:
    """Stored responses are replayed for IDEMPOTENCY_KEY_HOURS, then forgotten."""
    from counselbench.core.idempotency import keep_for_hours
    from counselbench.core.models import IdempotencyKey

    cutoff = timezone.now() - timedelta(hours=keep_for_hours())
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
