"""Ingest: N SalesActivityRecorded for A assistants with active goals, until every event is in its goal's progress.

The events are published while goals is stopped; goals' clock starts when it begins on them (ready, or the first
activity counted), as each baseline's starts at its first batch.

Baselines on the same topic: (a) a bare aiokafka consumer that only reads; (b) the minimum pipeline, which parses
each message and writes one bulk upsert per consumed batch, the least work any correct implementation must do.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import UpdateOne

from bench.scenarios.common import Bench, Figure, cpu_seconds, note, reading_a_backlog, result, scratch, services
from bench.scenarios.kafka import event, produce
from bench.scenarios.population import HR, publish_roster
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.mongo import create_client
from pacer_testkit.roster import person
from pacer_testkit.stack import Stack, eventually


async def run(bench: Bench, events: int, assistants: int) -> dict[str, Any]:
    async with scratch(bench) as namespace, services(bench, namespace, {"goals": {}}) as running:
        goals_service = running["goals"]
        roster = [person(f"a{i}", "assistant", team_id=f"t{i % 20}") for i in range(assistants)]
        await publish_roster(bench, namespace, roster, reaching=["goals"])
        now = datetime.now(UTC)
        await set_goals(goals_service.url, assistants, events, now - timedelta(minutes=5), now)
        sales = (
            SalesActivityRecorded(
                activity_id=f"act-{n}",
                assistant_id=f"a{n % assistants}",
                kind="call",
                occurred_at=now,
                source_system="bench",
            )
            for n in range(events)
        )
        topic = f"{namespace}.sales.activity"
        payloads = [(s.assistant_id.encode(), event(s)) for s in sales]
        client = create_client(bench.stack.mongo_url, "bench")
        try:
            goals = client[f"{namespace}_goals"]["goals"]

            async def counted() -> int:
                pipeline = [{"$group": {"_id": None, "n": {"$sum": "$activity_count"}}}]
                total = [d async for d in await goals.aggregate(pipeline)]
                return int(total[0]["n"]) if total else 0

            produce_seconds, started = await reading_a_backlog(
                goals_service, lambda: produce(bench.stack, topic, payloads), lambda: _positive(counted())
            )
            assert goals_service.process is not None
            cpu_before = cpu_seconds(goals_service.process.pid)

            async def all_counted() -> bool:
                return await counted() >= events

            await eventually(all_counted, timeout=120 + events / 20, what="every activity in its goal's progress")
            pacer_seconds = time.perf_counter() - started
            goals_cpu = cpu_seconds(goals_service.process.pid) - cpu_before
            note(f"ingest: goals took {events:,} events in {pacer_seconds:.1f} s; now the baselines")
            bare = await consume_all(bench.stack, topic, events)
            scratchpad = client[f"{namespace}_baseline"]["progress"]
            minimum = await consume_all(bench.stack, topic, events, minimum_pipeline(scratchpad))
        finally:
            await client.close()
    pacer = events / pacer_seconds
    return result(
        "ingest",
        [
            Figure("events processed", "events/s", pacer, events / minimum, "minimum pipeline", "ratio ≥ 0.5"),
            Figure("events processed", "events/s", pacer, events / bare, "bare aiokafka consumer"),
        ],
        events=events,
        assistants=assistants,
        produce_seconds=round(produce_seconds, 2),
        goals_cpu_seconds=round(goals_cpu, 1),
        goals_cpu_ms_per_event=round(goals_cpu * 1000 / events, 3),
    )


async def _positive(count: Awaitable[int]) -> bool:
    return await count > 0


def minimum_pipeline(scratchpad: Any) -> Callable[[list[Any]], Awaitable[None]]:
    """The least work any correct implementation must do per batch: parse each message, one bulk upsert."""

    async def work(messages: list[Any]) -> None:
        counts: dict[str, int] = defaultdict(int)
        for message in messages:
            counts[json.loads(message.value)["data"]["assistant_id"]] += 1
        await scratchpad.bulk_write(
            [UpdateOne({"_id": k}, {"$inc": {"n": v}}, upsert=True) for k, v in counts.items()], ordered=False
        )

    return work


async def set_goals(url: str, assistants: int, events: int, start: datetime, now: datetime) -> None:
    """A count goal of calls for each assistant a0…, from `start` to a day after `now`."""
    body = {
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": events * 10,
        "unit": "calls",
        "title": "bench",
        "start": start.isoformat(),
        "end": (now + timedelta(days=1)).isoformat(),
    }
    slots = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def create(i: int) -> None:
            async with slots:
                answer = await http.post("/v1/goals", json={**body, "owner_id": f"a{i}"}, headers=HR)
                if answer.status_code != 201:
                    raise AssertionError(f"goal for a{i} refused: {answer.status_code} {answer.text[:500]}")

        await asyncio.gather(*(create(i) for i in range(assistants)))


async def consume_all(
    stack: Stack, topic: str, expected: int, work: Callable[[list[Any]], Awaitable[None]] | None = None
) -> float:
    """Seconds for a fresh consumer group to read `expected` messages, doing `work` on each batch."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=stack.kafka_bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 << 20,
    )
    await consumer.start()
    seen, started = 0, None
    try:
        while seen < expected:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for messages in batches.values():
                started = started or time.perf_counter()
                if work is not None:
                    await work(messages)
                seen += len(messages)
    finally:
        await consumer.stop()
    return time.perf_counter() - (started or time.perf_counter())
