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


class IdempotencyKey(models.Model):
    """The stored outcome of one API call made with an `Idempotency-Key` header (issue 7): a retry
    with the same key gets this response back instead of running again. Written in the same
    transaction as the call's own writes, so a crash leaves neither (core.idempotency)."""

    # Who made the call: "user:<id>" for a session, "token:<hash>" for an API token.
    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path, query and body
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
