"""Kafka as the scenarios use it: events as a CRM would publish them, and how far consumer groups are behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from pacer_shared.events import EventData, wrap
from pacer_shared.kafka import partitions_of
from pacer_testkit.stack import Stack


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
            partitions = await partitions_of(admin, topics)
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
