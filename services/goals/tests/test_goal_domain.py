"""The goals domain without servers: periods, pace, at-risk levels, the deadline, adjustments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_goals.api.models import pace_now
from pacer_goals.domain.errors import GoalRuleViolation
from pacer_goals.domain.goal import Goal, GoalStatus
from pacer_goals.domain.pace import Pace, PaceProfile
from pacer_goals.domain.periods import Period, next_period, period_starting
from pacer_goals.domain.smart import SmartInput, check
from pacer_shared.events.goals import GoalMetric, MetricAggregation, OwnerKind, Recurrence

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def goal(target: int = 10, days: int = 10, recurrence: Recurrence = Recurrence.NONE) -> Goal:
    made = Goal(
        goal_id="g1",
        owner_id="ann",
        owner_kind=OwnerKind.ASSISTANT,
        team_id="north",
        title="Calls",
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit="calls",
        timezone="UTC",
        period=Period(START, START + timedelta(days=days)),
        recurrence=recurrence,
        pace_profile=PaceProfile.LINEAR,
        at_risk_levels=[Decimal("0.8"), Decimal("0.6")],
        at_risk_grace=Decimal("0.2"),
        created_by="mia",
        created_at=START,
    )
    made.activate(START, "mia")
    made.events.clear()
    return made


def test_weekly_periods_start_on_local_monday_and_survive_the_dst_change() -> None:
    week = period_starting(date(2026, 10, 22), Recurrence.WEEKLY, BERLIN)
    assert week.start == datetime(2026, 10, 18, 22, tzinfo=UTC)  # Monday 19 Oct, 00:00 CEST
    following = next_period(week, Recurrence.WEEKLY, BERLIN)
    assert following.start == week.end
    assert following.end == datetime(2026, 11, 1, 23, tzinfo=UTC)  # Monday 2 Nov, 00:00 CET
    assert following.length == timedelta(days=7)


def test_quarters_and_months_are_calendar_aligned() -> None:
    quarter = period_starting(date(2026, 8, 15), Recurrence.QUARTERLY, ZoneInfo("UTC"))
    assert (quarter.start.date(), quarter.end.date()) == (date(2026, 7, 1), date(2026, 10, 1))
    month = next_period(
        period_starting(date(2026, 12, 5), Recurrence.MONTHLY, ZoneInfo("UTC")), Recurrence.MONTHLY, ZoneInfo("UTC")
    )
    assert (month.start.date(), month.end.date()) == (date(2027, 1, 1), date(2027, 2, 1))


def test_a_workdays_pace_expects_nothing_on_weekends() -> None:
    week = Period(START, START + timedelta(days=7))
    pace = Pace(week, Decimal(10), PaceProfile.WORKDAYS, ZoneInfo("UTC"))
    assert pace.expected_by(START + timedelta(days=5)) == Decimal(10)  # Monday to Friday done
    assert pace.expected_by(START + timedelta(days=6, hours=12)) == Decimal(10)
    assert pace.expected_by(START + timedelta(days=2, hours=12)) == Decimal(5)


def test_at_risk_is_raised_once_per_level_and_the_worst_level_when_both_are_crossed() -> None:
    g = goal(target=10, days=10)
    g.contribute(Decimal(3), 3, START, "a")
    g.review_pace(START + timedelta(days=4))  # expected 4, 3/4 = 0.75 < 0.8
    g.review_pace(START + timedelta(days=4, hours=1))
    g.review_pace(START + timedelta(days=6))  # expected 6, 0.5 < 0.6
    g.review_pace(START + timedelta(days=7))
    assert [e.level for e in g.events if e.event_type == "GoalAtRisk"] == [Decimal("0.8"), Decimal("0.6")]  # type: ignore[attr-defined]

    late = goal(target=10, days=10)
    late.review_pace(START + timedelta(days=5))
    assert [e.level for e in late.events] == [Decimal("0.6")]  # type: ignore[attr-defined]
    assert late.at_risk_raised == [Decimal("0.8"), Decimal("0.6")]


def test_a_goal_shows_at_risk_once_warned_until_it_catches_up() -> None:
    g = goal(target=10, days=10)
    g.contribute(Decimal(3), 3, START, "a")
    assert not g.at_risk_now(START + timedelta(days=4)), "behind, but not warned yet"
    g.review_pace(START + timedelta(days=4))  # expected 4, 3/4 = 0.75 < 0.8
    assert g.at_risk_now(START + timedelta(days=4))
    g.contribute(Decimal(2), 2, START + timedelta(days=5), "b")
    assert not g.at_risk_now(START + timedelta(days=5)), "5 of an expected 5: back on pace"
    assert g.at_risk_now(START + timedelta(days=7)), "5 of an expected 7 is behind the level it was warned at"


def test_a_goal_at_risk_shows_the_pace_it_was_warned_below_as_its_reason() -> None:
    g = goal(target=10, days=10)
    g.contribute(Decimal(3), 3, START, "a")
    g.review_pace(START + timedelta(days=4))
    shown = pace_now(g, START + timedelta(days=4))
    assert (shown["at_risk"], shown["at_risk_level"], shown["expected_by_now"]) == (True, Decimal("0.8"), 4)
    g.contribute(Decimal(2), 2, START + timedelta(days=5), "b")
    assert pace_now(g, START + timedelta(days=5))["at_risk_level"] is None, "back on pace: no reason to show"


def test_no_warning_during_the_grace_period() -> None:
    g = goal()
    g.review_pace(START + timedelta(days=1))
    assert g.events == []


def test_the_next_due_time_is_the_next_at_risk_crossing_or_the_end() -> None:
    g = goal(target=10, days=10)
    g.contribute(Decimal(4), 4, START, "a")
    # 4 < 0.8 * expected once expected > 5, i.e. after day 5.
    due = g.next_due_at(START)
    assert due is not None
    assert abs(due - (START + timedelta(days=5))) <= timedelta(minutes=1)  # expected progress is kept to 4 decimals
    g.contribute(Decimal(6), 6, START, "b")
    assert g.next_due_at(START) is None or g.status is GoalStatus.ACHIEVED


def test_a_goal_is_missed_once_at_the_deadline_with_its_shortfall() -> None:
    g = goal(target=10, days=1)
    g.contribute(Decimal(7), 7, START, "a")
    assert g.close(START + timedelta(hours=23)) is None
    assert g.status is GoalStatus.ACTIVE
    g.close(START + timedelta(days=1))
    g.close(START + timedelta(days=1, seconds=1))
    missed = [e for e in g.events if e.event_type == "GoalMissed"]
    assert len(missed) == 1
    assert missed[0].shortfall == Decimal(3)  # type: ignore[attr-defined]
    assert g.status is GoalStatus.MISSED


def test_achievement_is_announced_once_even_if_a_retraction_dips_below_target() -> None:
    g = goal(target=2)
    g.contribute(Decimal(2), 2, START, "a")
    g.contribute(Decimal(-1), -1, START, "a")
    g.contribute(Decimal(1), 1, START, "b")
    assert [e.event_type for e in g.events] == ["GoalAchieved"]
    assert g.status is GoalStatus.ACHIEVED


def test_a_goal_closed_as_achieved_keeps_its_outcome_when_a_recount_comes_in_lower() -> None:
    g = goal(target=2, days=1)
    g.contribute(Decimal(2), 2, START, "a")
    g.close(START + timedelta(days=1))
    assert (g.status, g.is_open) == (GoalStatus.ACHIEVED, False)
    g.recount(Decimal(1), 1, START + timedelta(days=2))
    assert g.status is GoalStatus.ACHIEVED, "the outcome called at the deadline stands"
    assert g.actual == Decimal(1)


def test_a_recurring_goal_closes_into_the_next_period() -> None:
    g = goal(days=7, recurrence=Recurrence.WEEKLY)
    successor = g.close(START + timedelta(days=7))
    assert successor is not None
    assert successor.period == Period(START + timedelta(days=7), START + timedelta(days=14))
    assert successor.status is GoalStatus.ACTIVE
    assert successor.previous_goal_id == "g1"
    assert [e.event_type for e in successor.events] == ["GoalSet"]


def test_a_period_of_its_own_repeats_from_its_end_instead_of_snapping_to_the_calendar() -> None:
    mid_month = Period(datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 2, 15, tzinfo=UTC))
    assert next_period(mid_month, Recurrence.MONTHLY, ZoneInfo("UTC")) == Period(
        datetime(2026, 2, 15, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC)
    )
    wednesdays = Period(datetime(2026, 1, 7, tzinfo=UTC), datetime(2026, 1, 14, tzinfo=UTC))
    assert next_period(wednesdays, Recurrence.WEEKLY, ZoneInfo("UTC")).start == wednesdays.end
    month_end = Period(datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 31, 12, tzinfo=UTC))
    assert next_period(month_end, Recurrence.MONTHLY, ZoneInfo("UTC")).end == datetime(2026, 2, 28, 12, tzinfo=UTC)
    # Local wall time is kept across the change to summer time: 09:00 in Berlin, an hour earlier in UTC.
    winter = Period(datetime(2026, 3, 4, 8, tzinfo=UTC), datetime(2026, 3, 25, 8, tzinfo=UTC))
    assert next_period(winter, Recurrence.WEEKLY, BERLIN).end == datetime(2026, 4, 1, 7, tzinfo=UTC)


def test_an_adjustment_approved_after_its_new_end_has_passed_is_refused() -> None:
    g = goal(days=30)
    asked = g.request_adjustment(
        by="ann", reason="r", new_target=None, new_period_end=START + timedelta(days=5), approved=False, now=START
    )
    with pytest.raises(GoalRuleViolation, match="has passed"):
        g.decide_adjustment(asked.adjustment_id, approve=True, by="mia", now=START + timedelta(days=6))
    assert g.period.end == START + timedelta(days=30)
    assert g.decide_adjustment(asked.adjustment_id, approve=False, by="mia", now=START + timedelta(days=6)).status == (
        "rejected"
    )


def test_a_recurring_goal_closed_more_than_a_period_late_opens_the_current_period() -> None:
    g = goal(days=7, recurrence=Recurrence.WEEKLY)
    successor = g.close(START + timedelta(days=17))  # the service was down for the whole following week
    assert successor is not None
    assert successor.period == Period(START + timedelta(days=14), START + timedelta(days=21))
    assert successor.status is GoalStatus.ACTIVE


def test_adjustments_need_a_change_an_open_goal_and_one_at_a_time() -> None:
    g = goal()
    with pytest.raises(GoalRuleViolation, match="changes the target"):
        g.request_adjustment(by="ann", reason="r", new_target=None, new_period_end=None, approved=False, now=START)
    g.request_adjustment(by="ann", reason="r", new_target=Decimal(8), new_period_end=None, approved=False, now=START)
    with pytest.raises(GoalRuleViolation, match="already waiting") as pending:
        g.request_adjustment(
            by="ann", reason="r", new_target=Decimal(7), new_period_end=None, approved=False, now=START
        )
    assert (pending.value.code, pending.value.field) == ("adjustment_pending", "body")
    g.cancel("mia", "reorg", START)
    with pytest.raises(GoalRuleViolation, match="no longer apply"):
        g.decide_adjustment(g.adjustments[0].adjustment_id, approve=True, by="mia", now=START)


def test_pace_is_compared_exactly_as_the_worker_times_it() -> None:
    g = goal(target=100_000, days=10)
    g.contribute(Decimal(39_998), 39_998, START, "a")
    # Expected 50,000 on day 5: 39,998 is 0.79996 of it, shown as 0.8000, but below the 0.8 level.
    g.review_pace(START + timedelta(days=5))
    [warning] = [e for e in g.events if e.event_type == "GoalAtRisk"]
    assert warning.level == Decimal("0.8")  # type: ignore[attr-defined]


def test_at_the_deadline_the_outcome_is_called_without_an_at_risk_warning() -> None:
    g = goal(target=10, days=10)
    g.contribute(Decimal(5), 5, START, "a")
    g.review_pace(START + timedelta(days=10))
    g.close(START + timedelta(days=10))
    assert [e.event_type for e in g.events] == ["GoalMissed"]


def test_past_its_end_a_goal_can_no_longer_be_lowered_extended_or_cancelled() -> None:
    g = goal(target=100, days=10)
    g.contribute(Decimal(70), 70, START, "a")
    after = START + timedelta(days=10, minutes=5)  # the worker has not called it yet
    for change in (
        lambda: g.request_adjustment(
            by="mia", reason="r", new_target=Decimal(60), new_period_end=None, approved=True, now=after
        ),
        lambda: g.request_adjustment(
            by="mia", reason="r", new_target=None, new_period_end=after + timedelta(days=7), approved=True, now=after
        ),
        lambda: g.cancel("mia", "reorg", after),
    ):
        with pytest.raises(GoalRuleViolation, match="period has ended"):
            change()
    g.close(after)
    assert g.status is GoalStatus.MISSED


def test_a_monthly_period_of_its_own_keeps_its_day_after_a_short_month() -> None:
    period = Period(datetime(2024, 1, 5, tzinfo=UTC), datetime(2024, 1, 31, tzinfo=UTC))
    ends = []
    for _ in range(4):
        period = next_period(period, Recurrence.MONTHLY, ZoneInfo("UTC"))
        ends.append(period.end.date())
    assert ends == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]


def test_a_cancelled_draft_is_not_announced_since_it_never_was_set() -> None:
    draft = goal()
    draft.status, draft.events = GoalStatus.DRAFT, []
    draft.cancel("mia", "changed our minds", START)
    assert draft.status is GoalStatus.CANCELLED
    assert draft.events == []
    assert draft.new_history[-1].kind == "cancelled"


def smart_input(target: str, recent: list[str]) -> SmartInput:
    return SmartInput(
        owner_known=True,
        kinds=["call"],
        aggregation=MetricAggregation.COUNT,
        currency=None,
        target=Decimal(target),
        unit="calls",
        start=START,
        end=START + timedelta(days=7),
        now=START,
        recent_results=[Decimal(r) for r in recent],
        linked=True,
        standalone_allowed=True,
    )


def test_the_smart_check_warns_of_a_target_far_below_the_owners_history() -> None:
    tiny = check(smart_input("0.0001", ["38", "41", "35"])).achievable
    assert (tiny.passed, tiny.warning) == (True, True)
    assert tiny.reason == "target is far below every recent period (38, 41, 35): less than half of the weakest, 35"
    usual = check(smart_input("40", ["38", "41", "35"])).achievable
    assert (usual.warning, usual.reason) == (False, "target is 0.98x the best recent period (38, 41, 35)")
