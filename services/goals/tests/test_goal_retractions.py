"""Retractions as a CRM sends them: by the activity's id alone, before or after the activity, or naming the wrong
assistant; over Kafka and over the HTTP ingest."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from goals_support import GoalsWorld, sale, token

from pacer_shared.auth import Role
from pacer_shared.events import wrap
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_testkit.stack import producer, read_topic

UNITS = {"metric": {"kinds": ["order_processed"], "aggregation": "sum_quantity"}, "target": 100, "unit": "units"}


def order(assistant: str, quantity: int, activity_id: str) -> SalesActivityRecorded:
    return sale(assistant, quantity, kind="order_processed", activity_id=activity_id)


async def send(world: GoalsWorld, key: str, *payloads: SalesActivityRecorded | SalesActivityRetracted) -> None:
    """Publish under one key, as a producer keying by something else than the assistant would."""
    async with producer(world.stack.kafka_bootstrap) as client:
        for data in payloads:
            envelope = wrap(data, source="/crm", time=datetime.now(UTC))
            await client.send_and_wait(world.sales_topic, envelope.to_json(), key=key.encode())


async def test_a_retraction_naming_only_the_activity_subtracts_it(world: GoalsWorld) -> None:
    goal = await world.set_goal(**UNITS)
    await world.record(order("ann", 10, "crm-1"), order("ann", 5, "crm-2"))
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "15", "15 units from two orders")

    # Exactly what a CRM that deletes a record sends: its id and a reason, at the dataversion it has always used.
    retraction = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/crm",
        "type": "SalesActivityRetracted",
        "time": datetime.now(UTC).isoformat(),
        "dataversion": 1,
        "data": {"activity_id": "crm-1", "reason": "order deleted in the CRM"},
    }
    async with producer(world.stack.kafka_bootstrap) as client:
        await client.send_and_wait(world.sales_topic, json.dumps(retraction).encode(), key=b"crm-1")

    corrected = await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "5", "the retraction to subtract 10")
    assert corrected["activity_count"] == 1


async def test_a_retraction_without_an_assistant_that_comes_first_still_wins_when_the_activity_comes(
    world: GoalsWorld,
) -> None:
    goal = await world.set_goal(**UNITS)
    # The marker shares the retraction's partition, so once it counts the retraction has been applied.
    await send(world, "crm-9", SalesActivityRetracted(activity_id="crm-9", reason="cancelled"), order("ann", 1, "m-1"))
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "1", "the retraction, then the marker")

    await world.record(order("ann", 50, "crm-9"), order("ann", 2, "m-2"))
    after = await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "3", "the activity, then the marker")
    assert after["activity_count"] == 2, "the retracted activity never counted"


async def test_a_retraction_naming_another_assistant_retracts_the_activity_of_its_owner(world: GoalsWorld) -> None:
    anns = await world.set_goal(**UNITS)
    bobs = await world.set_goal(owner_id="bob", **UNITS)
    await world.record(order("ann", 10, "crm-5"), order("bob", 3, "crm-6"))
    await world.goal_where(anns["goal_id"], lambda g: g["actual"] == "10", "ann's order")
    await world.goal_where(bobs["goal_id"], lambda g: g["actual"] == "3", "bob's order")

    await world.record(SalesActivityRetracted(activity_id="crm-5", assistant_id="bob", reason="wrong record"))

    await world.goal_where(anns["goal_id"], lambda g: g["actual"] == "0", "the order retracted from ann, its owner")
    assert (await world.goal(bobs["goal_id"]))["actual"] == "3", "bob's goal loses nothing that was not his"


async def test_the_http_ingest_takes_a_retraction_without_an_assistant_and_keys_it_by_the_activity(
    world: GoalsWorld,
) -> None:
    goal = await world.set_goal(**UNITS)
    crm = token("legacy-crm", Role.SERVICE)
    now = datetime.now(UTC).isoformat()
    recorded = {
        "activity_id": "o-1",
        "assistant_id": "ann",
        "kind": "order_processed",
        "quantity": 8,
        "occurred_at": now,
        "source_system": "legacy-crm",
    }
    assert (await world.http.post("/v1/sales-activities", json=recorded, headers=crm)).json()["accepted"] == 1
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "8", "the order")

    retractions = [
        {"type": "SalesActivityRetracted", "activity_id": "o-1", "reason": "deleted"},
        {"type": "SalesActivityRetracted", "activity_id": "o-2", "assistant_id": "ann", "reason": "deleted"},
        {"type": "SalesActivityRetracted", "assistant_id": "ann", "reason": "no id"},
    ]
    response = await world.http.post("/v1/sales-activities", json=retractions, headers=crm)
    assert response.status_code == 200, response.text
    assert [i["status"] for i in response.json()["items"]] == ["accepted", "accepted", "rejected"]
    assert response.json()["items"][2]["errors"] == ["activity_id: Field required"]

    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "0", "the retraction to subtract the order")
    records = await read_topic(
        world.stack.kafka_bootstrap,
        world.sales_topic,
        lambda rs: sum(r.json()["type"] == "SalesActivityRetracted" for r in rs) >= 2,
    )
    keys = {r.json()["data"]["activity_id"]: r.key for r in records if r.json()["type"] == "SalesActivityRetracted"}
    assert keys == {"o-1": b"o-1", "o-2": b"ann"}
