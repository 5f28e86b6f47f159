"""Working hours across time zones, as SQL can compare them.

A window of local working hours becomes minutes after 00:00 UTC on a reference day in standard
time (mid-January), with the end after the start (it may pass 1440, e.g. 9:00–17:00 in Los
Angeles is 1020–1500). Overlap is then plain arithmetic, tried with the other window shifted a
day either way, which SQL evaluates with GREATEST/LEAST on any database.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

REFERENCE_DAY = date(2026, 1, 15)  # standard time in every US zone
DAY = 24 * 60


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones() or name == "UTC"


def utc_window(zone: str, start: time, end: time) -> tuple[int, int]:
    """(start, end) in minutes after 00:00 UTC; start in [0, 1440), end > start."""
    tz = ZoneInfo(zone)
    begin = datetime.combine(REFERENCE_DAY, start, tzinfo=tz).utcoffset()
    assert begin is not None
    offset = int(begin.total_seconds() // 60)
    s = (start.hour * 60 + start.minute - offset) % DAY
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if length <= 0:  # an overnight shift
        length += DAY
    return s, s + length


def overlap_minutes(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Minutes two UTC windows share (the Python twin of matching's SQL expression)."""
    return sum(
        max(0, min(a[1] + shift, b[1]) - max(a[0] + shift, b[0])) for shift in (-DAY, 0, DAY)
    )
