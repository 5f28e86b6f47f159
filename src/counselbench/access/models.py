"""The append-only, hash-chained access log (PRODUCT §2.5, §4).

No foreign keys on purpose: a deleted user or organization must not cascade into, null out, or be
blocked by the log. Database triggers (migration 0002) refuse UPDATE and DELETE.
"""

from django.db import models

GENESIS_HASH = "0" * 64


class AccessLogEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Unique prev_hash makes a fork (two entries claiming the same predecessor) impossible even if
    # two writers race past the lock.
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_email or 'anonymous'}"
