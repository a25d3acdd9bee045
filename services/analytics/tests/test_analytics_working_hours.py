"""The organisation's working hours: what counts as outside them, and settings refused before the service starts."""

from __future__ import annotations

from datetime import date, time

import pytest
from pydantic import ValidationError

from pacer_analytics.domain.workload import WorkingHours
from pacer_analytics.settings import AnalyticsSettings

MONDAY, SATURDAY = date(2026, 9, 7), date(2026, 9, 12)


def test_outside_is_before_or_after_the_hours_or_on_a_day_off() -> None:
    hours = WorkingHours.parse("09:00-18:00", ["mon", "tue", "wed", "thu", "fri"])
    assert not hours.outside(MONDAY, time(9))
    assert not hours.outside(MONDAY, time(17, 59))
    assert hours.outside(MONDAY, time(18))
    assert hours.outside(MONDAY, time(8, 59))
    assert hours.outside(SATURDAY, time(11))


def test_a_day_that_ends_at_midnight_and_a_six_day_week() -> None:
    hours = WorkingHours.parse("14:00-24:00", ["Mon", "tue", "wed", "thu", "fri", "sat"])
    assert not hours.outside(SATURDAY, time(23, 59, 59))
    assert hours.outside(SATURDAY, time(13))


@pytest.mark.parametrize(
    ("hours", "days", "reason"),
    [
        ("9-18", ["mon"], "not a span"),
        ("18:00-09:00", ["mon"], "ends before it starts"),
        ("09:00-18:00", ["monday"], "not a day of the week"),
    ],
)
def test_working_hours_that_are_no_span_are_refused_at_start_up(hours: str, days: list[str], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        AnalyticsSettings(working_hours=hours, working_days=days)
