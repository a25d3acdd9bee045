"""Workload: how much an assistant did, how much of it outside their working hours, and against their team's median.

The practice asks managers to watch for overload, not only for slack. Each activity keeps the local time of day it
happened at, in the assistant's own time zone; whether that was outside the organisation's working hours is decided
when the workload is read, so a change of the working hours applies to the past as well.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from pacer_analytics.domain.series import Granularity, days

HOURS_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class WorkingHours:
    """The organisation's working day, in each person's own time zone: from `start` (included) to `end` (excluded),
    on the ISO weekdays listed."""

    start: time
    end: time
    weekdays: frozenset[int]

    @classmethod
    def parse(cls, hours: str, weekdays: Iterable[str]) -> WorkingHours:
        """`09:00-18:00` and day names (`mon` … `sun`); ValueError saying what is wrong."""
        if not re.fullmatch(HOURS_PATTERN, hours):
            raise ValueError(f"{hours!r} is not a span of the day like 09:00-18:00")
        start, end = (_time_of(part) for part in hours.split("-"))
        if end <= start:
            raise ValueError(f"{hours!r} ends before it starts")
        numbers = set()
        for name in weekdays:
            if name.lower() not in WEEKDAYS:
                raise ValueError(f"{name!r} is not a day of the week ({', '.join(WEEKDAYS)})")
            numbers.add(WEEKDAYS.index(name.lower()) + 1)
        return cls(start, end, frozenset(numbers))

    def outside(self, day: date, at: time) -> bool:
        return not self.is_working_day(day) or not (self.start <= at < self.end)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays


def _time_of(text: str) -> time:
    """`24:00` is the end of the day: its last moment."""
    hour, minute = (int(part) for part in text.split(":"))
    return time.max if hour == 24 else time(hour, minute)


def times_from_json(raw: Mapping[str, str | None] | None) -> dict[str, time | None]:
    """A workload day's value: activity id -> local time of day it happened at (null if recorded before times were
    kept)."""
    return {key: None if at is None else time.fromisoformat(at) for key, at in (raw or {}).items()}


@dataclass
class WorkloadPeriod:
    """One period of an assistant's workload: every activity of every kind, and those outside working hours."""

    start: date
    activities: int = 0
    outside_hours: int = 0
    """On a day off, or on a working day before or after the hours."""
    on_days_off: int = 0
    team_median: Decimal | None = None
    """The median of the team's assistants' activities in the same period; None when withheld (a small team)."""

    def absorb(self, day: date, times: Mapping[str, time | None], hours: WorkingHours) -> None:
        self.activities += len(times)
        for at in times.values():
            if not hours.is_working_day(day):
                self.on_days_off += 1
                self.outside_hours += 1
            elif at is not None and hours.outside(day, at):
                self.outside_hours += 1

    @property
    def outside_share(self) -> Decimal | None:
        return (Decimal(self.outside_hours) / self.activities).quantize(RATIO) if self.activities else None

    @property
    def load_ratio(self) -> Decimal | None:
        """activities / the team's median: above 1 is more than the usual assistant of the team did."""
        if not self.team_median:
            return None
        return (Decimal(self.activities) / self.team_median).quantize(RATIO)


def workload(
    granularity: Granularity,
    first: date,
    last: date,
    found: Iterable[tuple[date, Mapping[str, time | None]]],
    hours: WorkingHours,
) -> list[WorkloadPeriod]:
    """Every period touching [first, last], empty ones included, as the series lists them."""
    periods: dict[date, WorkloadPeriod] = {}
    for day in days(first, last):
        start = granularity.start_of(day)
        periods.setdefault(start, WorkloadPeriod(start))
    for day, times in found:
        periods[granularity.start_of(day)].absorb(day, times, hours)
    return [periods[start] for start in sorted(periods)]


def with_team_median(mine: list[WorkloadPeriod], team: list[list[WorkloadPeriod]]) -> list[WorkloadPeriod]:
    """Each of `mine` with the median of the team's activities in that period (`team`: each member's periods, in the
    same order as `mine`)."""
    for index, period in enumerate(mine):
        counts = [member[index].activities for member in team]
        period.team_median = Decimal(str(statistics.median(counts))) if counts else None
    return mine
