"""Kafka plumbing on aiokafka: the producer every service shares and topic bootstrap."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pacer_shared import topics
from pacer_shared.logs import get_logger
from pacer_shared.settings import ServiceSettings

log = get_logger(__name__)


def create_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    # acks=all and idempotence: a broker failover neither loses nor duplicates a send.
    return AIOKafkaProducer(
        **settings.kafka_client_options(),
        client_id=f"pacer-{settings.service_name}",
        acks="all",
        enable_idempotence=settings.kafka_idempotent_producer,
        linger_ms=5,
        request_timeout_ms=15000,
    )


class SharedProducer:
    """The producer a service shares, replaced by a fresh one when aiokafka's breaks for good.

    After a broker restart aiokafka's idempotent producer can fail with OutOfOrderSequenceNumber or
    UnknownProducerId; its sender task then dies and every later send fails until the process restarts
    (aio-libs/aiokafka#1017). A new producer gets a new producer id and sequence numbers. Sends that
    failed are not lost: the outbox keeps its rows and a consumer re-reads its batch.
    """

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._current = create_producer(settings)
        self._renewing = asyncio.Lock()

    @property
    def client(self) -> Any:
        return self._current.client

    async def start(self) -> None:
        await self._current.start()

    async def stop(self) -> None:
        await self._current.stop()

    def broken(self) -> bool:
        task = self._current._sender.sender_task  # noqa: SLF001 - no public way to see that the sender has died
        return task is not None and task.done()

    async def renew(self) -> None:
        async with self._renewing:
            if not self.broken():
                return
            log.warning("the Kafka producer's sender has stopped; starting a new producer")
            fresh = create_producer(self._settings)
            await fresh.start()
            stale, self._current = self._current, fresh
            with contextlib.suppress(Exception):
                await stale.stop()

    async def send(self, topic: str, value: bytes, **options: Any) -> asyncio.Future[Any]:
        if self.broken():
            await self.renew()
        future: asyncio.Future[Any] = await self._current.send(topic, value=value, **options)
        return future

    async def send_and_wait(self, topic: str, value: bytes, **options: Any) -> Any:
        return await (await self.send(topic, value, **options))


Producer = AIOKafkaProducer | SharedProducer


async def ensure_topics(settings: ServiceSettings, logical_names: list[str]) -> None:
    """Create the topics (and their dead-letter topics) a service uses, if they are missing."""
    names = topics.TopicNames(settings.topic_prefix)
    wanted: list[NewTopic] = []
    for logical in logical_names:
        config = {"cleanup.policy": "compact"} if logical in topics.COMPACTED else {}
        wanted.append(
            NewTopic(names(logical), settings.topic_partitions, settings.topic_replication_factor, topic_configs=config)
        )
        wanted.append(NewTopic(names.dlq(logical), settings.topic_partitions, settings.topic_replication_factor))
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id=f"pacer-{settings.service_name}-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in wanted if topic.name not in existing]
        if missing:
            response = await admin.create_topics(missing)
            failed = [
                f"{name}: {message or code}"
                for name, code, *message in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)  # another replica may have won the race
            ]
            if failed:
                raise RuntimeError(f"cannot create topics: {'; '.join(failed)}")
            log.info("topics created", topics=[t.name for t in missing])
    finally:
        await admin.close()


async def partitions_of(admin: AIOKafkaAdminClient, names: Iterable[str]) -> list[TopicPartition]:
    """Every partition of these topics (none of a topic that does not exist), as the brokers report them.

    Asked of a client's cached metadata instead, a topic the client was never told to follow has no partitions:
    aiokafka refreshes metadata only for the topics it follows, so such a topic looked empty. Every topic is
    described, not only these, so that asking about a missing one cannot create it on a broker that auto-creates.
    """
    wanted = set(names)
    return sorted(
        TopicPartition(topic["topic"], partition["partition"])
        for topic in await admin.describe_topics()
        if topic["topic"] in wanted and topic["error_code"] == 0
        for partition in topic["partitions"]
    )
