"""Growth targets without servers: the baseline period in the owner's calendar, the resolved number, no baseline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_goals.domain.growth import (
    Baseline,
    GrowthTarget,
    NoBaseline,
    baseline_period,
    explain,
    resolve,
)
from pacer_goals.domain.periods import Period, local_midnight, period_starting
from pacer_shared.events.goals import MetricAggregation, Recurrence

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int) -> datetime:
    return local_midnight(datetime(year, month, day).date(), SHANGHAI)


def test_the_previous_period_of_a_calendar_month_is_the_whole_month_before() -> None:
    march = period_starting(datetime(2026, 3, 1).date(), Recurrence.MONTHLY, SHANGHAI)
    before = baseline_period(march, Recurrence.MONTHLY, Baseline.PREVIOUS_PERIOD, SHANGHAI)
    assert before == Period(local(2026, 2, 1), local(2026, 3, 1)), "February, 28 days, not 31 days back"


def test_a_period_of_its_own_compares_with_the_same_length_just_before() -> None:
    ten_days = Period(local(2026, 3, 11), local(2026, 3, 21))
    assert baseline_period(ten_days, Recurrence.NONE, Baseline.PREVIOUS_PERIOD, SHANGHAI) == Period(
        local(2026, 3, 1), local(2026, 3, 11)
    )


def test_a_year_before_is_the_same_local_dates_and_29_february_becomes_the_28th() -> None:
    q1 = Period(local(2028, 2, 29), local(2028, 4, 1))
    assert baseline_period(q1, Recurrence.NONE, Baseline.SAME_PERIOD_LAST_YEAR, SHANGHAI) == Period(
        local(2027, 2, 28), local(2027, 4, 1)
    )


def test_a_growth_target_is_rounded_up_to_whole_activities_and_explained_with_its_baseline() -> None:
    february = Period(local(2026, 2, 1), local(2026, 3, 1))
    more = resolve(
        GrowthTarget(Decimal(10), Baseline.PREVIOUS_PERIOD),
        february,
        Decimal(23),
        23,
        MetricAggregation.COUNT,
        "calls",
        SHANGHAI,
    )
    assert more.target == Decimal(26), "23 + 10% = 25.3: a whole 26 calls promises at least ten per cent more"
    assert explain(more, "calls", SHANGHAI) == (
        "26 calls: +10% over 23 calls, the actual of the previous period (2026-02-01 to 2026-02-28)"
    )
    less = resolve(
        GrowthTarget(Decimal(-5), Baseline.PREVIOUS_PERIOD),
        february,
        Decimal("1000.00"),
        4,
        MetricAggregation.SUM_AMOUNT,
        "CNY",
        SHANGHAI,
    )
    assert less.target == Decimal("950.00")


def test_with_nothing_in_the_baseline_period_the_growth_target_is_refused_with_the_reason() -> None:
    empty = Period(local(2025, 3, 1), local(2025, 4, 1))
    growth = GrowthTarget(Decimal(10), Baseline.SAME_PERIOD_LAST_YEAR)
    with pytest.raises(NoBaseline, match=r"no baseline: nothing counted in the same period last year \(2025-03-01"):
        resolve(growth, empty, Decimal(0), 0, MetricAggregation.COUNT, "calls", SHANGHAI)
