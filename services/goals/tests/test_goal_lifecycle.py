"""Goals move with live sales events, warn as pace slips, and are called at the deadline exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from goals_support import GoalsWorld, events_of, sale

from pacer_shared.events.sales import SalesActivityRetracted


async def test_a_goal_is_achieved_from_events_published_to_sales_activity(world: GoalsWorld) -> None:
    goal = await world.set_goal(target=3)
    await world.record(sale("ann"), sale("ann"), sale("bob"), sale("ann", kind="report_prepared"), sale("ann"))

    achieved = await world.goal_where(goal["goal_id"], lambda g: g["status"] == "achieved", "the goal to be achieved")
    assert achieved["actual"] == "3"
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalAchieved", goal["goal_id"])))
    [event] = events_of(records, "GoalAchieved", goal["goal_id"])
    assert event["subject"] == "ann"
    assert event["data"]["attainment"] == "1.0000"
    assert events_of(records, "GoalSet", goal["goal_id"])


async def test_a_duplicate_activity_counts_once_and_a_retraction_subtracts(world: GoalsWorld) -> None:
    goal = await world.set_goal(
        metric={"kinds": ["order_processed"], "aggregation": "sum_quantity"}, target=100, unit="units"
    )
    first = sale("ann", 10, kind="order_processed", activity_id="crm-order-1")
    await world.record(first, first, sale("ann", 5, kind="order_processed", activity_id="crm-order-2"))
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "15", "15 units from two distinct orders")

    await world.record(SalesActivityRetracted(activity_id="crm-order-1", assistant_id="ann", reason="order cancelled"))
    corrected = await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "5", "the retraction to subtract 10")
    assert corrected["activity_count"] == 1


async def test_a_missed_goal_is_called_once_at_its_deadline_with_the_shortfall(world: GoalsWorld) -> None:
    end = datetime.now(UTC) + timedelta(seconds=6)
    goal = await world.set_goal(target=4, end=end.isoformat())
    await world.record(sale("ann"))
    missed = await world.goal_where(
        goal["goal_id"], lambda g: g["status"] == "missed", "the miss at the deadline", timeout=30
    )
    assert datetime.fromisoformat(missed["closed_at"]) >= end
    assert missed["shortfall"] == "3"
    assert missed["needs_miss_analysis"] is True

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalMissed", goal["goal_id"])))
    [event] = events_of(records, "GoalMissed", goal["goal_id"])
    assert (event["data"]["target"], event["data"]["actual"], event["data"]["shortfall"]) == ("4", "1", "3")
    assert datetime.fromisoformat(event["time"]) - end < timedelta(seconds=3), "called at the deadline, not later"


async def test_at_risk_fires_once_per_level_as_pace_slips(world: GoalsWorld) -> None:
    # Target 10 over 16 s with 3 done: below 80% of pace after 7.5 s, below 60% after 10 s.
    start = datetime.now(UTC)
    goal = await world.set_goal(target=10, start=start.isoformat(), end=(start + timedelta(seconds=16)).isoformat())
    await world.record(sale("ann"), sale("ann"), sale("ann"))
    await world.goal_where(goal["goal_id"], lambda g: g["status"] == "missed", "the goal to close", timeout=40)

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalMissed", goal["goal_id"])))
    warnings = events_of(records, "GoalAtRisk", goal["goal_id"])
    assert [w["data"]["level"] for w in warnings] == ["0.8", "0.6"]
    assert all(w["data"]["actual"] == "3" for w in warnings)
