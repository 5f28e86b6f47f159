"""The task log's running totals (LoggedMinutes), kept in step with the entries.

Every service that adds, changes or removes entries calls `apply` inside its transaction with
what changed; `rebuild` recomputes an audit's totals from its entries (data loaded in bulk).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Sum

from counselbench.selfaudit.models import AuditPeriod, LoggedMinutes, TaskEntry

# (participant id, category id or None) → minutes to add (negative to remove)
Key = tuple[int, int | None]


def lock(audit_id: int) -> None:
    """Serialize the audit's task-log writers (PostgreSQL row lock; SQLite has one writer)."""
    AuditPeriod.objects.select_for_update().filter(pk=audit_id).values_list("pk").first()


def delta_of(entries: Iterable[TaskEntry], sign: int = 1) -> Counter[Key]:
    changes: Counter[Key] = Counter()
    for entry in entries:
        changes[(entry.participant_id, entry.category_id)] += sign * entry.minutes
    return changes


def apply(audit_id: int, changes: Counter[Key]) -> None:
    """Add `changes` to the audit's totals (call with the audit locked, in the writer's
    transaction). A total that reaches zero is removed."""
    changes = Counter({key: minutes for key, minutes in changes.items() if minutes})
    if not changes:
        return
    rows = {
        (row.participant_id, row.category_id): row
        for row in LoggedMinutes.objects.filter(
            audit_id=audit_id, participant_id__in={p for p, _ in changes}
        )
    }
    new: list[LoggedMinutes] = []
    changed: list[LoggedMinutes] = []
    emptied: list[LoggedMinutes] = []
    for (participant_id, category_id), minutes in changes.items():
        row = rows.get((participant_id, category_id))
        if row is None:
            new.append(
                LoggedMinutes(
                    audit_id=audit_id,
                    participant_id=participant_id,
                    category_id=category_id,
                    minutes=minutes,
                )
            )
            continue
        row.minutes += minutes
        (changed if row.minutes else emptied).append(row)
    if any(row.minutes <= 0 for row in new) or any(row.minutes < 0 for row in changed):
        raise RuntimeError(f"task-log totals of audit {audit_id} would go negative: {changes}")
    LoggedMinutes.objects.bulk_create(new)
    LoggedMinutes.objects.bulk_update(changed, ["minutes"])
    LoggedMinutes.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def rebuild(audit_id: int) -> None:
    """Recompute the audit's totals from its entries."""
    LoggedMinutes.objects.filter(audit_id=audit_id).delete()
    LoggedMinutes.objects.bulk_create(
        LoggedMinutes(
            audit_id=audit_id,
            participant_id=row["participant_id"],
            category_id=row["category_id"],
            minutes=row["total"],
        )
        for row in TaskEntry.objects.filter(audit_id=audit_id)
        .values("participant_id", "category_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
