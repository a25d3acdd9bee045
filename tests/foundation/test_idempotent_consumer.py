"""The idempotent consumer applies each event once: duplicates, replays and two replicas."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import murmur2
from foundation.conftest import PROBE
from pymongo import AsyncMongoClient

from pacer_shared.events import wrap
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.stack import ServiceProcess, Stack, bearer, eventually, producer, publish, running


def activity(assistant: str, quantity: int = 1, kind: str = "call") -> SalesActivityRecorded:
    return SalesActivityRecorded(
        activity_id=str(uuid.uuid4()),
        assistant_id=assistant,
        kind=kind,
        quantity=Decimal(quantity),
        occurred_at=datetime.now(UTC),
        source_system="tests",
    )


async def tallies(stack: Stack, namespace: str) -> dict[str, dict[str, float]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(stack.mongo_url)
    try:
        documents = await client[f"{namespace}_probe"]["tallies"].find().to_list()
        return {str(d["_id"]): {"quantity": float(d["quantity"]), "events": float(d["events"])} for d in documents}  # type: ignore[arg-type]
    finally:
        await client.close()


async def test_the_same_event_delivered_twice_is_applied_once(
    stack: Stack, namespace: str, probe: ServiceProcess
) -> None:
    topic = f"{namespace}.sales.activity"
    async with producer(stack.kafka_bootstrap) as client:
        event = await publish(client, topic, activity("ann", 5))
        await publish(client, topic, activity("ann", 5), event_id=event.id)  # redelivery of the same event id
        await publish(client, topic, activity("ann", 2))

    async def settled() -> dict[str, dict[str, float]] | None:
        seen = await tallies(stack, namespace)
        return seen if seen.get("ann", {}).get("events") == 2 else None

    await eventually(settled, what="both distinct events applied")
    assert await probe.metric("pacer_events_duplicate_total", consumer="tally") == 1
    assert (await tallies(stack, namespace))["ann"] == {"quantity": 7.0, "events": 2.0}


async def test_replaying_the_topic_from_the_beginning_changes_nothing(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    topic = f"{namespace}.sales.activity"
    async with running(PROBE, "probe", probe_env, tmp_path) as first:
        async with producer(stack.kafka_bootstrap) as client:
            for i in range(30):
                await publish(client, topic, activity(f"a{i % 5}", 1))
        await eventually(lambda: _total_events(stack, namespace, 30), what="30 events applied")
        before = await tallies(stack, namespace)
        first.stop()

    await rewind_group(stack, f"{namespace}.pacer-probe", topic)

    async with running(PROBE, "probe", probe_env, tmp_path) as second:

        async def replayed() -> bool:
            return await second.metric("pacer_events_duplicate_total", consumer="tally") >= 30

        await eventually(replayed, what="the replay to reach every event again")
        assert await second.metric("pacer_events_consumed_total", consumer="tally") == 0
    assert await tallies(stack, namespace) == before


async def test_two_replicas_share_partitions_and_never_double_apply(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    topic = f"{namespace}.sales.activity"
    async with running(PROBE, "probe", probe_env, tmp_path) as one, running(PROBE, "probe", probe_env, tmp_path) as two:
        async with producer(stack.kafka_bootstrap) as client:
            for i in range(300):
                await publish(client, topic, activity(f"p{i % 30}", 1))
        await eventually(lambda: _total_events(stack, namespace, 300), timeout=60, what="300 events applied")
        consumed = [await p.metric("pacer_events_consumed_total", consumer="tally") for p in (one, two)]
    assert all(count > 0 for count in consumed), f"both replicas should own partitions, consumed {consumed}"
    assert sum(consumed) == 300
    seen = await tallies(stack, namespace)
    assert sum(t["events"] for t in seen.values()) == 300
    assert all(t["quantity"] == 10 for t in seen.values())


async def test_a_replica_killed_mid_stream_loses_and_duplicates_nothing(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    topic = f"{namespace}.sales.activity"
    async with running(PROBE, "probe", probe_env, tmp_path) as survivor:
        victim = ServiceProcess(PROBE, "probe", probe_env, tmp_path / "victim.log").start()
        await victim.wait_ready()
        async with producer(stack.kafka_bootstrap) as client:
            for i in range(200):
                await publish(client, topic, activity(f"k{i % 20}", 1))
                if i == 100:
                    victim.kill()
        await eventually(lambda: _total_events(stack, namespace, 200), timeout=90, what="200 events applied")
        assert survivor.process is not None
        assert survivor.process.poll() is None
    seen = await tallies(stack, namespace)
    assert all(t["events"] == 10 for t in seen.values()), seen


async def rewind_group(stack: Stack, group: str, topic: str) -> None:
    """Commit offset 0 for every partition, so the group's next run replays the topic."""
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.kafka_bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(3)]  # PACER_TOPIC_PARTITIONS in the test env
        consumer.assign(partitions)
        await consumer.commit({tp: 0 for tp in partitions})
    finally:
        await consumer.stop()


async def _total_events(stack: Stack, namespace: str, expected: int) -> bool:
    seen = await tallies(stack, namespace)
    return sum(t["events"] for t in seen.values()) == expected


async def test_a_person_upserted_then_deleted_in_one_batch_ends_deleted(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    """A compacted roster topic read from a backlog: the upsert and the tombstone after it arrive together and are
    applied in the order they were written, not tombstones first."""
    topic = f"{namespace}.org.people"
    async with running(PROBE, "probe", probe_env, tmp_path):
        pass  # creates the topics; the backlog is written while no one reads it
    async with producer(stack.kafka_bootstrap) as client:
        await publish(
            client,
            topic,
            PersonUpserted(person_id="gone", display_name="Gone", email="g@example.com", role="assistant"),
        )
        tombstone = await client.send_and_wait(topic, None, key=b"gone")
    read = TopicPartition(topic, tombstone.partition)
    async with running(PROBE, "probe", probe_env, tmp_path) as probe, httpx.AsyncClient(base_url=probe.url) as http:
        # Asked once the probe has committed past the tombstone: asked earlier, a fetch that happened to return the
        # upsert alone would show the person still active.
        await eventually(
            lambda: _committed_past(stack, f"{namespace}.pacer-probe", read, tombstone.offset),
            what="the probe to read the backlog through the tombstone",
        )
        answer = await http.get("/v1/people/gone", headers=bearer("roster-check", "hr"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is False


async def _committed_past(stack: Stack, group: str, partition: TopicPartition, offset: int) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=[partition])
    finally:
        await admin.close()
    return partition in committed and committed[partition].offset > offset


async def test_an_older_roster_record_read_after_a_newer_one_changes_nothing(
    stack: Stack, namespace: str, probe: ServiceProcess
) -> None:
    """Times are compared to the microsecond: stored as a date (milliseconds), a record 0.5 ms older than the one
    applied, in the same millisecond, compared as newer."""
    topic = f"{namespace}.org.people"
    assert _partition("lee") == _partition("lee-after"), "the sentinel is read after Lee's older record"
    moment = datetime(2026, 11, 29, 10, 0, 0, 500_000, tzinfo=UTC)
    south = PersonUpserted(
        person_id="lee", display_name="Lee", email="lee@example.com", role="assistant", team_id="south"
    )
    sentinel = PersonUpserted(person_id="lee-after", display_name="After", email="a@example.com", role="assistant")
    async with producer(stack.kafka_bootstrap) as client, httpx.AsyncClient(base_url=probe.url) as http:

        async def send(data: PersonUpserted, at: datetime) -> None:
            await client.send_and_wait(topic, wrap(data, source="/tests", time=at).to_json(), key=data.subject.encode())

        async def known(person_id: str) -> dict[str, object] | None:
            answer = await http.get(f"/v1/people/{person_id}", headers=bearer("roster-check", "hr"))
            return answer.json() if answer.status_code == 200 else None

        await send(south, moment + timedelta(microseconds=900))
        await eventually(lambda: known("lee"), what="Lee's newer record to be applied")
        await send(south.model_copy(update={"team_id": "north"}), moment + timedelta(microseconds=400))
        await send(sentinel, moment)
        await eventually(lambda: known("lee-after"), what="the records after Lee's older one to be applied")
        lee = await known("lee")
    assert lee is not None
    assert lee["team_id"] == "south"
    assert "as_of_us" not in lee, "the projection's ordering stays inside it"


def _partition(key: str, partitions: int = 3) -> int:  # PACER_TOPIC_PARTITIONS in the test env
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


async def test_a_restarted_replica_reports_no_lag_for_what_the_group_already_applied(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    """pacer_consumer_lag counted from this replica's own commits: after a restart every partition it had not
    committed on yet showed its whole length, and PacerConsumerLagGrowing saw a backlog that was not there."""
    topic = f"{namespace}.sales.activity"
    async with running(PROBE, "probe", probe_env, tmp_path):
        async with producer(stack.kafka_bootstrap) as client:
            for n in range(6):
                await publish(client, topic, activity(f"a{n}"))
        await eventually(lambda: _total_events(stack, namespace, 6), what="every event applied")
    async with running(PROBE, "probe", probe_env, tmp_path) as again:

        async def lag_reported() -> list[str] | None:
            text = await again.metrics_text()
            series = [line for line in text.splitlines() if line.startswith("pacer_consumer_lag{") and topic in line]
            return series if len(series) == 3 else None  # PACER_TOPIC_PARTITIONS in the test env

        series = await eventually(lag_reported, what="the lag of each partition of the topic")
    assert all(line.endswith(" 0.0") for line in series), series
