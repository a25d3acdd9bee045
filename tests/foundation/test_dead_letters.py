"""Bad input never stops a stream: it lands in `<topic>.dlq` with the reason, and the next message is applied."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from foundation.test_idempotent_consumer import activity, tallies

from pacer_testkit.stack import Record, ServiceProcess, Stack, eventually, producer, publish, read_topic


def envelope(event_type: str, data: dict[str, object]) -> bytes:
    return json.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "source": "/tests",
            "type": event_type,
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "data": data,
        }
    ).encode()


async def test_malformed_invalid_unknown_and_refused_messages_are_dead_lettered_and_the_stream_goes_on(
    stack: Stack, namespace: str, probe: ServiceProcess
) -> None:
    topic = f"{namespace}.sales.activity"
    valid = activity("bo", 3).model_dump(mode="json")
    async with producer(stack.kafka_bootstrap) as client:
        await client.send_and_wait(topic, b"{not json", key=b"bo")
        await client.send_and_wait(topic, envelope("SalesActivityRecorded", {**valid, "quantity": -4}), key=b"bo")
        await client.send_and_wait(topic, envelope("SalesActivityTeleported", valid), key=b"bo")
        await publish(client, topic, activity("bo", 1, kind="refused"))
        await publish(client, topic, activity("bo", 1, kind="explodes"))
        await publish(client, topic, activity("bo", 3))

    dead = await read_topic(stack.kafka_bootstrap, f"{topic}.dlq", lambda records: len(records) >= 5)
    by_kind = {record.headers["pacer-dlq-kind"]: record for record in dead}
    assert set(by_kind) == {"malformed", "invalid-data", "unknown-type", "rejected", "handler-error"}
    assert "not JSON" in by_kind["malformed"].headers["pacer-dlq-reason"]
    assert "quantity" in by_kind["invalid-data"].headers["pacer-dlq-reason"]
    assert "SalesActivityTeleported" in by_kind["unknown-type"].headers["pacer-dlq-reason"]
    assert "refuses" in by_kind["rejected"].headers["pacer-dlq-reason"]
    assert "broke" in by_kind["handler-error"].headers["pacer-dlq-reason"]
    _assert_points_back_to_the_original(by_kind["malformed"], topic)
    assert by_kind["malformed"].value == b"{not json"

    async def applied() -> bool:
        return (await tallies(stack, namespace)).get("bo", {}).get("events") == 1

    await eventually(applied, what="the good event after the bad ones to be applied")
    assert (await tallies(stack, namespace))["bo"]["quantity"] == 3
    assert await probe.metric("pacer_events_dead_lettered_total", consumer="tally") == 5


def _assert_points_back_to_the_original(record: Record, topic: str) -> None:
    assert record.headers["pacer-dlq-original-topic"] == topic
    assert record.headers["pacer-dlq-original-partition"].isdigit()
    assert record.headers["pacer-dlq-original-offset"].isdigit()
    assert record.headers["pacer-dlq-consumer"] == "probe.tally"
