"""The counting rules without any server: an activity's state, a day's totals, months and their bounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pacer_analytics.domain.activity import ActivityState, Contribution
from pacer_analytics.domain.day import DayTotals
from pacer_analytics.domain.series import Granularity, month_bounds, roll_up


def call(activity_id: str, quantity: str = "1", amount: str | None = None, currency: str | None = None) -> Contribution:
    return Contribution(
        activity_id,
        "ann",
        "call",
        date(2026, 6, 1),
        Decimal(quantity),
        None if amount is None else Decimal(amount),
        currency,
    )


def test_a_retraction_that_arrives_first_keeps_its_activity_from_counting() -> None:
    state = ActivityState().on_retracted().on_recorded(call("a"))
    assert state.recorded == call("a")
    assert not state.counts


def test_a_duplicate_keeps_the_first_record() -> None:
    state = ActivityState().on_recorded(call("a", "2")).on_recorded(call("a", "5"))
    assert state.recorded == call("a", "2")
    assert state.counts
    assert ActivityState.from_json(state.to_json()) == state


def test_a_day_counts_each_activity_once_and_gives_back_what_a_retraction_takes() -> None:
    day = DayTotals()
    assert day.add(call("a", "2", "10.5", "CNY"))
    assert not day.add(call("a", "2", "10.5", "CNY"))
    assert day.add(call("b", "1", "3", "EUR"))
    assert day.add(call("c", "1", "4.5", "CNY"))
    assert (day.count, day.quantity, day.amounts) == (3, Decimal(4), {"CNY": Decimal(15), "EUR": Decimal(3)})
    assert day.remove("b")
    assert not day.remove("b")
    assert (day.count, day.quantity, day.amounts) == (2, Decimal(3), {"CNY": Decimal(15)})
    assert DayTotals.from_json(day.to_json()) == day


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    sunday, monday = date(2026, 5, 31), date(2026, 6, 1)
    day = DayTotals()
    day.add(call("a"))
    weeks = roll_up(Granularity.WEEK, sunday, monday, [(sunday, day), (monday, day)])
    assert [(w.start, w.count) for w in weeks] == [(date(2026, 5, 25), 1), (date(2026, 6, 1), 1)]
    months = roll_up(Granularity.MONTH, sunday, monday, [(sunday, day), (monday, day)])
    assert [(m.start, m.count) for m in months] == [(date(2026, 5, 1), 1), (date(2026, 6, 1), 1)]


def test_month_bounds_reach_from_the_month_before_to_the_last_day() -> None:
    assert month_bounds(date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 3, 31))
    assert month_bounds(date(2026, 1, 1)) == (date(2025, 12, 1), date(2026, 1, 31))
    assert month_bounds(date(9999, 12, 1)) == (date(9999, 11, 1), date(9999, 12, 31))
