"""A goal's progress curve: what the console charts, actual against pace over the goal's period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from goals_support import GoalsWorld, sale, token

from pacer_shared.auth import Role


async def test_the_curve_steps_up_with_each_counted_activity_and_pace_rises_to_the_target(world: GoalsWorld) -> None:
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    goal = await world.set_goal(
        owner_id="ann", target=4, start=start.isoformat(), end=(start + timedelta(hours=4)).isoformat()
    )
    first, second = start + timedelta(minutes=30), start + timedelta(minutes=90)
    await world.record(sale("ann", at=second), sale("ann", at=first), sale("ann", kind="visit", at=first))
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "2", "both calls to count")

    response = await world.http.get(f"/v1/goals/{goal['goal_id']}/progress", headers=token("ann", Role.ASSISTANT))
    assert response.status_code == 200, response.text
    curve = response.json()
    actual = [(datetime.fromisoformat(p["at"]), Decimal(p["value"])) for p in curve["actual"]]
    assert [value for _, value in actual] == [0, 1, 2, 2], "from 0, one step per call (the visit does not count)"
    assert [at for at, _ in actual[:3]] == [start, first, second]
    assert actual[-1][0] >= second, "the last point is now: the curve runs flat since the last call"
    pace = [Decimal(p["value"]) for p in curve["pace"]]
    assert (pace[0], pace[-1], len(pace)) == (0, 4, 49)
    assert pace == sorted(pace)
    assert (Decimal(curve["target"]), curve["unit"]) == (4, "calls")
