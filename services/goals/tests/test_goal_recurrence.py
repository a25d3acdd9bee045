"""Recurring goals: each period's goal opens at the end of the last, counting what is already stored for it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from goals_support import GoalsWorld, sale, token

from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock
from pacer_testkit.stack import eventually


async def test_the_next_period_counts_activities_recorded_before_it_opened(
    goals_at_a_moved_clock: GoalsWorld, clock: ShiftedClock
) -> None:
    world = goals_at_a_moved_clock
    this_week = await world.set_goal(target=5, start=clock.now().isoformat(), end=None, recurrence="weekly")
    end = datetime.fromisoformat(this_week["period_end"])
    # A call dated next week arrives while this week's goal is the only one: no goal counts it yet. The second call
    # goes to the same partition after it, so once that one counts, the first is stored.
    await world.record(sale("ann", at=end + timedelta(hours=1)), sale("ann"))
    await world.goal_where(this_week["goal_id"], lambda g: g["actual"] == "1", "this week's call to count")

    clock.set(end + timedelta(minutes=1))

    async def next_week() -> dict[str, Any] | None:
        answer = await world.http.get(
            "/v1/goals", params={"owner_id": "ann", "status": "active"}, headers=token("hana", Role.HR)
        )
        return next((g for g in answer.json()["items"] if g["period_start"] == this_week["period_end"]), None)

    following = await eventually(next_week, what="next week's goal to open")
    assert following["actual"] == "1", "the call dated next week counts toward next week's goal"
    assert (await world.goal(this_week["goal_id"]))["status"] == "missed"
