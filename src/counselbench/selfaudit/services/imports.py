"""CSV import of a time export: preview without saving, then import all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from counselbench.access import log
from counselbench.access.policy import Action, Actor, fetch
from counselbench.core.errors import FieldError, Invalid
from counselbench.selfaudit import csv_import
from counselbench.selfaudit.error_codes import SelfAuditErrorCode as Code
from counselbench.selfaudit.models import (
    AuditPeriod,
    TaskCategory,
    TaskEntry,
)
from counselbench.selfaudit.services import totals
from counselbench.selfaudit.services.entries import EntryInput, logged_day_totals, validate_entry


@dataclass(frozen=True)
class ImportRowError:
    row: int  # the line in the file (the header is line 1)
    field: str
    message: str


@dataclass
class ImportPreview:
    headers: list[str]
    mapping: dict[str, str]
    missing: list[str]
    total_rows: int
    valid: list[tuple[int, EntryInput]]
    errors: list[ImportRowError]
    uncategorized: int

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def preview_import(
    actor: Actor, *, audit_id: int, csv_text: str, mapping: dict[str, str] | None = None
) -> ImportPreview:
    """Read and check a time export without saving anything."""
    audit = fetch(actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
    try:
        parsed = csv_import.read_csv(csv_text, mapping)
    except csv_import.ImportError_ as error:
        raise Invalid.field("csv", str(error), code=Code.IMPORT_UNREADABLE) from None
    preview = ImportPreview(
        headers=parsed.headers,
        mapping=parsed.mapping,
        missing=parsed.missing,
        total_rows=len(parsed.rows),
        valid=[],
        errors=[],
        uncategorized=0,
    )
    if parsed.missing:
        return preview
    participants = {p.user_id: p for p in audit.participants.select_related("user")}
    people: dict[str, int] = {}
    for p in participants.values():
        people[p.user.email.lower()] = p.user_id
        if p.user.full_name:
            people[p.user.full_name.strip().lower()] = p.user_id
    categories = {}
    for c in TaskCategory.objects.filter(
        organization_id=audit.organization_id, retired_at__isnull=True
    ):
        categories[c.key.lower()] = categories[c.name.lower()] = c.pk
    day_totals = logged_day_totals(audit, set(participants))
    m = parsed.mapping
    for index, row in enumerate(parsed.rows):
        line = index + 2
        problems = []
        try:
            when = csv_import.parse_date(row[m["date"]])
        except ValueError as error:
            problems.append(ImportRowError(line, "date", str(error)))
        try:
            minutes = csv_import.parse_duration(row[m["duration"]])
        except ValueError as error:
            problems.append(ImportRowError(line, "duration", str(error)))
        user_id = people.get(row[m["user"]].strip().lower())
        if user_id is None:
            problems.append(
                ImportRowError(
                    line,
                    "user",
                    f"“{row[m['user']]}” is not a participant (use their email or "
                    "full name as in the audit).",
                )
            )
        if problems or user_id is None:
            preview.errors += problems
            continue
        category_id = (
            categories.get(row[m["category"]].strip().lower()) if "category" in m else None
        )
        item = EntryInput(
            user_id=user_id,
            date=when,
            minutes=minutes,
            description=row[m["description"]],
            category_id=category_id,
        )
        _, field_errors = validate_entry(
            actor, audit, item, "row", participants, set(categories.values()), day_totals
        )
        if field_errors:
            preview.errors += [
                ImportRowError(line, e.path.split(".")[-1], e.message) for e in field_errors
            ]
            continue
        preview.valid.append((line, item))
        preview.uncategorized += category_id is None
    return preview


def import_csv(
    actor: Actor,
    *,
    audit_id: int,
    csv_text: str,
    mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
    request: HttpRequest | None = None,
) -> tuple[ImportPreview, int]:
    """Import a checked export: all rows, or none if any is bad, unless the user chose to skip
    the bad rows. Returns the preview and the number of entries created."""
    with transaction.atomic():
        # Lock the audit's participants first: the checks below and the insert see one state.
        audit = fetch(actor, AuditPeriod, Action.LOG_TIME, pk=audit_id)
        totals.lock(audit.pk)
        participants = {p.user_id: p for p in audit.participants.all()}
        preview = preview_import(actor, audit_id=audit_id, csv_text=csv_text, mapping=mapping)
        if preview.missing:
            raise Invalid(
                "Map every required column first.",
                code=Code.IMPORT_UNMAPPED,
                fields=[
                    FieldError(f"mapping.{f}", "Choose the column that holds this.")
                    for f in preview.missing
                ],
            )
        if preview.errors and not skip_invalid:
            raise Invalid(
                f"{preview.error_rows} of {preview.total_rows} rows are not valid; "
                "nothing was imported. Fix them, or choose to skip them.",
                code=Code.IMPORT_ROWS_INVALID,
                fields=[
                    FieldError(f"rows.{e.row}.{e.field}", e.message) for e in preview.errors[:200]
                ],
            )
        if not preview.valid:
            raise Invalid.field(
                "csv", "There is no valid row to import.", code=Code.IMPORT_ROWS_INVALID
            )
        created = TaskEntry.objects.bulk_create(
            [
                TaskEntry(
                    audit=audit,
                    participant=participants[item.user_id],
                    date=item.date,
                    minutes=item.minutes,
                    description=item.description.strip()[:500],
                    category_id=item.category_id,
                )
                for _, item in preview.valid
            ],
            batch_size=1000,
        )
        totals.apply(audit.pk, totals.delta_of(created))
        log.record(
            "audit.csv_imported",
            actor=actor,
            obj=audit,
            request=request,
            detail={"imported": len(created), "skipped_rows": preview.error_rows},
        )
    return preview, len(created)
