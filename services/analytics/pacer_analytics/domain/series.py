"""Days rolled up into the periods people read trends in: days, ISO weeks (Monday first) and calendar months."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from pacer_analytics.domain.day import DayTotals


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    def start_of(self, day: date) -> date:
        if self is Granularity.WEEK:
            return day - timedelta(days=day.weekday())
        if self is Granularity.MONTH:
            return day.replace(day=1)
        return day


@dataclass
class PeriodTotals:
    start: date
    count: int = 0
    quantity: Decimal = Decimal(0)
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def absorb(self, day: DayTotals) -> None:
        self.count += day.count
        self.quantity += day.quantity
        for currency, amount in day.amounts.items():
            self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + amount


def days(first: date, last: date) -> Iterator[date]:
    # Counted rather than stepped past `last`: the day after 9999-12-31 does not exist.
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def roll_up(
    granularity: Granularity, first: date, last: date, found: Iterable[tuple[date, DayTotals]]
) -> list[PeriodTotals]:
    """Every period touching [first, last], empty ones included so a chart's gaps are real zeros.

    A week or month cut by `first` or `last` holds only the days inside the range; its `start` is still the
    period's own first day, so the same period has the same label whatever range is asked.
    """
    periods: dict[date, PeriodTotals] = {}
    for day in days(first, last):
        start = granularity.start_of(day)
        periods.setdefault(start, PeriodTotals(start))
    for day, totals in found:
        periods[granularity.start_of(day)].absorb(totals)
    return [periods[start] for start in sorted(periods)]


@dataclass(frozen=True)
class MonthOverMonth:
    """A month against the one before: the growth a monthly meeting discusses."""

    current: PeriodTotals
    previous: PeriodTotals

    @property
    def count_change(self) -> int:
        return self.current.count - self.previous.count

    @property
    def count_change_ratio(self) -> Decimal | None:
        """None when the month before had nothing: growth from zero has no ratio."""
        if not self.previous.count:
            return None
        return (Decimal(self.count_change) / Decimal(self.previous.count)).quantize(Decimal("0.0001"))

    @property
    def quantity_change(self) -> Decimal:
        return self.current.quantity - self.previous.quantity


def month_bounds(month: date) -> tuple[date, date]:
    """The month before `month`'s first day, and `month`'s last day."""
    first = month.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    last = date(first.year, 12, 31) if first.month == 12 else date(first.year, first.month + 1, 1) - timedelta(days=1)
    return previous, last
