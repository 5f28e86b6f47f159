"""Shared-kernel tables."""

from django.db import models


class PeriodicRun(models.Model):
    """One row per periodic job per time slot: the unique constraint lets exactly one of several
    workers enqueue a slot's run, however many schedulers tick at once."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
