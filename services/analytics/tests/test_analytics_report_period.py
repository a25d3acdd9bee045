"""A report's period: which days a month or quarter holds and what it is compared with."""

from __future__ import annotations

from datetime import date

import pytest

from pacer_analytics.domain.report import NoSuchPeriod, ReportPeriod, ended_by


@pytest.mark.parametrize(
    ("name", "first", "last", "compared_with"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "2026-10"),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29), "2028-01"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-11"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2025-Q1"),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2025-Q4"),
        ("9999-Q4", date(9999, 10, 1), date(9999, 12, 31), "9998-Q4"),
    ],
)
def test_a_period_holds_its_days_and_is_compared_with_the_month_before_or_the_quarter_a_year_earlier(
    name: str, first: date, last: date, compared_with: str
) -> None:
    period = ReportPeriod.parse(name)
    assert (period.name, period.first, period.last, period.compared_with.name) == (name, first, last, compared_with)


@pytest.mark.parametrize("name", ["2026-13", "2026-Q5", "2026-q4", "0000-01", "0001-12", "2026-1", "2026-11 "])
def test_what_is_no_month_or_quarter_with_one_before_it_is_refused(name: str) -> None:
    with pytest.raises(NoSuchPeriod):
        ReportPeriod.parse(name)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 12, 1), ["2026-11"]),  # a month ended; the third quarter ended two months ago
        (date(2026, 12, 8), ["2026-11"]),  # still within the week after
        (date(2026, 12, 9), []),  # too late: a new deployment does not mail a period long gone
        (date(2027, 1, 1), ["2026-12", "2026-Q4"]),  # a year's last month and quarter at once
        (date(2026, 4, 3), ["2026-03", "2026-Q1"]),
        (date(2026, 11, 20), []),
    ],
)
def test_the_periods_due_are_the_month_and_quarter_that_just_ended(today: date, due: list[str]) -> None:
    assert [p.name for p in ended_by(today, within_days=7)] == due
