"""The idempotent consumer: batches of events from Kafka, each applied exactly once in effect.

One aiokafka consumer per service (group `<prefix>pacer-<service>`) fetches whatever
has arrived, up to `consumer_batch_size` records at a time, and hands each subscription
its share of the batch. Each share is decoded; what cannot be decoded goes to
`<topic>.dlq` with the reason in headers. The rest is applied by the subscription's
handler inside one MongoDB transaction that also records the ids it applied (a unique
`_id` per consumer and event), so redelivery, replays and two replicas racing on a
rebalance never apply an event twice. Offsets are committed only after that, and a
replica losing partitions first finishes and commits the batch in hand. A handler
raises `RejectedEvent` for a valid event it cannot apply; that event is dead-lettered
and the rest of the batch applied without it.

Batches are read with `getmany`, not through a stream framework's per-event pipeline:
the per-event overhead of such a pipeline, not the broker or the database, limited
ingest (see bench/PERFORMANCE.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeAlias, TypeGuard, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from pymongo import IndexModel
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from pacer_shared import metrics
from pacer_shared.clock import Clock
from pacer_shared.dead_letters import ORIGINAL_TOPIC, dead_letter
from pacer_shared.events import EVENT_TYPES, Event, EventData, InvalidEvent, decode
from pacer_shared.kafka import Producer
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database, IndexPlan, Session
from pacer_shared.settings import ServiceSettings
from pacer_shared.shredding import PersonKeys
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork

log = get_logger(__name__)

PROCESSED = "processed_events"
HANDLER_ATTEMPTS = 3
FINISH_BATCH_SECONDS = 10.0
LAG_SECONDS = 3.0

Payload = TypeVar("Payload", bound=EventData)
TombstoneHandler = Callable[[str, Session], Awaitable[None]]
Message: TypeAlias = ConsumerRecord[bytes, bytes]


class RejectedEvent(Exception):
    """A well-formed event the handler refuses (e.g. a negative quantity); it is dead-lettered."""

    def __init__(self, event_id: str, reason: str) -> None:
        super().__init__(reason)
        self.event_id = event_id
        self.reason = reason


@dataclass(frozen=True)
class Subscription(Generic[Payload]):
    """What one consumer reads and the handler that applies it.

    The handler is typed by the payloads it applies: a subscription whose `event_types` do not all fit it fails
    mypy. Where mypy cannot infer the union of several types, name it: `Subscription[GoalSet | GoalAdjusted](...)`.
    """

    name: str
    topics: Sequence[str]
    handle: Callable[[Sequence[Event[Payload]], Session], Awaitable[None]]
    event_types: tuple[type[Payload], ...]
    """Payloads the handler applies; other events on the same topics are acknowledged and skipped."""
    on_tombstone: TombstoneHandler | None = None
    """Called with the key of a null-valued record on a compacted topic."""
    after_commit: Callable[[], None] | None = None
    """Called once a batch the handler applied is committed: to wake whatever acts on what it wrote."""
    last: bool = False
    """Applied once every other subscription has applied the batch: an erasure finds what the same batch wrote."""
    keyed_writes: bool = False
    """The handler's writes are keyed on each event's own business key (an activity id), so applying an
    event again changes nothing: the consumer records no processed ids for it, one write per event less."""
    opens: tuple[type[EventData], ...] = ()
    """Payloads whose sealed texts (`EventData.sealing`) the handler reads: the consumer opens them first (None where
    the person they were sealed for was erased). Needs the service's keys (`ServiceSettings.seals_text`)."""

    def __post_init__(self) -> None:
        if abstract := [t.__name__ for t in self.event_types if t not in EVENT_TYPES.values()]:
            raise TypeError(f"subscription {self.name}: {', '.join(abstract)} name no event type")

    def applies(self, event: Event[EventData]) -> TypeGuard[Event[Payload]]:
        # Exact types: each stands for one event type name on the wire.
        return type(event.data) in self.event_types


def indexes(retention_days: int) -> IndexPlan:
    return {PROCESSED: [IndexModel("at", expireAfterSeconds=retention_days * 86400, name="processed_ttl")]}


class EventConsumers:
    """Runs a service's subscriptions on one consumer in one consumer group."""

    def __init__(
        self,
        settings: ServiceSettings,
        db: Database,
        unit_of_work: UnitOfWork,
        producer: Producer,
        clock: Clock,
        subscriptions: Sequence[Subscription[Any]],
        screen: Callable[[Event[Any]], Event[Any] | None] = lambda event: event,
        keys: PersonKeys | None = None,
    ) -> None:
        if keys is None and (opening := [s.name for s in subscriptions if s.opens]):
            raise ValueError(f"subscriptions {', '.join(opening)} open sealed texts: the service needs its keys")
        self._settings = settings
        self._screen = screen
        self._keys = keys
        self._processed = db[PROCESSED]
        self._uow = unit_of_work
        self._producer = producer
        self._clock = clock
        self._names = TopicNames(settings.topic_prefix)
        self._subscriptions = [(s, frozenset(self._names(t) for t in s.topics)) for s in subscriptions]
        self._in_flight = asyncio.Lock()
        self._crashed: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None
        self._batch_since: float | None = None
        metrics.CONSUMER_BATCH_AGE.set_function(self._batch_age)
        self._consumer = AIOKafkaConsumer(
            **settings.kafka_client_options(),
            group_id=f"{settings.topic_prefix}pacer-{settings.service_name}",
            client_id=f"pacer-{settings.service_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=settings.consumer_session_timeout_ms,
            heartbeat_interval_ms=min(3000, settings.consumer_session_timeout_ms // 3),
            max_partition_fetch_bytes=4 << 20,
            # Under light load the broker holds a fetch up to the window to fill it: fewer, fuller batches,
            # so a trickle of events costs a few transactions a second instead of one per event.
            fetch_max_wait_ms=settings.consumer_batch_window_ms,
            fetch_min_bytes=settings.consumer_fetch_min_bytes,
        )

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> asyncio.Task[None]:
        """Join the group and start consuming; the task that does it, which ends only when cancelled."""
        topics = sorted({topic for _, names in self._subscriptions for topic in names})
        self._consumer.subscribe(topics, listener=_FinishBatchFirst(self._in_flight))
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="consumers")
        return self._task

    async def stop(self) -> None:
        """Finish the batch in hand if it can be finished soon, then leave the group.

        A batch waiting out a database outage would never finish: after `FINISH_BATCH_SECONDS` it is abandoned
        (its transaction aborts, its offsets stay uncommitted, and it is read again after the restart).
        """
        if self._task is not None:
            finished = False
            try:
                async with asyncio.timeout(FINISH_BATCH_SECONDS):
                    finished = await self._in_flight.acquire()
            except TimeoutError:
                log.warning("stopping without finishing the batch in hand; it is read again on restart")
            self._task.cancel()
            if finished:
                self._in_flight.release()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    def problems(self) -> list[str]:
        """Batches failing and read again, or nothing (the service reports a consumer task that ended)."""
        return [f"consumer {name} crashed: {reason}" for name, reason in self._crashed.items()]

    async def measure_lag(self) -> None:
        """How far each partition this replica holds is behind its end: where it reads next, not only where it last
        committed (a quiet partition it never committed on is not behind by its whole length)."""
        with contextlib.suppress(Exception):  # best effort while partitions move
            async with asyncio.timeout(LAG_SECONDS):
                for tp in self._consumer.assignment():
                    highwater = self._consumer.highwater(tp)
                    if highwater is not None:
                        position = await self._consumer.position(tp)
                        metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(highwater - position, 0))

    # ------------------------------------------------------------ the loop

    async def _run(self) -> None:
        for subscription, _ in self._subscriptions:
            metrics.CONSUMER_UP.labels(subscription.name).set(1)
        try:
            await self._consume()
        except Exception:
            # An error no retry fixes, e.g. the Kafka client refused for good: nothing is consumed any more.
            for subscription, _ in self._subscriptions:
                metrics.CONSUMER_UP.labels(subscription.name).set(0)
            raise

    async def _consume(self) -> None:
        failures = 0
        while True:
            fetched = await self._consumer.getmany(timeout_ms=1000, max_records=self._settings.consumer_batch_size)
            if not fetched:
                continue
            async with self._in_flight:
                try:
                    await self._apply_batch(fetched)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    # As a restarted consumer would: read the batch again after a pause; unready meanwhile.
                    failures += 1
                    self._crash(error.exceptions[0] if isinstance(error, ExceptionGroup) else error)
                    for tp, messages in fetched.items():
                        self._consumer.seek(tp, messages[0].offset)
                    await asyncio.sleep(min(0.5 * 2**failures, 30))
                    continue
                failures = 0
                self._recovered()
                await self._commit({tp: messages[-1].offset + 1 for tp, messages in fetched.items()})

    async def _apply_batch(self, fetched: dict[TopicPartition, list[Message]]) -> None:
        self._batch_since = time.monotonic()
        try:
            # A task group, not gather: when one subscription fails, the others' work on this batch is cancelled
            # rather than left running beside the batch read again.
            for last in (False, True):
                async with asyncio.TaskGroup() as group:
                    for subscription, topics in self._subscriptions:
                        if subscription.last is last:
                            group.create_task(self._process(subscription, _share(fetched, topics)))
        finally:
            self._batch_since = None

    def _batch_age(self) -> float:
        since = self._batch_since
        return 0.0 if since is None else time.monotonic() - since

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # The partitions moved on; their new owner reads these events again and drops them as duplicates.
            log.warning("offsets not committed after a rebalance", error=str(error))

    def _crash(self, error: Exception) -> None:
        for subscription, _ in self._subscriptions:
            self._crashed[subscription.name] = repr(error)
            metrics.CONSUMER_UP.labels(subscription.name).set(0)
        log.error("consumer failed on a batch; reading it again", error=repr(error), exc_info=error)

    def _recovered(self) -> None:
        for name in list(self._crashed):
            self._crashed.pop(name)
            metrics.CONSUMER_UP.labels(name).set(1)

    async def _process(self, subscription: Subscription[Payload], records: Sequence[Message]) -> None:
        # Applied in the order written: a person upserted, then deleted, must end deleted.
        runs: list[_Run[Payload]] = []
        for record in records:
            if record.value is None and subscription.on_tombstone is not None and record.key:
                if not runs or runs[-1].events:
                    runs.append(_Run())
                # A key that is not UTF-8 names no one stored: with its bytes replaced the removal changes nothing,
                # instead of failing the batch again and again.
                runs[-1].tombstones.append(record.key.decode(errors="replace"))
                continue
            try:
                event = decode(record.value)
            except InvalidEvent as error:
                await self._dead_letter(subscription, record, error.reason, error.kind)
                continue
            if subscription.applies(event) and (screened := self._screen(event)) is not None:
                if not runs or runs[-1].tombstones:
                    runs.append(_Run())
                runs[-1].events.append((screened, record))
        if opening := [e for run in runs for e, _ in run.events if type(e.data) in subscription.opens]:
            await self._open(opening)
        for run in runs:
            if run.tombstones:
                await self._remove(subscription, run.tombstones)
            else:
                await self._apply(subscription, run.events)

    async def _open(self, events: list[Event[Payload]]) -> None:
        """Each event's sealed texts opened in clear, with one read of the keys they all need."""
        keys = self._keys
        assert keys is not None
        opened = await self._with_infrastructure_retries(lambda: keys.opened([event.data for event in events]))
        for event, data in zip(events, opened, strict=True):
            if data is not event.data:
                event.opened(data)

    async def _remove(self, subscription: Subscription[Payload], keys: list[str]) -> None:
        on_tombstone = subscription.on_tombstone
        assert on_tombstone is not None

        async def remove(session: Session) -> None:
            for key in keys:
                await on_tombstone(key, session)

        await self._with_infrastructure_retries(lambda: self._uow.run(remove))

    async def _apply(self, subscription: Subscription[Payload], events: list[tuple[Event[Payload], Message]]) -> None:
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
        self, subscription: Subscription[Payload], pending: list[tuple[Event[Payload], Message]], error: Exception
    ) -> None:
        if len(pending) == 1:
            await self._retry_or_dead_letter(subscription, pending[0], error)
            return
        # Find the event that breaks the handler by halving the batch, instead of dead-lettering all of it.
        middle = len(pending) // 2
        await self._apply(subscription, pending[:middle])
        await self._apply(subscription, pending[middle:])

    async def _retry_or_dead_letter(
        self, subscription: Subscription[Payload], pair: tuple[Event[Payload], Message], error: Exception
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

    async def _apply_once(
        self, subscription: Subscription[Payload], pending: list[tuple[Event[Payload], Message]]
    ) -> None:
        async def work(session: Session) -> list[tuple[Event[Payload], Message]]:
            if subscription.keyed_writes:
                await subscription.handle([event for event, _ in pending], session)
                return pending
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
        if applied and subscription.after_commit is not None:
            subscription.after_commit()
        duplicates = len(pending) - len(applied)
        for (topic, event_type), count in Counter((message.topic, event.type) for event, message in applied).items():
            metrics.EVENTS_CONSUMED.labels(subscription.name, topic, event_type).inc(count)
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(subscription.name, pending[0][1].topic).inc(duplicates)

    async def _with_infrastructure_retries(self, attempt: Callable[[], Awaitable[Any]]) -> Any:
        """Wait out a database outage instead of dead-lettering good events; readiness reports it meanwhile."""
        async for retry in AsyncRetrying(
            retry=retry_if_exception_type((ConnectionFailure, _TransientOperationFailure)),
            wait=wait_exponential_jitter(multiplier=0.2, max=10, jitter=0.2),
            before_sleep=_waiting_out,
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

    async def _dead_letter(self, subscription: Subscription[Payload], message: Message, reason: str, kind: str) -> None:
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
                ORIGINAL_TOPIC: message.topic,
                "original-partition": str(message.partition),
                "original-offset": str(message.offset),
            },
        )


def _waiting_out(retry: RetryCallState) -> None:
    failure = retry.outcome.exception() if retry.outcome else None
    if isinstance(failure, ConnectionFailure):
        log.warning("database unavailable; applying the batch again", attempt=retry.attempt_number, error=repr(failure))
    else:  # a write conflict with another replica: routine, and retried at once
        log.debug("transaction conflict; applying the batch again", attempt=retry.attempt_number, error=repr(failure))


@dataclass
class _Run(Generic[Payload]):
    """Consecutive records of one kind in a subscription's share of a batch: tombstones or events."""

    tombstones: list[str] = field(default_factory=list)
    events: list[tuple[Event[Payload], Message]] = field(default_factory=list)


class _TransientOperationFailure(Exception):
    """A transaction the server asked us to retry (write conflict, election)."""


class _FinishBatchFirst(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions leave only after the batch in hand is applied and its offsets committed."""

    def __init__(self, in_flight: asyncio.Lock) -> None:
        self._in_flight = in_flight

    async def on_partitions_revoked(self, revoked: Any) -> None:
        async with self._in_flight:
            pass
        for tp in revoked:  # their lag is the new owner's to report: a series left here would stay frozen in sums
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(tp.topic, str(tp.partition))

    async def on_partitions_assigned(self, assigned: Any) -> None:
        pass


def _share(fetched: dict[TopicPartition, list[Message]], topics: frozenset[str]) -> list[Message]:
    """A subscription's records of a fetched batch, in order within each partition."""
    return [record for tp, records in fetched.items() if tp.topic in topics for record in records]
