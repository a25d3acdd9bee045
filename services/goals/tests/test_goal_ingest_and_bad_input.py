"""HTTP ingest for systems without Kafka, team goals that wait for the roster, and bad input dead-lettered."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from goals_support import GoalsWorld, active_goal, events_of, repository_over, sale, token
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from pacer_goals.main import build
from pacer_goals.service.context import Goals
from pacer_goals.service.progress import recount
from pacer_shared.auth import Role
from pacer_shared.events import wrap
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Document
from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import Stack, eventually, in_process, producer, read_topic


async def test_ingest_accepts_valid_items_and_says_why_the_others_were_refused(world: GoalsWorld) -> None:
    goal = await world.set_goal(
        metric={"kinds": ["deal_closed"], "aggregation": "sum_amount", "currency": "CNY"}, target=1000, unit="CNY"
    )
    now = datetime.now(UTC).isoformat()
    items = [
        {
            "activity_id": "d-1",
            "assistant_id": "ann",
            "kind": "deal_closed",
            "amount": "600.50",
            "currency": "CNY",
            "occurred_at": now,
            "source_system": "legacy-erp",
        },
        {
            "activity_id": "d-2",
            "assistant_id": "ann",
            "kind": "deal_closed",
            "amount": "10",
            "currency": "XYZ",
            "occurred_at": now,
            "source_system": "legacy-erp",
        },
        {
            "activity_id": "d-3",
            "assistant_id": "ann",
            "kind": "deal_closed",
            "quantity": -2,
            "occurred_at": now,
            "source_system": "legacy-erp",
        },
        {
            "activity_id": "d-4",
            "assistant_id": "ann",
            "kind": "deal_closed",
            "amount": "500",
            "currency": "CNY",
            "occurred_at": now,
            "source_system": "legacy-erp",
        },
    ]
    response = await world.http.post("/v1/sales-activities", json=items, headers=token("legacy-erp", Role.SERVICE))
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["rejected"]) == (2, 2)
    assert [i["status"] for i in result["items"]] == ["accepted", "rejected", "rejected", "accepted"]
    assert "unknown currency 'XYZ'" in result["items"][1]["errors"][0]
    assert result["items"][2]["errors"][0].startswith("quantity:")

    achieved = await world.goal_where(
        goal["goal_id"], lambda g: g["status"] == "achieved", "1100.50 CNY to achieve 1000"
    )
    assert achieved["actual"] == "1100.50"

    retried = await world.http.post("/v1/sales-activities", json=items[0], headers=token("legacy-erp", Role.SERVICE))
    assert retried.json()["items"][0]["event_id"] == result["items"][0]["event_id"], "a retried request is idempotent"
    forbidden = await world.http.post("/v1/sales-activities", json=items[0], headers=token("ann", Role.ASSISTANT))
    assert forbidden.status_code == 403

    odd = [
        {"activity_id": 5, "assistant_id": "ann"},
        {"type": ["x"]},
        {**items[0], "activity_id": "d-5", "amount": "1E+7000"},
    ]
    answer = await world.http.post("/v1/sales-activities", json=odd, headers=token("legacy-erp", Role.SERVICE))
    assert answer.status_code == 200, "one odd item is refused on its own, not the whole request"
    refused = answer.json()["items"]
    assert [(i["status"], i["activity_id"]) for i in refused] == [
        ("rejected", None),
        ("rejected", None),
        ("rejected", "d-5"),
    ]
    assert refused[2]["errors"][0].startswith("amount:"), "an amount no total could hold exactly"


async def test_bad_sales_events_are_dead_lettered_with_a_reason_and_good_ones_still_count(world: GoalsWorld) -> None:
    goal = await world.set_goal(target=1)
    good = sale("ann")
    strange_currency = sale("ann", kind="deal_closed", amount="10", currency="ABC")
    async with producer(world.stack.kafka_bootstrap) as client:
        await client.send_and_wait(world.sales_topic, b"<xml>not json</xml>", key=b"ann")
        envelope = json.loads(wrap(good, source="/crm", time=datetime.now(UTC)).to_json())
        envelope["data"]["quantity"] = "1e12"
        await client.send_and_wait(world.sales_topic, json.dumps(envelope).encode(), key=b"ann")
    await world.record(strange_currency, good)

    await world.goal_where(goal["goal_id"], lambda g: g["status"] == "achieved", "the good activity to count")
    dead = await read_topic(world.stack.kafka_bootstrap, f"{world.sales_topic}.dlq", lambda rs: len(rs) >= 3)
    reasons = sorted(r.headers["pacer-dlq-reason"] for r in dead)
    assert any("not JSON" in r for r in reasons)
    assert any("quantity" in r for r in reasons)
    assert any("unknown currency 'ABC'" in r for r in reasons)


async def test_activities_of_an_assistant_not_yet_in_the_roster_count_once_they_join_a_team(world: GoalsWorld) -> None:
    now = datetime.now(UTC)
    team_goal = await world.set_goal(
        owner_kind="team", owner_id="north", title="North calls", target=4, end=(now + timedelta(hours=1)).isoformat()
    )
    assert team_goal["timezone"] == "Europe/Berlin", "the zone most of the team is in (Mia, Bob; Ann and Cid elsewhere)"
    await world.record(sale("ann"), sale("newcomer"), sale("newcomer"))
    await world.goal_where(team_goal["goal_id"], lambda g: g["actual"] == "1", "Ann's call to count for the team")

    await world.publish(
        PersonUpserted(
            person_id="newcomer",
            display_name="New Comer",
            email="new@example.com",
            role="assistant",
            manager_id="mia",
            team_id="north",
        )
    )
    joined = await world.goal_where(
        team_goal["goal_id"], lambda g: g["actual"] == "3", "the newcomer's earlier calls to count"
    )
    assert joined["status"] == "active"
    records = await world.goal_events(
        lambda rs: any(e["data"]["actual"] == "3" for e in events_of(rs, "GoalProgressed", team_goal["goal_id"]))
    )
    assert events_of(records, "GoalProgressed", team_goal["goal_id"])


async def test_the_team_dashboard_shows_each_members_progress_against_pace(world: GoalsWorld) -> None:
    await world.set_goal(owner_id="ann", target=2)
    await world.set_goal(owner_id="bob", target=5)
    await world.record(sale("ann"), sale("ann"))
    response = await world.http.get("/v1/teams/north/dashboard", headers=token("mia", Role.MANAGER))
    assert response.status_code == 200, response.text

    async def ann_done() -> dict[str, object] | None:
        board = (await world.http.get("/v1/teams/north/dashboard", headers=token("mia", Role.MANAGER))).json()
        rows = {m["person_id"]: m for m in board["members"]}
        return board if rows["ann"]["goals"][0]["status"] == "achieved" else None

    board = await eventually(ann_done, what="Ann's goal to show as achieved on the dashboard")
    rows = {m["person_id"]: m for m in board["members"]}
    assert rows["bob"]["goals"][0]["actual"] == "0"
    assert sorted(rows) == assistants_of("north")
    assert (await world.http.get("/v1/teams/north/dashboard", headers=token("dan", Role.ASSISTANT))).status_code == 403


async def test_crediting_an_assistants_activities_and_moving_them_to_a_team_cannot_both_commit(
    stack: Stack, namespace: str
) -> None:
    """The race behind "counted once they join": a batch of sales credited to the team each assistant is in, while
    the roster moves one of them and recounts from the activities committed so far. One of the two must wait."""
    async with AsyncMongoClient[Document](stack.mongo_url) as client:
        db = client[f"{namespace}-goals"]
        repository = repository_over(db, namespace)
        async with client.start_session() as crediting, client.start_session() as moving:
            await crediting.start_transaction()
            assert await repository.team_of_for_update(["newcomer"], crediting) == {"newcomer": None}

            await moving.start_transaction()
            with pytest.raises(OperationFailure) as conflict:
                await repository.set_team("newcomer", "north", datetime.now(UTC), moving)
            assert conflict.value.has_error_label("TransientTransactionError"), "the move runs again after the credit"
            await moving.abort_transaction()
            await crediting.commit_transaction()

        moved_at = datetime.now(UTC)
        async with client.start_session() as moving, await moving.start_transaction():
            assert await repository.set_team("newcomer", "north", moved_at, moving) == (None, "north")
        assert await repository.team_of(["newcomer"]) == {"newcomer": "north"}

        # A roster event older than the one recorded (a redriven dead letter) does not move them back.
        async with client.start_session() as late, await late.start_transaction():
            assert await repository.set_team("newcomer", "south", moved_at - timedelta(minutes=1), late) == (
                "north",
                "north",
            )
        assert await repository.team_of(["newcomer"]) == {"newcomer": "north"}


async def test_counting_a_new_goal_and_crediting_its_owners_sales_cannot_both_commit(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of sales credited while a goal is set (or activated, or opened for its next period) cannot see the
    goal, and the goal's count from the stored activities cannot see the batch. One of the two must wait."""
    for key, value in stack.service_env(namespace, "goals").items():
        monkeypatch.setenv(key, value)
    app = build()
    async with in_process(app):
        goals: Goals = app.state.context
        client = goals.runtime.db.client
        async with client.start_session() as crediting, client.start_session() as setting:
            await crediting.start_transaction()
            await goals.repository.team_of_for_update(["ann"], crediting)

            await setting.start_transaction()
            with pytest.raises(OperationFailure) as conflict:
                await recount(goals, active_goal("g-new", datetime.now(UTC)), setting)
            assert conflict.value.has_error_label("TransientTransactionError"), "the goal is counted after the credit"
            await setting.abort_transaction()
            await crediting.commit_transaction()
