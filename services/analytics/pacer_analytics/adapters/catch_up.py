"""Whether the stream worker has read the history its input held when it started: the early warning and the
reports wait for it, since a table half-way through a replay holds an assistant's old weeks without their recent
days (a drop that is not one, a report short of the period's end).

Activity flows through three topics, one after the other (sales.activity, then re-keyed by activity, then by
assistant), so it is caught up stage by stage (the first stage also holds incentives.events, read straight into
the bonus statements of hr's reports): the end offsets of a stage are taken when the stage before it is
read to the end offsets taken for it, so they include what that stage's history sent on. A stage is read when the
worker's consumer group has committed up to those offsets (faust commits after flushing what a message produced).
Once caught up, it stays so: what arrives later is live, not history.
"""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from pacer_shared.kafka import partitions_of
from pacer_shared.logs import get_logger
from pacer_shared.settings import ServiceSettings

log = get_logger(__name__)


class CatchUp:
    def __init__(self, settings: ServiceSettings, group: str, stages: list[list[str]]) -> None:
        self._settings = settings
        self._group = group
        self._stages = stages
        self._stage = 0
        self._ends: dict[TopicPartition, int] | None = None

    @property
    def caught_up(self) -> bool:
        return self._stage >= len(self._stages)

    async def start(self) -> None:
        """Take the first stage's end offsets: what the worker must read before it is caught up."""
        self._ends = await self._end_offsets(self._stages[0])

    async def reached(self) -> bool:
        """Whether the group has read every stage's history; asks the broker only until it has."""
        while not self.caught_up:
            if self._ends is None:
                await self.start()
            assert self._ends is not None
            if not await self._read_up_to(self._ends):
                return False
            log.info("stream input read up to where it was", topics=self._stages[self._stage])
            self._stage += 1
            self._ends = await self._end_offsets(self._stages[self._stage]) if not self.caught_up else None
        return True

    async def _end_offsets(self, names: list[str]) -> dict[TopicPartition, int]:
        admin = AIOKafkaAdminClient(**self._settings.kafka_client_options(), client_id="pacer-analytics-catch-up")
        await admin.start()
        try:
            partitions = await partitions_of(admin, names)
        finally:
            await admin.close()
        consumer = AIOKafkaConsumer(**self._settings.kafka_client_options(), enable_auto_commit=False)
        await consumer.start()
        try:
            starts, ends = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
        finally:
            await consumer.stop()
        # A partition whose every message retention deleted holds nothing to read.
        return {tp: end for tp, end in ends.items() if end > starts[tp]}

    async def _read_up_to(self, ends: dict[TopicPartition, int]) -> bool:
        admin = AIOKafkaAdminClient(**self._settings.kafka_client_options(), client_id="pacer-analytics-catch-up")
        await admin.start()
        try:
            committed = await admin.list_consumer_group_offsets(self._group, partitions=list(ends))
        finally:
            await admin.close()
        return all(tp in committed and committed[tp].offset >= end for tp, end in ends.items())
