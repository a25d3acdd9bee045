"""The idempotent consumer: faust agents that apply batches of events exactly once in effect.

Each batch is decoded; what cannot be decoded goes to `<topic>.dlq` with the reason
in headers. The rest is applied by the subscription's handler inside one MongoDB
transaction that also records the ids it applied (a unique `_id` per consumer and
event), so redelivery, replays and two replicas racing on a rebalance never apply
an event twice. A handler raises `RejectedEvent` for a valid event it cannot apply;
that event is dead-lettered and the rest of the batch applied without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import faust
from aiokafka import AIOKafkaProducer
from faust.types import EventT
from pymongo import IndexModel
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential_jitter

from pacer_shared import metrics
from pacer_shared.clock import Clock
from pacer_shared.events import Event, InvalidEvent, decode
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database, IndexPlan, Session
from pacer_shared.outbox import UnitOfWork
from pacer_shared.settings import ServiceSettings
from pacer_shared.topics import TopicNames

log = get_logger(__name__)

PROCESSED = "processed_events"
HANDLER_ATTEMPTS = 3

BatchHandler = Callable[[Sequence[Event], Session], Awaitable[None]]
TombstoneHandler = Callable[[str, Session], Awaitable[None]]


class RejectedEvent(Exception):
    """A well-formed event the handler refuses (e.g. a negative quantity); it is dead-lettered."""

    def __init__(self, event_id: str, reason: str) -> None:
        super().__init__(reason)
        self.event_id = event_id
        self.reason = reason


@dataclass(frozen=True)
class Subscription:
    """What one consumer reads and the handler that applies it."""

    name: str
    topics: Sequence[str]
    handle: BatchHandler
    event_types: frozenset[str] | None = None
    """Types the handler applies; others on the same topics are acknowledged and skipped."""
    on_tombstone: TombstoneHandler | None = None
    """Called with the key of a null-valued record on a compacted topic."""


def indexes(retention_days: int) -> IndexPlan:
    return {PROCESSED: [IndexModel("at", expireAfterSeconds=retention_days * 86400, name="processed_ttl")]}


@dataclass
class _Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


class EventConsumers:
    """Runs a service's subscriptions as faust agents in one consumer group."""

    def __init__(
        self,
        settings: ServiceSettings,
        db: Database,
        unit_of_work: UnitOfWork,
        producer: AIOKafkaProducer,
        clock: Clock,
        subscriptions: Sequence[Subscription],
    ) -> None:
        self._settings = settings
        self._processed = db[PROCESSED]
        self._uow = unit_of_work
        self._producer = producer
        self._clock = clock
        self._names = TopicNames(settings.topic_prefix)
        self._subscriptions = subscriptions
        self._in_flight = asyncio.Lock()
        self._crashed: dict[str, str] = {}
        self.app = self._faust_app()
        for subscription in subscriptions:
            self._add_agent(subscription)

    # ------------------------------------------------------------ lifecycle

    def _faust_app(self) -> faust.App:
        s = self._settings
        options = s.kafka_client_options()
        credentials: Any = None
        if s.kafka_sasl_mechanism:
            credentials = faust.SASLCredentials(
                username=options["sasl_plain_username"],
                password=options["sasl_plain_password"],
                mechanism=s.kafka_sasl_mechanism,
                ssl_context=options.get("ssl_context"),
            )
        elif "ssl_context" in options:
            credentials = faust.SSLCredentials(options["ssl_context"])
        return faust.App(
            f"{s.topic_prefix}pacer-{s.service_name}",
            broker=[f"kafka://{host.strip()}" for host in s.kafka_bootstrap_servers.split(",")],
            broker_credentials=credentials,
            web_enabled=False,
            # faust writes a data directory even with the memory store: keep it off a read-only root.
            datadir=os.path.join(tempfile.gettempdir(), f"{s.topic_prefix}pacer-{s.service_name}-data"),
            store="memory://",
            autodiscover=False,
            topic_partitions=s.topic_partitions,
            topic_replication_factor=s.topic_replication_factor,
            consumer_auto_offset_reset="earliest",
            producer_acks=-1,
            stream_wait_empty=False,
            broker_session_timeout=s.consumer_session_timeout_ms / 1000,
            broker_heartbeat_interval=min(3.0, s.consumer_session_timeout_ms / 3000),
        )

    async def start(self) -> None:
        await self.app.start()

    async def stop(self) -> None:
        """Finish the batch in hand, then leave the group."""
        await self._in_flight.acquire()
        try:
            await self.app.stop()
        finally:
            self._in_flight.release()

    def problems(self) -> list[str]:
        """Why the consumers are not healthy, or nothing."""
        found = [f"consumer {name} crashed: {reason}" for name, reason in self._crashed.items()]
        if self.app.crashed:
            found.append(f"faust app crashed: {self.app.crash_reason!r}")
        elif not self.app.started:
            found.append("consumers not started")
        return found

    async def measure_lag(self) -> None:
        consumer: Any = self.app.consumer
        with contextlib.suppress(Exception):  # best effort while partitions move
            for tp in consumer.assignment():
                read = consumer._read_offset.get(tp)  # noqa: SLF001 - faust keeps the last read offset here
                highwater = consumer.highwater(tp)
                if highwater is not None:
                    position = read + 1 if read is not None else 0
                    metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(highwater - position, 0))

    # ------------------------------------------------------------ agents

    def _add_agent(self, subscription: Subscription) -> None:
        channel = self.app.topic(
            *(self._names(t) for t in subscription.topics),
            value_serializer="raw",
            key_serializer="raw",
            allow_empty=True,
        )
        within = self._settings.consumer_batch_window_ms / 1000

        async def agent(stream: faust.StreamT[Any]) -> None:
            metrics.CONSUMER_UP.labels(subscription.name).set(1)
            try:
                async for batch in cast(Any, stream).take_events(self._settings.consumer_batch_size, within=within):
                    async with self._in_flight:
                        await self._process(subscription, batch)
                    self._crashed.pop(subscription.name, None)
                    metrics.CONSUMER_UP.labels(subscription.name).set(1)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # faust's supervisor restarts the agent; until it applies a batch again, the service is unready.
                self._crashed[subscription.name] = repr(error)
                metrics.CONSUMER_UP.labels(subscription.name).set(0)
                log.exception("consumer crashed", consumer=subscription.name)
                raise

        self.app.agent(channel, name=f"{self._settings.service_name}.{subscription.name}")(agent)

    async def _process(self, subscription: Subscription, batch: Sequence[EventT[Any]]) -> None:
        events: list[tuple[Event, _Message]] = []
        tombstones: list[str] = []
        for item in batch:
            message = _Message(
                item.message.topic, item.message.partition, item.message.offset, item.message.key, item.message.value
            )
            if message.value is None and subscription.on_tombstone is not None and message.key:
                tombstones.append(message.key.decode())
                continue
            try:
                event = decode(message.value)
            except InvalidEvent as error:
                await self._dead_letter(subscription, message, error.reason, error.kind)
                continue
            if subscription.event_types is None or event.type in subscription.event_types:
                events.append((event, message))
        if tombstones and subscription.on_tombstone is not None:
            on_tombstone = subscription.on_tombstone

            async def remove(session: Session) -> None:
                for key in tombstones:
                    await on_tombstone(key, session)

            await self._with_infrastructure_retries(lambda: self._uow.run(remove))
        if events:
            await self._apply(subscription, events)

    async def _apply(self, subscription: Subscription, events: list[tuple[Event, _Message]]) -> None:
        pending = events
        conflicts = 0
        while pending:
            try:
                await self._with_infrastructure_retries(functools.partial(self._apply_once, subscription, pending))
                return
            except RejectedEvent as rejection:
                rejected = [pair for pair in pending if pair[0].id == rejection.event_id]
                if not rejected:
                    raise
                await self._dead_letter(subscription, rejected[0][1], rejection.reason, "rejected")
                pending = [pair for pair in pending if pair[0].id != rejection.event_id]
            except (DuplicateKeyError, BulkWriteError) as error:
                conflicts += 1
                if conflicts < HANDLER_ATTEMPTS:
                    continue  # another replica applied some of these meanwhile: re-read what is done
                await self._isolate(subscription, pending, error)
                return
            except Exception as error:
                await self._isolate(subscription, pending, error)
                return

    async def _isolate(
        self, subscription: Subscription, pending: list[tuple[Event, _Message]], error: Exception
    ) -> None:
        if len(pending) == 1:
            await self._retry_or_dead_letter(subscription, pending[0], error)
            return
        # Find the event that breaks the handler instead of dead-lettering the whole batch.
        for pair in pending:
            await self._apply(subscription, [pair])

    async def _retry_or_dead_letter(
        self, subscription: Subscription, pair: tuple[Event, _Message], error: Exception
    ) -> None:
        for _ in range(HANDLER_ATTEMPTS - 1):
            try:
                await self._with_infrastructure_retries(lambda: self._apply_once(subscription, [pair]))
                return
            except RejectedEvent as rejection:
                error = rejection
                break
            except Exception as retry_error:
                error = retry_error
        log.error(
            "handler failed on event; dead-lettering it",
            consumer=subscription.name,
            event_id=pair[0].id,
            error=repr(error),
        )
        reason = error.reason if isinstance(error, RejectedEvent) else f"handler error: {error!r}"
        await self._dead_letter(
            subscription, pair[1], reason, "rejected" if isinstance(error, RejectedEvent) else "handler-error"
        )

    async def _apply_once(self, subscription: Subscription, pending: list[tuple[Event, _Message]]) -> None:
        async def work(session: Session) -> list[tuple[Event, _Message]]:
            keys = {f"{subscription.name}:{event.id}": (event, message) for event, message in pending}
            done = {
                document["_id"]
                async for document in self._processed.find({"_id": {"$in": list(keys)}}, {"_id": 1}, session=session)
            }
            fresh = [pair for key, pair in keys.items() if key not in done]
            if fresh:
                await subscription.handle([event for event, _ in fresh], session)
                now = datetime.now(UTC)
                await self._processed.insert_many(
                    [{"_id": f"{subscription.name}:{event.id}", "at": now} for event, _ in fresh], session=session
                )
            return fresh

        applied = await self._uow.run(work)
        duplicates = len(pending) - len(applied)
        for event, message in applied:
            metrics.EVENTS_CONSUMED.labels(subscription.name, message.topic, event.type).inc()
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(subscription.name, pending[0][1].topic).inc(duplicates)

    async def _with_infrastructure_retries(self, attempt: Callable[[], Awaitable[Any]]) -> Any:
        """Wait out a database outage instead of dead-lettering good events; readiness reports it meanwhile."""
        async for retry in AsyncRetrying(
            retry=retry_if_exception_type((ConnectionFailure, _TransientOperationFailure)),
            wait=wait_exponential_jitter(multiplier=0.2, max=10, jitter=0.2),
            reraise=True,
        ):
            with retry:
                try:
                    return await attempt()
                except OperationFailure as error:
                    if error.has_error_label("TransientTransactionError"):
                        raise _TransientOperationFailure(str(error)) from error
                    raise
        return None

    async def _dead_letter(self, subscription: Subscription, message: _Message, reason: str, kind: str) -> None:
        await dead_letter(
            self._producer,
            self._names.dlq(self._names.logical(message.topic)),
            message.value,
            message.key,
            reason=reason,
            kind=kind,
            service=self._settings.service_name,
            consumer=subscription.name,
            at=self._clock.now(),
            origin={
                "original-topic": message.topic,
                "original-partition": str(message.partition),
                "original-offset": str(message.offset),
            },
        )


async def dead_letter(
    producer: AIOKafkaProducer,
    topic: str,
    value: bytes | None,
    key: bytes | None,
    *,
    reason: str,
    kind: str,
    service: str,
    consumer: str,
    at: datetime,
    origin: dict[str, str] | None = None,
) -> None:
    """The one way to dead-letter: the message as it was, why and where from in `pacer-dlq-*` headers, counted."""
    headers = [
        ("pacer-dlq-reason", reason[:1000].encode()),
        ("pacer-dlq-kind", kind.encode()),
        ("pacer-dlq-consumer", f"{service}.{consumer}".encode()),
        *((f"pacer-dlq-{name}", text.encode()) for name, text in (origin or {}).items()),
        ("pacer-dlq-at", at.isoformat().encode()),
    ]
    await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    metrics.EVENTS_DEAD_LETTERED.labels(consumer, (origin or {}).get("original-topic", topic), kind).inc()
    log.warning("message dead-lettered", consumer=consumer, topic=topic, kind=kind, reason=reason, **(origin or {}))


class _TransientOperationFailure(Exception):
    """A transaction the server asked us to retry (write conflict, election)."""
