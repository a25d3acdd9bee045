"""The deadline survives restarts and replicas: a goal is finalised exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from goals_support import GOALS, TUNING, GoalsWorld, active_goal, events_of, repository_over, sale, token

from pacer_goals.adapters.repository import goal_to_document
from pacer_shared.auth import Role
from pacer_shared.mongo import create_client
from pacer_testkit.stack import Stack, eventually
from pacer_testkit.world import RunningService


async def test_a_goal_due_while_the_service_is_down_is_missed_once_after_restart(
    running_service: RunningService,
) -> None:
    async with running_service(GOALS, world=GoalsWorld, **TUNING) as world:
        end = datetime.now(UTC) + timedelta(seconds=8)  # from now: a slow start must not leave the goal ended already
        goal = await world.set_goal(target=2, end=end.isoformat())
        await world.record(sale("ann"))
        await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "1", "the sale to count")

    # The service is down across the deadline.
    async def deadline_passed() -> bool:
        return datetime.now(UTC) > end + timedelta(seconds=1)

    await eventually(deadline_passed, timeout=20, what="the deadline to pass while the service is down")

    async with running_service(GOALS, [], world=GoalsWorld, **TUNING) as world:
        await world.goal_where(goal["goal_id"], lambda g: g["status"] == "missed", "the miss after restart")
        records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalMissed", goal["goal_id"])))
    async with running_service(GOALS, [], world=GoalsWorld, **TUNING):
        pass  # a further restart must not call it again
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalMissed", goal["goal_id"])))
    assert len(events_of(records, "GoalMissed", goal["goal_id"])) == 1


async def test_two_replicas_call_each_goal_exactly_once(running_service: RunningService) -> None:
    async with (
        running_service(GOALS, world=GoalsWorld, **TUNING) as world,
        running_service(GOALS, [], world=GoalsWorld, **TUNING),  # a second replica racing for the same deadlines
    ):
        end = datetime.now(UTC) + timedelta(seconds=6)
        ids = [
            (await world.set_goal(owner_id=owner, title=f"goal {i}", target=3, end=end.isoformat()))["goal_id"]
            for i, owner in enumerate(["ann", "bob", "ann", "bob", "ann", "bob"])
        ]
        records = await world.goal_events(lambda rs: len(events_of(rs, "GoalMissed")) >= len(ids), timeout=40)
        histories = [await world.http.get(f"/v1/goals/{i}/history", headers=token("hana", Role.HR)) for i in ids]
    missed = events_of(records, "GoalMissed")
    assert sorted(e["data"]["goal_id"] for e in missed) == sorted(ids), "every goal missed exactly once"
    for history in histories:
        assert [entry["kind"] for entry in history.json()].count("missed") == 1


async def test_a_worker_does_not_wait_for_a_goal_another_replica_holds(stack: Stack, namespace: str) -> None:
    """Waiting for a goal another replica has claimed (a slow deadline, one that keeps failing) woke the worker at
    once, every time: it spun on the database until the other replica was done."""
    client = create_client(stack.mongo_url, "test-goal-claims")
    try:
        db = client[f"{namespace}-claims"]
        repository = repository_over(db, namespace)
        now = datetime.now(UTC)
        due = active_goal("due", now - timedelta(days=2))
        document = goal_to_document(due, now) | {"next_due_at": now - timedelta(seconds=5)}
        await repository.goals.insert_one(document)
        assert await repository.earliest_due(now, claimable=True) is not None

        assert await repository.claim_due(now, 10, "other-replica", timedelta(minutes=1)) == ["due"]
        assert await repository.earliest_due(now, claimable=True) is None, "held by another replica"
        assert await repository.earliest_due(now) is not None, "still due, and counted as lag"
    finally:
        await client.close()
