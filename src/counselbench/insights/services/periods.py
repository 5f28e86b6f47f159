"""Date ranges and weeks for the metrics, in the firm's time zone.

A period is whole days, both ends included. A week runs Monday to Sunday; "complete weeks before
a day" are the weeks whose Sunday is before that day, so a rule over "the last two weeks" can
hold on a Monday and not on the Sunday before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from counselbench.core.errors import FieldError, Invalid
from counselbench.insights.error_codes import InsightsErrorCode as Code

MAX_DAYS = 731  # two years: the longest range a dashboard or export covers


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> Decimal:
        return Decimal(self.days) / 7

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def overlap_days(self, first: date, last: date) -> int:
        """Days of [first, last] inside the period."""
        return max(0, (min(last, self.end) - max(first, self.start)).days + 1)


def firm_zone(time_zone: str) -> ZoneInfo:
    return ZoneInfo(time_zone or "UTC")


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def period(zone: ZoneInfo, *, start: date | None, end: date | None, today: date) -> Period:
    """The range asked for; by default the last full calendar month. Refuses a range that ends
    before it starts or spans more than two years (field-level errors, nothing computed)."""
    if start is None and end is None:
        start, end = previous_month(today)
    elif start is None:
        assert end is not None
        start = end.replace(day=1)
    elif end is None:
        end = max(start, min(today, start + timedelta(days=MAX_DAYS - 1)))
    if end < start:
        raise Invalid(
            "The range ends before it starts.",
            fields=[FieldError("to", "On or after the start date.")],
            code=Code.BAD_RANGE,
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(
            "A range covers at most two years.",
            fields=[FieldError("to", f"At most {MAX_DAYS} days after the start date.")],
            code=Code.BAD_RANGE,
        )
    return Period(start, end, zone)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_in(p: Period) -> list[date]:
    """The Mondays of the weeks that touch the period."""
    first = week_start(p.start)
    return [first + timedelta(weeks=i) for i in range((p.end - first).days // 7 + 1)]


def complete_weeks_before(today: date, count: int) -> list[date]:
    """The Mondays of the `count` most recent weeks that ended before `today`, oldest first."""
    last = week_start(today) - timedelta(weeks=1)
    return [last - timedelta(weeks=count - 1 - i) for i in range(count)]
