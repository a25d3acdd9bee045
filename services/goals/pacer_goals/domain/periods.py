"""Goal periods: computed in the owner's time zone, stored in UTC."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pacer_shared.events.goals import Recurrence


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    """Exclusive: an activity at `end` belongs to the next period."""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def elapsed_fraction(self, now: datetime) -> float:
        if now <= self.start:
            return 0.0
        if now >= self.end:
            return 1.0
        return (now - self.start) / self.length


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def period_starting(day: date, recurrence: Recurrence, zone: ZoneInfo) -> Period:
    """The recurring period that starts on `day` (snapped to its week, month or quarter) in `zone`."""
    if recurrence is Recurrence.WEEKLY:
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    elif recurrence is Recurrence.MONTHLY:
        first = day.replace(day=1)
        last = _add_months(first, 1)
    elif recurrence is Recurrence.QUARTERLY:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        last = _add_months(first, 3)
    else:
        raise ValueError("a one-off goal needs an explicit end")
    return Period(local_midnight(first, zone), local_midnight(last, zone))


def next_period(period: Period, recurrence: Recurrence, zone: ZoneInfo) -> Period:
    """The period after `period`, starting where it ends.

    A calendar week, month or quarter is followed by the next one, aligned across DST and month lengths. A period
    of its own (set with an explicit end, or moved by an adjustment) repeats from its end, one week, month or
    quarter long in local time: snapping it to the calendar would start the next period before this one ends.
    """
    if recurrence is Recurrence.NONE:
        raise ValueError("a one-off goal has no next period")
    if period == period_starting(period.start.astimezone(zone).date(), recurrence, zone):
        return period_starting(period.end.astimezone(zone).date(), recurrence, zone)
    local = period.end.astimezone(zone).replace(tzinfo=None)
    if recurrence is Recurrence.WEEKLY:
        later = local + timedelta(days=7)
    else:
        day = local.day
        began = period.start.astimezone(zone).day
        if day == monthrange(local.year, local.month)[1] and began > day:
            # This end was cut short by a short month: the next keeps the day it came from (31 Jan, 29 Feb, 31 Mar).
            day = began
        later = _same_day_months_later(local, 1 if recurrence is Recurrence.MONTHLY else 3, day)
    return Period(period.end, later.replace(tzinfo=zone).astimezone(UTC))


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _same_day_months_later(moment: datetime, months: int, day: int) -> datetime:
    """That day of the month at the same time `months` later, or that month's last day if it is shorter."""
    first = _add_months(moment.date(), months)
    return moment.replace(year=first.year, month=first.month, day=min(day, monthrange(first.year, first.month)[1]))
