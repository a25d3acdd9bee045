"""Whether the service has read the roster as far as it went when it started: records are matched to people by it.

Matched before that, a replay of `org.people` (a new deployment, a database restored or emptied) can find a
person's `PersonUpserted` read and their `PersonErased` not yet, and publish a record of theirs as hers again.
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from pacer_shared import topics
from pacer_shared.kafka import partitions_of
from pacer_shared.settings import ServiceSettings

POLL_SECONDS = 0.5


class RosterRead:
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._done = asyncio.Event()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return once this service's consumer group has committed `org.people` up to its end as of the first call
        (what is published later is read as it comes, like any roster change)."""
        async with self._lock:  # every connection's loop waits on the one check
            if not self._done.is_set():
                await self._until_read()
                self._done.set()

    async def _until_read(self) -> None:
        settings = self._settings
        admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="pacer-connectors-roster-read")
        consumer = AIOKafkaConsumer(**settings.kafka_client_options(), enable_auto_commit=False)
        await admin.start()
        await consumer.start()
        try:
            people = topics.TopicNames(settings.topic_prefix)(topics.ORG_PEOPLE)
            partitions = await partitions_of(admin, [people])
            starts, ends = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
            group = f"{settings.topic_prefix}pacer-{settings.service_name}"
            while True:
                committed = {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
                if all(max(committed.get(tp, -1), starts[tp]) >= ends[tp] for tp in partitions):
                    return
                await asyncio.sleep(POLL_SECONDS)  # the group's committed offsets, kept by the broker: polled
        finally:
            await consumer.stop()
            await admin.close()
