"""Pacer's benchmarks: Pacer's figure beside the raw limit of the same broker and database, in one run.

    python bench/run.py                      # the full sizes, on a local stack of its own
    python bench/run.py --quick              # tiny sizes (what CI runs to keep this working)
    python bench/run.py --kafka HOST:PORT --mongo URL   # against servers you already run

Writes bench/results/<date>.json and .md and prints the table. Nothing here asserts a
timing: the numbers are for people to read.

Scenarios:
  ingest    N SalesActivityRecorded for A assistants with active goals, until every event is in their
            goals' progress; baselines: a bare aiokafka consumer reading the topic (a) and the minimum
            pipeline (b): parse each message and write one bulk upsert per consumed batch.
  deadline  D goals due now among K active goals: time from the deadline to the last GoalMissed
            published, for several K (cost should follow D, not K).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import UpdateOne

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "deploy" / "local"), str(ROOT / "tests")]

import localstack  # noqa: E402

from pacer_goals.adapters.repository import goal_to_document  # noqa: E402
from pacer_goals.domain.goal import Goal, GoalStatus  # noqa: E402
from pacer_goals.domain.pace import PaceProfile  # noqa: E402
from pacer_goals.domain.periods import Period  # noqa: E402
from pacer_shared.events import wrap  # noqa: E402
from pacer_shared.events.goals import GoalMetric, MetricAggregation, OwnerKind, Recurrence  # noqa: E402
from pacer_shared.events.people import PersonUpserted  # noqa: E402
from pacer_shared.events.sales import SalesActivityRecorded  # noqa: E402
from pacer_shared.mongo import create_client  # noqa: E402
from pacer_testkit.stack import ServiceProcess, Stack, bearer, eventually  # noqa: E402

RESULTS = ROOT / "bench" / "results"


# ---------------------------------------------------------------- helpers


async def produce(bootstrap: str, topic: str, payloads: list[tuple[bytes, bytes]]) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=20, max_batch_size=262144
    )
    await producer.start()
    started = time.perf_counter()
    try:
        for key, value in payloads:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def consume_all(bootstrap: str, topic: str, expected: int, work: Any = None) -> float:
    """Seconds for a fresh consumer group to read `expected` messages, doing `work` on each batch."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
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


async def goals_service(stack: Stack, namespace: str, log_dir: Path) -> ServiceProcess:
    env = stack.service_env(namespace, "goals", PACER_GOALS_DEADLINE_POLL_SECONDS="0.2", PACER_LOG_LEVEL="WARNING")
    service = ServiceProcess("pacer_goals.main", "goals", env, log_dir / f"goals-{namespace}.log").start()
    await service.wait_ready(120)
    return service


# ---------------------------------------------------------------- scenario: ingest


async def ingest(stack: Stack, events: int, assistants: int, log_dir: Path) -> dict[str, Any]:
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    service = await goals_service(stack, namespace, log_dir)
    try:
        people = [
            PersonUpserted(
                person_id=f"a{i}",
                display_name=f"Assistant {i}",
                email=f"a{i}@example.com",
                role="assistant",
                team_id=f"t{i % 20}",
            )
            for i in range(assistants)
        ]
        await produce(
            stack.kafka_bootstrap, f"{namespace}.org.people", [(p.person_id.encode(), _event(p)) for p in people]
        )
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
            hr = bearer("bench", "hr")
            await eventually(lambda: _known(http, f"a{assistants - 1}", hr), timeout=120, what="the roster")
            now = datetime.now(UTC)
            body = {
                "metric": {"kinds": ["call"], "aggregation": "count"},
                "target": events * 10,
                "unit": "calls",
                "title": "bench",
                "start": (now - timedelta(minutes=5)).isoformat(),
                "end": (now + timedelta(days=1)).isoformat(),
            }
            semaphore = asyncio.Semaphore(8)

            async def create(i: int) -> None:
                async with semaphore:
                    (await http.post("/v1/goals", json={**body, "owner_id": f"a{i}"}, headers=hr)).raise_for_status()

            await asyncio.gather(*(create(i) for i in range(assistants)))
        sales = [
            SalesActivityRecorded(
                activity_id=f"act-{n}",
                assistant_id=f"a{n % assistants}",
                kind="call",
                occurred_at=now,
                source_system="bench",
            )
            for n in range(events)
        ]
        topic = f"{namespace}.sales.activity"
        started = time.perf_counter()
        produce_seconds = await produce(
            stack.kafka_bootstrap, topic, [(s.assistant_id.encode(), _event(s)) for s in sales]
        )
        client = create_client(stack.mongo_url, "bench")
        try:
            goals = client[f"{namespace}_goals"]["goals"]

            async def all_counted() -> bool:
                total = [
                    d
                    async for d in await goals.aggregate([{"$group": {"_id": None, "n": {"$sum": "$activity_count"}}}])
                ]
                return bool(total) and total[0]["n"] >= events

            await eventually(all_counted, timeout=max(120, events / 200), what="every activity in its goal's progress")
            pacer_seconds = time.perf_counter() - started
            bare = await consume_all(stack.kafka_bootstrap, topic, events)
            scratch = client[f"{namespace}_baseline"]["progress"]

            async def minimum_pipeline(messages: list[Any]) -> None:
                counts: dict[str, int] = defaultdict(int)
                for message in messages:
                    counts[json.loads(message.value)["data"]["assistant_id"]] += 1
                await scratch.bulk_write(
                    [UpdateOne({"_id": k}, {"$inc": {"n": v}}, upsert=True) for k, v in counts.items()], ordered=False
                )

            minimum = await consume_all(stack.kafka_bootstrap, topic, events, minimum_pipeline)
        finally:
            await client.close()
    finally:
        service.stop()
    rates = {"pacer": events / pacer_seconds, "bare_consumer": events / bare, "minimum_pipeline": events / minimum}
    return {
        "scenario": "ingest",
        "events": events,
        "assistants": assistants,
        "produce_seconds": round(produce_seconds, 2),
        "events_per_second": {k: round(v) for k, v in rates.items()},
        "ratio_to_minimum_pipeline": round(rates["pacer"] / rates["minimum_pipeline"], 3),
        "ratio_to_bare_consumer": round(rates["pacer"] / rates["bare_consumer"], 3),
        "target": "≥ 0.5 of the minimum pipeline",
    }


async def _known(http: httpx.AsyncClient, person_id: str, headers: dict[str, str]) -> bool:
    return (await http.get(f"/v1/people/{person_id}", headers=headers)).status_code == 200


def _event(data: Any) -> bytes:
    return wrap(data, source="/bench", time=datetime.now(UTC)).to_json()


# ---------------------------------------------------------------- scenario: deadline scale


async def deadline(stack: Stack, active: int, due: int, log_dir: Path) -> dict[str, Any]:
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    client = create_client(stack.mongo_url, "bench")
    now = datetime.now(UTC)
    try:
        goals = client[f"{namespace}_goals"]["goals"]
        insert_started = time.perf_counter()
        await _insert(goals, range(due, active), now + timedelta(days=30), now)  # active, due in a month
        insert_seconds = time.perf_counter() - insert_started
        service = await goals_service(stack, namespace, log_dir)
        try:
            deadline_at = datetime.now(UTC) + timedelta(seconds=5)
            await _insert(goals, range(due), deadline_at, now)  # due in five seconds
            consumer = AIOKafkaConsumer(
                f"{namespace}.goals.events",
                bootstrap_servers=stack.kafka_bootstrap,
                auto_offset_reset="earliest",
                group_id=None,
            )
            await consumer.start()
            missed, last = 0, None
            try:
                while missed < due:
                    for messages in (await consumer.getmany(timeout_ms=1000)).values():
                        for message in messages:
                            if json.loads(message.value)["type"] == "GoalMissed":
                                missed += 1
                                last = datetime.fromisoformat(json.loads(message.value)["time"])
            finally:
                await consumer.stop()
        finally:
            service.stop()
    finally:
        await client.close()
    assert last is not None
    return {
        "scenario": "deadline",
        "active_goals": active,
        "due_goals": due,
        "insert_seconds": round(insert_seconds, 1),
        "seconds_from_deadline_to_last_goal_missed": round((last - deadline_at).total_seconds(), 3),
    }


async def _insert(goals: Any, numbers: range, end: datetime, now: datetime) -> None:
    for first in range(numbers.start, numbers.stop, 5000):
        await goals.insert_many(
            [_goal(i, end, now) for i in range(first, min(first + 5000, numbers.stop))], ordered=False
        )


def _goal(i: int, end: datetime, now: datetime) -> dict[str, Any]:
    goal = Goal(
        goal_id=f"g{i}",
        owner_id=f"a{i % 1000}",
        owner_kind=OwnerKind.ASSISTANT,
        team_id=None,
        title="bench",
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(10),
        unit="calls",
        timezone="UTC",
        period=Period(now - timedelta(days=1), end),
        recurrence=Recurrence.NONE,
        pace_profile=PaceProfile.LINEAR,
        at_risk_levels=[],
        at_risk_grace=Decimal("0.2"),
        created_by="bench",
        created_at=now,
        status=GoalStatus.ACTIVE,
    )
    return goal_to_document(goal, now)


# ---------------------------------------------------------------- the run


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024 // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "kafka": localstack.KAFKA_VERSION,
    }


def markdown(results: dict[str, Any]) -> str:
    lines = [f"# Pacer benchmarks, {results['date']}", "", f"Machine: {json.dumps(results['machine'])}", ""]
    for row in results["scenarios"]:
        lines.append(f"## {row['scenario']}")
        lines += [f"- {key}: {value}" for key, value in row.items() if key != "scenario"]
        lines.append("")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the benchmarks still run")
    parser.add_argument("--kafka")
    parser.add_argument("--mongo")
    parser.add_argument("--events", type=int)
    parser.add_argument("--assistants", type=int)
    parser.add_argument("--deadline-sizes", help="comma-separated active-goal counts, e.g. 10000,100000,1000000")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    events = args.events or (500 if args.quick else 200_000)
    assistants = args.assistants or (20 if args.quick else 1000)
    sizes = [int(s) for s in (args.deadline_sizes or ("200,2000" if args.quick else "10000,100000,1000000")).split(",")]
    due = min(1000, sizes[0] // 2)

    config = None
    if args.kafka and args.mongo:
        stack = Stack(args.kafka, args.mongo, None, None)
    else:
        config = localstack.StackConfig(
            profile="bench", kafka_port=39092, mongo_port=57017, smtp_port=31025, sink_http_port=38025
        )
        localstack.down(config, wipe=True)
        await asyncio.to_thread(localstack.up, config, ["kafka", "mongo"])
        stack = Stack.of(config)
    log_dir = args.out / "logs"
    try:
        scenarios = [await ingest(stack, events, assistants, log_dir)]
        scenarios += [await deadline(stack, size, due, log_dir) for size in sizes]
    finally:
        if config is not None:
            localstack.down(config, ["kafka", "mongo"], wipe=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": args.quick,
        "scenarios": scenarios,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = results["date"].replace(":", "")
    (args.out / f"{stamp}.json").write_text(json.dumps(results, indent=2))
    (args.out / f"{stamp}.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    asyncio.run(main())
