"""The counting rules without any server: an activity's state, a day's totals, months and their bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pacer_analytics.domain.activity import ActivityState, Contribution
from pacer_analytics.domain.day import DayTotals
from pacer_analytics.domain.outcome import GoalState, Status, outcomes
from pacer_analytics.domain.series import Granularity, month_bounds, roll_up
from pacer_analytics.domain.warning import DropRule, dropped
from pacer_shared.events.analytics import ActivityDropped
from pacer_shared.events.goals import GoalAchieved, GoalAtRisk, GoalProgressed


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


def test_a_drop_is_the_last_seven_days_below_the_fraction_of_the_four_weeks_before() -> None:
    rule = DropRule(Decimal("0.5"), Decimal(1))
    checked_on = date(2026, 10, 14)  # a Wednesday: the seven days are 7-13 October, the four weeks 9 Sep - 6 Oct
    usual = {date(2026, 9, 9) + timedelta(days=n): 2 for n in range(0, 28, 7)}  # 8 in four weeks: 2 a week
    outside = {date(2026, 9, 8): 50, date(2026, 10, 14): 50}  # before the four weeks, and the check's own day

    def check(recent: int, baseline: dict[date, int] = usual, rule: DropRule = rule) -> ActivityDropped | None:
        found = {**baseline, **outside, date(2026, 10, 13): recent}
        return dropped(rule, "ann", "call", checked_on, lambda day: found.get(day, 0))

    warning = check(recent=0)
    assert warning is not None
    assert (warning.week, warning.recent_from, warning.recent_to) == ("2026-W42", date(2026, 10, 7), date(2026, 10, 13))
    assert (warning.baseline_from, warning.baseline_to) == (date(2026, 9, 9), date(2026, 10, 6))
    assert (warning.recent_count, warning.weekly_average, warning.ratio) == (0, Decimal(2), Decimal(0))
    assert check(recent=1) is None, "exactly half a usual week is not below half"
    assert check(recent=1, rule=DropRule(Decimal("0.6"), Decimal(1))) is not None
    assert check(recent=0, baseline={date(2026, 9, 20): 3}) is None, "under one a week is too little to call a drop"
    assert check(recent=0, baseline={}) is None, "no history, no drop"


def test_a_goals_outcome_stands_and_its_attainment_is_the_newest_known() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    common = {"goal_id": "g", "owner_id": "ann", "period_start": start, "period_end": start + timedelta(days=7)}
    progressed = GoalProgressed(**common, target=Decimal(10), actual=Decimal(4), expected_by_now=Decimal(5))
    achieved = GoalAchieved(
        **common, target=Decimal(10), actual=Decimal(12), achieved_at=start, attainment=Decimal("1.2")
    )
    at_risk = GoalAtRisk(
        **common,
        target=Decimal(10),
        actual=Decimal(2),
        expected_by_now=Decimal(5),
        pace_ratio=Decimal("0.4"),
        level=Decimal("0.8"),
    )
    day = date(2026, 6, 7)
    state = GoalState.first(achieved, start + timedelta(days=3), day)
    state = state.apply(progressed, start + timedelta(days=2), day)  # older: changes no number
    state = state.apply(at_risk, start + timedelta(days=1), day)  # after the outcome: it stands
    assert (state.status, state.at_risk, state.attainment) == (Status.ACHIEVED, False, Decimal("1.2"))

    found = outcomes([state, GoalState.first(at_risk, start, day)], [Decimal("0.5"), Decimal(1)])
    assert (found.goals, found.achieved, found.in_progress, found.at_risk) == (2, 1, 1, 1)
    assert [b.goals for b in found.distribution] == [1, 0, 1]
