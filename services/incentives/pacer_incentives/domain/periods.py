"""Bonus periods: calendar months or quarters, or fixed lengths counted from a plan's start.

A plan's calendar periods are reckoned in UTC; each person's statement covers the same calendar period
in their own time zone, as their goals and reviews do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


PeriodSpec = Cadence | timedelta
"""A calendar cadence, or a fixed length (ISO 8601 duration such as PT10M or P14D)."""


@dataclass(frozen=True, order=True)
class Period:
    start: datetime
    end: datetime
    """Exclusive."""

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def label(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    return moment.replace(year=moment.year + index // 12, month=index % 12 + 1)


def is_period_start(spec: PeriodSpec, moment: datetime) -> bool:
    """Calendar periods start at midnight UTC on the first of a month (of a quarter's first month)."""
    if isinstance(spec, timedelta):
        return True
    moment = moment.astimezone(UTC)
    aligned = moment == moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return aligned and (spec is Cadence.MONTHLY or (moment.month - 1) % 3 == 0)


def period_at(spec: PeriodSpec, origin: datetime, moment: datetime) -> Period:
    """The period holding `moment`, for periods tiled from `origin` (a period start)."""
    if isinstance(spec, timedelta):
        count = (moment - origin) // spec
        start = origin + count * spec
        return Period(start, start + spec)
    moment = moment.astimezone(UTC)
    first = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if spec is Cadence.QUARTERLY:
        first = first.replace(month=3 * ((first.month - 1) // 3) + 1)
    return Period(first, _add_months(first, 1 if spec is Cadence.MONTHLY else 3))


def following(spec: PeriodSpec, period: Period) -> Period:
    return period_at(spec, period.start, period.end)


def in_zone(spec: PeriodSpec, period: Period, zone: str) -> Period:
    """The calendar period from local midnight on its first day to local midnight after its last."""
    if isinstance(spec, timedelta):
        return period
    local = ZoneInfo(zone)

    def midnight(moment: datetime) -> datetime:
        return datetime.combine(moment.astimezone(UTC).date(), time.min, tzinfo=local).astimezone(UTC)

    return Period(midnight(period.start), midnight(period.end))
