"""Reading a time export (CSV) into task entries: column mapping, durations, dates, people.

A Clio-style export (Date / User / Matter / Description / Duration) maps with no help; other
exports get their columns mapped by the user. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

FIELDS = ("date", "user", "duration", "description", "category")
REQUIRED = ("date", "user", "duration", "description")
MAX_ROWS = 100_000
MAX_BYTES = 5_000_000  # the largest export accepted, in bytes of the file (characters in the API)

# Header names (lower-case) that map to each field without asking.
_ALIASES = {
    "date": {"date", "activity date", "entry date", "day", "work date"},
    "user": {"user", "timekeeper", "person", "staff", "name", "employee", "attorney"},
    "duration": {"duration", "hours", "time", "minutes", "quantity", "time spent", "qty"},
    "description": {"description", "notes", "note", "activity", "narrative", "task"},
    "category": {"category", "task category", "activity category", "type", "activity type"},
}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d-%b-%Y", "%b %d, %Y")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_UNITS = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$")


class ImportError_(ValueError):  # noqa: N801 (avoid shadowing the builtin ImportError)
    """The file as a whole cannot be read."""


def parse_duration(text: str) -> int:
    """Minutes from '1.5' (hours), '1:30', '90m', '2h', '1h 30m', '0.25'. Raises ValueError."""
    value = (text or "").strip().lower()
    if not value:
        raise ValueError("no duration")
    if clock := _CLOCK.match(value):
        return int(clock.group(1)) * 60 + int(clock.group(2))
    try:
        hours = Decimal(value)
    except InvalidOperation:
        units = _UNITS.match(value)
        if not units or not (units.group(1) or units.group(2)):
            raise ValueError(f"“{text}” is not a duration (use 1.5, 1:30 or 90m)") from None
        hours_part = Decimal(units.group(1) or 0)
        return int((hours_part * 60).to_integral_value()) + int(units.group(2) or 0)
    if not hours.is_finite():
        raise ValueError(f"“{text}” is not a duration")
    return int((hours * 60).to_integral_value())


def parse_date(text: str) -> date:
    value = (text or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (use 2026-11-09 or 11/09/2026)")


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """field → header, for every field whose header is a known alias."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = header.strip().lower()
        for name, aliases in _ALIASES.items():
            if key in aliases and name not in mapping:
                mapping[name] = header
    return mapping


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[dict[str, str]]  # header → cell, for every data row
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.mapping]


def read_csv(text: str, mapping: dict[str, str] | None = None) -> ParsedFile:
    """Headers and rows of a CSV export, with the mapping given or guessed from the headers."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportError_("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if "\x00" in text:
        raise ImportError_("The file contains NUL bytes: it is not a text (CSV) export.")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        headers = [h for h in (reader.fieldnames or []) if h is not None]
        if not headers:
            raise ImportError_("The file has no header row.")
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportError_(f"The file has more than {MAX_ROWS:,} rows; split it.")
            if any((v or "").strip() for k, v in row.items() if k is not None):
                rows.append({h: (row.get(h) or "").strip() for h in headers})
    except csv.Error as error:
        raise ImportError_(f"The file is not valid CSV ({error}).") from None
    chosen = dict(mapping) if mapping else auto_mapping(headers)
    unknown = [h for h in chosen.values() if h not in headers]
    if unknown:
        raise ImportError_(f"No column named {', '.join(map(repr, unknown))} in the file.")
    return ParsedFile(
        headers=headers, rows=rows, mapping={k: v for k, v in chosen.items() if k in FIELDS}
    )
