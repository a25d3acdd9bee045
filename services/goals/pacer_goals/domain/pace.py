"""Pace: how much of the target should be done by now, and when a goal would fall behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pacer_goals.domain.periods import Period

PRECISION = timedelta(seconds=1)


class PaceProfile(StrEnum):
    LINEAR = "linear"
    """Evenly over the whole period."""
    WORKDAYS = "workdays"
    """Only Monday to Friday in the owner's time zone count; weekends add nothing."""


@dataclass(frozen=True)
class Pace:
    period: Period
    target: Decimal
    profile: PaceProfile
    zone: ZoneInfo

    def expected_by(self, moment: datetime) -> Decimal:
        return (self.target * Decimal(str(round(self.fraction(moment), 6)))).quantize(Decimal("0.0001"))

    def fraction(self, moment: datetime) -> float:
        if self.profile is PaceProfile.LINEAR:
            return self.period.elapsed_fraction(moment)
        total = self._work_seconds(self.period.end)
        return 1.0 if total == 0 else min(self._work_seconds(moment) / total, 1.0)

    def ratio(self, actual: Decimal, moment: datetime) -> Decimal | None:
        """actual / expected, or None before any progress is expected."""
        return ratio_of(actual, self.expected_by(moment))

    def falls_below(self, actual: Decimal, level: Decimal, after: datetime) -> datetime | None:
        """The first moment after `after` when `actual` is below `level` of the expected pace, if before the end."""
        if actual >= self.target * level:
            return None  # even a finished pace does not outrun it
        low, high = after, self.period.end
        if self.below(actual, level, low):
            return low
        if not self.below(actual, level, high):
            return None
        while high - low > PRECISION:  # expected progress is monotonic in time: bisect
            middle = low + (high - low) / 2
            if self.below(actual, level, middle):
                high = middle
            else:
                low = middle
        return high

    def below(self, actual: Decimal, level: Decimal, moment: datetime) -> bool:
        """Whether `actual` is under `level` of the pace expected at `moment`: exactly, as the worker's timing is."""
        return actual < self.expected_by(moment) * level

    def _work_seconds(self, until: datetime) -> float:
        cursor, end, seconds = self.period.start, min(until, self.period.end), 0.0
        while cursor < end:
            local = cursor.astimezone(self.zone)
            next_midnight = (local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).astimezone(
                cursor.tzinfo
            )
            step_end = min(next_midnight, end)
            if local.weekday() < 5:
                seconds += (step_end - cursor).total_seconds()
            cursor = step_end
        return seconds


def ratio_of(actual: Decimal, expected: Decimal) -> Decimal | None:
    """actual / expected, or None while nothing is expected yet."""
    return None if expected <= 0 else (actual / expected).quantize(Decimal("0.0001"))
