"""What the scenarios share: where they run, the namespaces they clean up, service processes and figures."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from pacer_goals.adapters.repository import goal_to_document
from pacer_goals.domain.goal import Goal, GoalStatus
from pacer_goals.domain.pace import PaceProfile
from pacer_goals.domain.periods import Period
from pacer_shared.events import EventData, wrap
from pacer_shared.events.goals import GoalMetric, MetricAggregation, OwnerKind, Recurrence
from pacer_shared.events.people import ChatHandles, PersonUpserted
from pacer_shared.mongo import Document, create_client
from pacer_testkit.stack import ServiceProcess, Stack, bearer, eventually

HR = bearer("bench", "hr")
ADMIN = bearer("bench", "admin")


@dataclass(frozen=True)
class Bench:
    """Where a run happens: the servers, where service logs go, and whether sizes are tiny."""

    stack: Stack
    log_dir: Path
    quick: bool


def note(message: str) -> None:
    """Progress on stderr, so a long run shows where it is."""
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """One line of the results table: Pacer's number, the baseline measured in the same run, their ratio."""

    name: str
    unit: str
    pacer: float
    baseline: float
    baseline_is: str
    target: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "figure": self.name,
            "unit": self.unit,
            "pacer": tidy(self.pacer),
            "baseline": tidy(self.baseline),
            "baseline_is": self.baseline_is,
            "ratio": round(self.pacer / self.baseline, 3),
            "target": self.target,
        }


def result(scenario: str, figures: Sequence[Figure], **details: Any) -> dict[str, Any]:
    return {"scenario": scenario, "figures": [f.row() for f in figures], "details": details}


def tidy(value: float) -> float:
    """Enough digits to read, not more."""
    if abs(value) >= 100:
        return round(value)
    return round(value, 2 if abs(value) >= 1 else 4)


def percentiles(samples: Sequence[float], points: Sequence[int] = (50, 95, 99)) -> dict[int, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {p: cuts[p - 1] for p in points}


# ---------------------------------------------------------------- namespaces and services


@asynccontextmanager
async def scratch(bench: Bench) -> AsyncIterator[str]:
    """A topic prefix and database names of the scenario's own, removed afterwards (the stack may be shared)."""
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    try:
        yield namespace
    finally:
        await _forget(bench.stack, namespace)


async def _forget(stack: Stack, namespace: str) -> None:
    client = create_client(stack.mongo_url, "bench")
    try:
        for name in await client.list_database_names():
            if name.startswith(f"{namespace}_"):
                await client.drop_database(name)
    finally:
        await client.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        if mine := [t for t in await admin.list_topics() if t.startswith(f"{namespace}.")]:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


@asynccontextmanager
async def services(
    bench: Bench, namespace: str, wanted: Mapping[str, Mapping[str, str]]
) -> AsyncIterator[dict[str, ServiceProcess]]:
    """Pacer's services as their own processes, as in production, started together and stopped by PID."""
    started: dict[str, ServiceProcess] = {}
    try:
        for name, extra in wanted.items():
            env = bench.stack.service_env(
                namespace,
                name,
                PACER_LOG_LEVEL="WARNING",
                PACER_OUTBOX_POLL_INTERVAL_MS="200",  # the default: the test kit's shorter poll is not what users run
                **extra,
            )
            log = bench.log_dir / f"{name}-{namespace}.log"
            started[name] = ServiceProcess(f"pacer_{name}.main", name, env, log).start()
        begun = time.perf_counter()
        await asyncio.gather(*(service.wait_ready(240) for service in started.values()))
        note(f"{', '.join(started)} ready in {time.perf_counter() - begun:.0f} s")
        yield started
    finally:
        # In a thread: a stopping service may still be posting to receivers served by this event loop.
        await asyncio.gather(*(asyncio.to_thread(service.stop) for service in started.values()))


def rss_mib(pid: int) -> float:
    """Resident set size of a process, from the kernel's own accounting."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


# ---------------------------------------------------------------- roster and goals


def person(
    person_id: str,
    role: str = "assistant",
    team: str | None = None,
    manager: str | None = None,
    chat: ChatHandles | None = None,
) -> PersonUpserted:
    return PersonUpserted(
        person_id=person_id,
        display_name=person_id.title(),
        email=f"{person_id}@example.com",
        role=role,
        team_id=team,
        manager_id=manager,
        chat=chat or ChatHandles(),
    )


async def publish_roster(bench: Bench, namespace: str, people: Sequence[PersonUpserted]) -> None:
    await produce(bench.stack, f"{namespace}.org.people", ((p.person_id.encode(), event(p)) for p in people))


async def roster_reached(service: ServiceProcess, person_id: str) -> None:
    """Roster records of one key stay in order, so the last person published arriving means all did."""
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:

        async def known() -> bool:
            return (await http.get(f"/v1/people/{person_id}", headers=HR)).status_code == 200

        await eventually(known, timeout=180, what=f"{person_id} in the {service.service} roster")


def goal_document(
    goal_id: str,
    owner_id: str,
    *,
    kinds: Sequence[str] = ("call",),
    target: int = 10,
    start: datetime,
    end: datetime,
    title: str = "bench",
) -> Document:
    """A goal as the goals service stores it, for bulk inserts that skip the API's per-goal round trips."""
    now = datetime.now(UTC)
    goal = Goal(
        goal_id=goal_id,
        owner_id=owner_id,
        owner_kind=OwnerKind.ASSISTANT,
        team_id=None,
        title=title,
        metric=GoalMetric(kinds=list(kinds), aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit="calls",
        timezone="UTC",
        period=Period(start, end),
        recurrence=Recurrence.NONE,
        pace_profile=PaceProfile.LINEAR,
        at_risk_levels=[],
        at_risk_grace=Decimal("0.2"),
        created_by="bench",
        created_at=now,
        status=GoalStatus.ACTIVE,
    )
    return goal_to_document(goal, now)


async def insert_goals(bench: Bench, namespace: str, documents: Iterable[Document]) -> None:
    client = create_client(bench.stack.mongo_url, "bench")
    try:
        goals = client[f"{namespace}_goals"]["goals"]
        chunk: list[Document] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) == 5000:
                await goals.insert_many(chunk, ordered=False)
                chunk = []
        if chunk:
            await goals.insert_many(chunk, ordered=False)
    finally:
        await client.close()


# ---------------------------------------------------------------- Kafka


def event(data: EventData) -> bytes:
    return wrap(data, source="/bench", time=datetime.now(UTC)).to_json()


def producer(stack: Stack, **options: Any) -> AIOKafkaProducer:
    """The producer a CRM would use: acknowledged by every replica, no duplicates on retry."""
    return AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all", enable_idempotence=True, **options)


async def produce(stack: Stack, topic: str, messages: Iterable[tuple[bytes, bytes]]) -> float:
    """Seconds to publish every message as fast as the broker takes them."""
    client = producer(stack, linger_ms=20, max_batch_size=262144)
    await client.start()
    started = asyncio.get_running_loop().time()
    try:
        for key, value in messages:
            await client.send(topic, value, key=key)
        await client.flush()
    finally:
        await client.stop()
    return asyncio.get_running_loop().time() - started


@asynccontextmanager
async def lag_meter(stack: Stack, consumed: Mapping[str, Sequence[str]]) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """A function counting the messages these consumer groups have not committed, over every partition they read.

    A partition a group never committed counts whole, so a group that has not started yet is behind, not done.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.kafka_bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()

    async def behind() -> int:
        total = 0
        for group, topics in consumed.items():
            committed = await admin.list_consumer_group_offsets(group)
            partitions = [TopicPartition(t, p) for t in topics for p in await _partitions_of(consumer, t)]
            ends = await consumer.end_offsets(partitions)
            for tp in partitions:
                done = committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0
                total += max(ends[tp] - done, 0)
        return total

    try:
        yield behind
    finally:
        await consumer.stop()
        await admin.close()


async def _partitions_of(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    found = consumer.partitions_for_topic(topic)
    if not found:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka's one way to learn partitions
        found = consumer.partitions_for_topic(topic)
    return set(found or ())
