"""The transactional outbox: events are written with the state change that causes them and
published by a relay after commit.

A state change and its events share one MongoDB transaction, so a rollback
publishes nothing and a crash after commit loses nothing: the relay publishes
whatever is committed and unpublished, oldest row first, then marks it. A crash
between publish and mark republishes the same event ids, which every consumer
drops as duplicates.

Rows are ordered by an ObjectId made when they are staged: strictly in order within
one process, but between replicas only to the second (the rest of an ObjectId is the
process's random bytes and a counter). Two events about one goal staged by two
replicas within the same second may therefore be published in either order; a
projection of such events (the reviews service's goal outcomes) keeps the newest by
the event's own time.

A row holds the events one unit of work staged together (up to `ROW_EVENTS`), not one
event: a consumed batch of thousands of activities raises about a thousand GoalProgressed,
and one row each made the outbox the database's largest cost per event
(bench/PERFORMANCE.md). One relay per service holds a lease at a time, so several
replicas never race to publish the same rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError, PyMongoError

from pacer_shared import metrics
from pacer_shared.clock import Clock
from pacer_shared.events import CloudEvent, EventData, wrap
from pacer_shared.kafka import Producer
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database, Document, IndexPlan, Session
from pacer_shared.shredding import PersonKeys, needs_sealing
from pacer_shared.topics import TopicNames
from pacer_shared.waiting import wake_or_timeout

log = get_logger(__name__)

OUTBOX = "outbox"
LEASES = "leases"
PUBLISHED_RETENTION = timedelta(days=7)
ROW_EVENTS = 1000
"""Most events in one outbox row: a row of GoalProgressed events stays near half a megabyte, far below
MongoDB's 16 MB document limit."""

INDEXES: IndexPlan = {
    OUTBOX: [
        IndexModel([("published", ASCENDING), ("seq", ASCENDING)], name="pending_in_order"),
        IndexModel("published_at", expireAfterSeconds=int(PUBLISHED_RETENTION.total_seconds()), name="published_ttl"),
    ],
}


class Outbox:
    """Where a unit of work stages the events it raises (handlers publish through `unit_of_work.UnitOfWork`)."""

    def __init__(
        self, db: Database, topic_names: TopicNames, source: str, clock: Clock, keys: PersonKeys | None = None
    ) -> None:
        self._collection = db[OUTBOX]
        self._topics = topic_names
        self._source = source
        self._clock = clock
        self._keys = keys
        """The people's keys, in a service that publishes texts people wrote (`EventData.sealing`)."""
        self.committed = asyncio.Event()
        """Set after a transaction that added events commits, to wake the relay at once."""

    async def add(self, session: Session, *events: EventData) -> list[CloudEvent]:
        """Stage events in the caller's transaction; they are published only if it commits."""
        now = self._clock.now()
        sealed = await self._sealed(events, now)
        envelopes = [wrap(event, source=self._source, time=now) for event in sealed]
        staged = list(zip(sealed, envelopes, strict=True))
        rows = [
            {
                "_id": (seq := ObjectId()),
                "seq": seq,  # what the pending index orders by, in rows of every version
                "events": [
                    {
                        "id": envelope.id,
                        "topic": self._topics(event.topic),
                        "key": envelope.subject,
                        "type": envelope.type,
                        "value": envelope.to_json().decode(),
                    }
                    for event, envelope in chunk
                ],
                "count": len(chunk),
                "created_at": now,
                "published": False,
            }
            for chunk in (staged[i : i + ROW_EVENTS] for i in range(0, len(staged), ROW_EVENTS))
        ]
        if rows:
            await self._collection.insert_many(rows, session=session)
        return envelopes

    async def _sealed(self, events: Sequence[EventData], now: datetime) -> Sequence[EventData]:
        """Every text the events declare sealed (`EventData.sealing`) sealed here, where every event passes, so no
        producer can publish one in clear by forgetting to seal it."""
        if self._keys is not None:
            return await self._keys.sealed(events, now)
        if declared := sorted({event.event_type for event in events if needs_sealing(event)}):
            raise RuntimeError(f"{self._source} publishes {', '.join(declared)} but has no keys to seal their texts")
        return events


class OutboxRelay:
    """Publishes committed events to Kafka; one lease holder per service at a time."""

    def __init__(
        self,
        db: Database,
        producer: Producer,
        outbox: Outbox,
        *,
        name: str,
        poll_interval: float = 0.2,
        lease: timedelta = timedelta(seconds=10),
        batch_size: int = 100,
    ) -> None:
        self._outbox = db[OUTBOX]
        self._leases = db[LEASES]
        self._producer = producer
        self._wakeup = outbox.committed
        self._lease_id = f"outbox-relay:{name}"
        self._owner = uuid.uuid4().hex
        self._poll_interval = poll_interval
        self._lease = lease
        self._batch_size = batch_size
        self._stopping = asyncio.Event()
        self._held_until: datetime | None = None
        self.healthy = True

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                published = await self.publish_pending() if await self._hold_lease() else 0
                self.healthy = True
            except (TimeoutError, PyMongoError, OSError) as error:
                self.healthy = False
                log.warning("outbox relay cannot publish yet; retrying", error=str(error))
                published = 0
            except Exception as error:  # a Kafka error: keep the rows, try again
                self.healthy = False
                log.error("outbox relay failed; retrying", error=repr(error))
                published = 0
            if published < self._batch_size:
                await self._sleep()

    async def stop(self) -> None:
        """Publish what is already committed, then stop."""
        self._stopping.set()
        self._wakeup.set()
        with contextlib.suppress(Exception):
            if await self._hold_lease():
                while await self.publish_pending() == self._batch_size:
                    pass
                await self._leases.delete_one({"_id": self._lease_id, "owner": self._owner})

    async def _sleep(self) -> None:
        await wake_or_timeout(self._wakeup, self._poll_interval)

    async def _hold_lease(self) -> bool:
        """Take or renew the lease; renewed once half of it has run, not on every round (a write per wake-up)."""
        # Leases use the wall clock, never the injectable domain clock that tests move.
        now = datetime.now(UTC)
        if self._held_until is not None and now < self._held_until - self._lease / 2:
            return True
        try:
            await self._leases.find_one_and_update(
                {"_id": self._lease_id, "$or": [{"owner": self._owner}, {"expires_at": {"$lt": now}}]},
                {"$set": {"owner": self._owner, "expires_at": now + self._lease}},
                upsert=True,
            )
        except DuplicateKeyError:
            self._held_until = None
            return False  # another replica holds a live lease
        self._held_until = now + self._lease
        return True

    async def publish_pending(self) -> int:
        """Publish the oldest unpublished rows' events in order; the number of rows published."""
        rows = await self._outbox.find({"published": False}).sort("seq", ASCENDING).limit(self._batch_size).to_list()
        if not rows:
            return 0
        events = [event for row in rows for event in _events_of(row)]
        sends = [
            await self._producer.send(
                event["topic"],
                value=event["value"].encode(),
                key=event["key"].encode() if event.get("key") else None,
                headers=[("ce_type", event["type"].encode()), ("ce_id", event["id"].encode())],
            )
            for event in events
        ]
        await asyncio.gather(*sends)
        await self._outbox.update_many(
            {"_id": {"$in": [row["_id"] for row in rows]}},
            {"$set": {"published": True, "published_at": datetime.now(UTC)}},
        )
        for (topic, event_type), count in Counter((event["topic"], event["type"]) for event in events).items():
            metrics.EVENTS_PRODUCED.labels(topic, event_type).inc(count)
        return len(rows)

    async def measure_backlog(self) -> None:
        pending = self._outbox.aggregate(
            [
                {"$match": {"published": False}},
                {"$group": {"_id": None, "events": {"$sum": {"$ifNull": ["$count", 1]}}}},
            ]
        )
        backlog = [d async for d in await pending]
        metrics.OUTBOX_BACKLOG.set(backlog[0]["events"] if backlog else 0)
        oldest = await self._outbox.find_one({"published": False}, sort=[("seq", ASCENDING)])
        age = (datetime.now(UTC) - oldest["created_at"]).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.set(max(age, 0.0))


def _events_of(row: Document) -> list[Document]:
    """A row's events; a row written before rows held several events is that one event."""
    if "events" in row:
        return row["events"]  # type: ignore[no-any-return]
    return [{"id": row["_id"], **{field: row.get(field) for field in ("topic", "key", "type", "value")}}]
