"""The team dashboard keeps decoded goals between reads, and still never shows a goal older than the database's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from goals_support import GoalsWorld, active_goal, repository_over, sale, token

from pacer_goals.adapters.repository import goal_to_document
from pacer_goals.service.views import GoalViews
from pacer_shared.auth import Role
from pacer_shared.mongo import create_client
from pacer_testkit.stack import Stack

MOVES_WITH_THE_CLOCK = {"expected_by_now", "pace_ratio"}


async def anns_goal_on_the_dashboard(world: GoalsWorld) -> dict[str, Any]:
    response = await world.http.get("/v1/teams/north/dashboard", headers=token("mia", Role.MANAGER))
    assert response.status_code == 200, response.text
    [ann] = [m for m in response.json()["members"] if m["person_id"] == "ann"]
    [goal] = ann["goals"]
    return goal  # type: ignore[no-any-return]


def without_clock(goal: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in goal.items() if k not in MOVES_WITH_THE_CLOCK}


async def test_the_dashboard_shows_a_goal_as_its_own_endpoint_does_and_a_change_at_the_next_read(
    world: GoalsWorld,
) -> None:
    goal_id = (await world.set_goal(owner_id="ann", target=4))["goal_id"]
    before = await anns_goal_on_the_dashboard(world)
    assert without_clock(before) == without_clock(await world.goal(goal_id))
    assert before["actual"] == "0"
    assert set(before) >= MOVES_WITH_THE_CLOCK | {"at_risk", "smart"}

    await world.record(sale("ann"))
    changed = await world.goal_where(goal_id, lambda g: g["actual"] == "1", "Ann's call to count")
    after = await anns_goal_on_the_dashboard(world)  # read once: the change is committed, nothing to wait for
    assert without_clock(after) == without_clock(changed)
    assert after["actual"] == "1"

    assert without_clock(await anns_goal_on_the_dashboard(world)) == without_clock(after)
    shown = world.service.metric
    assert (
        await shown("pacer_goals_dashboard_goals_total", source="read"),
        await shown("pacer_goals_dashboard_goals_total", source="kept"),
    ) == (2, 1), "read in full when new and when changed, kept the third time"


async def test_a_goal_closed_as_achieved_leaves_the_dashboard(world: GoalsWorld) -> None:
    end = datetime.now(UTC) + timedelta(seconds=4)
    done = (await world.set_goal(owner_id="ann", target=1, end=end.isoformat()))["goal_id"]
    await world.record(sale("ann"))
    assert (await anns_goal_on_the_dashboard(world))["goal_id"] == done
    closed = await world.goal_where(done, lambda g: g["closed_at"] is not None, "the goal to close at its end")
    assert closed["status"] == "achieved"
    response = await world.http.get("/v1/teams/north/dashboard", headers=token("mia", Role.MANAGER))
    [ann] = [m for m in response.json()["members"] if m["person_id"] == "ann"]
    assert ann["goals"] == [], "a finished goal is not one of the member's open goals"


async def test_kept_goals_are_bounded_and_read_again_only_when_they_change(stack: Stack, namespace: str) -> None:
    client = create_client(stack.mongo_url, "test-goal-views")
    try:
        db = client[f"{namespace}-views"]
        repository = repository_over(db, namespace)
        now = datetime.now(UTC)
        await repository.goals.insert_many([goal_to_document(active_goal(f"g{n}", now), now) for n in range(3)])
        views = GoalViews(repository, size=2)
        everything = {"status": "active"}

        first = await views.find(everything)
        again = await views.find(everything)
        assert [v.goal.goal_id for v in first] == ["g0", "g1", "g2"]
        assert [v.goal.goal_id for v in again] == ["g0", "g1", "g2"]
        assert again[2] is first[2], "an unchanged goal kept is not read again"
        assert again[0] is not first[0], "past the bound, the goal kept longest was let go"

        await repository.goals.update_one({"_id": "g2"}, {"$set": {"title": "renamed"}, "$inc": {"version": 1}})
        [renamed] = [v for v in await views.find(everything) if v.goal.goal_id == "g2"]
        assert renamed.goal.title == "renamed"
        await repository.goals.update_one({"_id": "g2"}, {"$set": {"status": "cancelled"}, "$inc": {"version": 1}})
        assert [v.goal.goal_id for v in await views.find(everything)] == ["g0", "g1"]
    finally:
        await client.close()
