"""A team report's period and what it is compared with: a month against the month before, a quarter against the same
quarter a year earlier (the growth monthly and quarterly meetings discuss)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pacer_analytics.domain.series import Granularity

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"


class NoSuchPeriod(ValueError):
    """A period name that is no month or quarter of the calendar, or one with nothing before it to compare."""


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    month: int | None = None
    quarter: int | None = None

    @classmethod
    def parse(cls, name: str) -> ReportPeriod:
        if not re.fullmatch(PERIOD_PATTERN, name):
            raise NoSuchPeriod(f"{name!r} is neither a month (2026-11) nor a quarter (2026-Q4)")
        year, rest = int(name[:4]), name[5:]
        if year < 2:  # year 0 is no year, and year 1 has no year before it to compare with
            raise NoSuchPeriod(f"{name!r}: reports start in year 2")
        if rest.startswith("Q"):
            return cls(year, quarter=int(rest[1]))
        return cls(year, month=int(rest))

    @property
    def name(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}" if self.quarter else f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month or 3 * (self.quarter or 1) - 2, 1)

    @property
    def last(self) -> date:
        months = 1 if self.month else 3
        following = self.first.month + months
        if following > 12:
            return date(self.year, 12, 31)
        return date(self.year, following, 1) - timedelta(days=1)

    @property
    def compared_with(self) -> ReportPeriod:
        """The month before, or the same quarter of the year before."""
        if self.quarter:
            return ReportPeriod(self.year - 1, quarter=self.quarter)
        assert self.month is not None
        return ReportPeriod(self.year - 1, month=12) if self.month == 1 else ReportPeriod(self.year, self.month - 1)

    @property
    def trend_granularity(self) -> Granularity:
        """A month is read week by week, a quarter month by month."""
        return Granularity.MONTH if self.quarter else Granularity.WEEK


def ended_by(today: date, within_days: int) -> list[ReportPeriod]:
    """The month and the quarter that ended last before `today` (the organisation's day), each while no more than
    `within_days` days have passed since its last day: a worker down at the turn of the month still mails its
    reports when it is back, but a new deployment does not mail a period long gone."""
    month = ReportPeriod(today.year - 1, month=12) if today.month == 1 else ReportPeriod(today.year, today.month - 1)
    this_quarter = (today.month - 1) // 3 + 1
    quarter = (
        ReportPeriod(today.year - 1, quarter=4)
        if this_quarter == 1
        else ReportPeriod(today.year, quarter=this_quarter - 1)
    )
    return [p for p in (month, quarter) if (today - p.last).days - 1 <= within_days]  # days since the day after
