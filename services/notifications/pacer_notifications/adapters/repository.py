"""MongoDB storage of deliveries, preferences and events parked until their people are in the roster."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from pacer_notifications.domain.delivery import Attempt, Delivery, Status
from pacer_notifications.domain.preferences import Preferences
from pacer_shared.mongo import Database, Document, IndexPlan, Session

DELIVERIES = "deliveries"
PREFERENCES = "preferences"
PARKED = "parked_events"
DUE_ORDER = [("due_at", ASCENDING), ("seq", ASCENDING)]

INDEXES: IndexPlan = {
    DELIVERIES: [
        # The worker reads only what is due, in the order it fell due and was routed (`seq`);
        # `_id` (event id, recipient, channel) makes every send unique.
        IndexModel([("status", ASCENDING), ("due_at", ASCENDING), ("seq", ASCENDING)], name="due_in_order"),
        IndexModel([("recipient_id", ASCENDING), ("created_at", DESCENDING)], name="by_recipient"),
    ],
    PARKED: [IndexModel([("expires_at", ASCENDING)], name="expiry")],
}
RETIRED_INDEXES = {DELIVERIES: ["due"]}
"""(status, due_at) before `due_in_order` put routing order in the index."""


STATE = (
    "_id",
    "channel",
    "fallbacks",
    "status",
    "due_at",
    "attempts",
    "last_error",
    "finished_at",
    "lease_until",
    "claim",
    "retried_at",
)
"""A delivery document's fields that its state machine changes; the rest is the message routing froze."""


def delivery_of(document: Document) -> Delivery:
    return Delivery(
        id=document["_id"],
        channel=document["channel"],
        fallbacks=list(document.get("fallbacks", [])),
        status=Status(document["status"]),
        due_at=document["due_at"],
        message={key: value for key, value in document.items() if key not in STATE},
        attempts=[Attempt(**attempt) for attempt in document.get("attempts", [])],
        last_error=document.get("last_error"),
        finished_at=document.get("finished_at"),
    )


def document_of(delivery: Delivery) -> Document:
    document: Document = {
        **delivery.message,
        "_id": delivery.id,
        "channel": delivery.channel,
        "fallbacks": delivery.fallbacks,
        "status": delivery.status.value,
        "attempts": [asdict(attempt) for attempt in delivery.attempts],
        "due_at": delivery.due_at,
    }
    return document


def due(now: datetime) -> Document:
    return {"status": "pending", "due_at": {"$lte": now}}


def abandoned(now: datetime) -> Document:
    """Deliveries whose sender died mid-send: the lease ran out before the outcome was recorded."""
    return {"status": "sending", "lease_until": {"$lt": now}}


def digest_items(anchor: Document, now: datetime) -> Document:
    """The other due digest items for the anchor's person and channel, so one digest carries them all."""
    return {**due(now), "digest": True, "recipient_key": anchor["recipient_key"], "channel": anchor["channel"]}


def _expression(query: Document) -> Document:
    """A query of equalities and comparisons as the same test in an aggregation expression.

    Only for the fields every delivery has (status, due_at, ...): unlike a query, an expression compares a
    missing field as smaller than any value instead of not matching.
    """
    tests = [
        {operator: [f"${field}", value]}
        for field, condition in query.items()
        for operator, value in (condition.items() if isinstance(condition, dict) else [("$eq", condition)])
    ]
    return {"$and": tests}


class DeliveryRepository:
    def __init__(self, db: Database) -> None:
        self.deliveries = db[DELIVERIES]
        self.preferences = db[PREFERENCES]
        self.parked = db[PARKED]

    async def add(self, deliveries: Sequence[Delivery], session: Session) -> None:
        """Insert deliveries that do not exist yet: a replayed event never creates a second send."""
        if deliveries:
            documents = [document_of(delivery) for delivery in deliveries]
            await self.deliveries.bulk_write(
                [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in documents],
                session=session,
                ordered=False,
            )

    async def claim(self, query: Document, now: datetime, lease: timedelta, limit: int) -> list[Document]:
        """Take up to `limit` deliveries matching `query` for this worker, the earliest due first.

        Three round trips for the lot (candidates, conditional update, what this claim won): one
        find-and-modify per delivery cost a round trip each, on a database that is the bottleneck
        of delivery (bench/PERFORMANCE.md).
        """
        found = self.deliveries.find(query, {"_id": 1}).sort(DUE_ORDER).limit(limit)
        return await self.claim_ids([document["_id"] async for document in found], query, now, lease)

    async def claim_ids(
        self, candidates: Sequence[str], query: Document, now: datetime, lease: timedelta
    ) -> list[Document]:
        """Take those of these deliveries that still match `query` for this worker, in due order.

        The update selects by `_id` alone and tests `query` inside (a pipeline `$cond`), so two replicas
        claiming the same candidates never both win. With the query in the filter instead, the local stack's
        database server walked every pending delivery for each claim: 10 ms against 1 ms with 3,000 pending.
        """
        if not candidates:
            return []
        ids = list(dict.fromkeys(candidates))
        token = ObjectId()
        free = _expression(query)
        taken = {"status": "sending", "lease_until": now + lease, "claim": token}
        await self.deliveries.update_many(
            {"_id": {"$in": ids}},
            [{"$set": {field: {"$cond": [free, value, f"${field}"]} for field, value in taken.items()}}],
        )
        claimed = await self.deliveries.find({"_id": {"$in": ids}, "claim": token}).to_list()
        return sorted(claimed, key=lambda d: (d["due_at"], str(d.get("seq", ""))))

    async def renew(self, claims: Collection[ObjectId], now: datetime, lease: timedelta) -> None:
        """Extend the leases of the deliveries these claims still hold; one taken over since is left alone."""
        if claims:
            await self.deliveries.update_many(
                {"status": "sending", "claim": {"$in": list(claims)}}, {"$set": {"lease_until": now + lease}}
            )

    async def record(self, attempted: Sequence[Delivery], session: Session) -> None:
        """Store where each of these deliveries' last attempt left it."""
        updates = [
            UpdateOne(
                {"_id": delivery.id},
                {
                    "$set": {
                        "status": delivery.status.value,
                        "due_at": delivery.due_at,
                        "last_error": delivery.last_error,
                        **({"finished_at": delivery.finished_at} if delivery.finished_at is not None else {}),
                    },
                    "$push": {"attempts": asdict(delivery.attempts[-1])},
                },
            )
            for delivery in attempted
        ]
        if updates:
            await self.deliveries.bulk_write(updates, session=session, ordered=False)

    async def history(
        self, person_id: str, statuses: Collection[str], after: tuple[datetime, str] | None, limit: int
    ) -> list[Document]:
        """A person's deliveries, newest first, those after the `after` keyset (created_at, id) when given."""
        query: Document = {"recipient_id": person_id}
        if statuses:
            query["status"] = {"$in": list(statuses)}
        if after is not None:
            at, last_id = after
            query["$or"] = [{"created_at": {"$lt": at}}, {"created_at": at, "_id": {"$lt": last_id}}]
        found = self.deliveries.find(query, {"event": 0}).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        return await found.limit(limit).to_list()

    async def get(self, delivery_id: str) -> Document | None:
        return await self.deliveries.find_one({"_id": delivery_id}, {"event": 0})

    async def same_message(self, delivery: Document) -> list[Document]:
        """The deliveries of this delivery's message on the recipient's other channels (its failovers)."""
        query = {"event_id": delivery["event_id"], "recipient_key": delivery["recipient_key"]}
        found = self.deliveries.find({**query, "_id": {"$ne": delivery["_id"]}}, {"channel": 1, "status": 1})
        return await found.to_list()

    async def reopen(self, delivery_id: str, now: datetime) -> bool:
        """Make a failed delivery due again, once: of two admins retrying it at the same moment one wins."""
        reopened = await self.deliveries.update_one(
            {"_id": delivery_id, "status": {"$in": [Status.FAILED.value, Status.DEAD.value]}},
            {"$set": {"status": Status.PENDING.value, "due_at": now}, "$push": {"retried_at": now}},
        )
        return reopened.modified_count == 1

    async def deferred(self, now: datetime) -> int:
        return await self.deliveries.count_documents({"status": "pending", "due_at": {"$gt": now}})

    async def park(self, event: Document, reason: str, now: datetime, expires_at: datetime, session: Session) -> None:
        """Keep an event until its people reach the roster; parked again, it keeps its first time and expiry."""
        await self.parked.update_one(
            {"_id": event["id"]},
            {
                "$setOnInsert": {"event": event, "parked_at": now, "expires_at": expires_at},
                "$set": {"reason": reason},
            },
            upsert=True,
            session=session,
        )

    async def parked_events(self, limit: int) -> list[Document]:
        """The events waiting longest first."""
        return await self.parked.find().sort("parked_at", ASCENDING).limit(limit).to_list()

    async def unpark(self, event_ids: Sequence[str], session: Session) -> None:
        if event_ids:
            await self.parked.delete_many({"_id": {"$in": list(event_ids)}}, session=session)

    async def forget_parked(self, event_id: str) -> None:
        await self.parked.delete_one({"_id": event_id})

    async def preferences_of(self, person_id: str, session: Session | None = None) -> Preferences:
        document = await self.preferences.find_one({"_id": person_id}, {"_id": 0}, session=session)
        return Preferences.model_validate(document or {})

    async def preferences_for(self, person_ids: Iterable[str], session: Session) -> dict[str, Preferences]:
        """The stored preferences of these people, by id; someone who never set any is absent."""
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        found = self.preferences.find({"_id": {"$in": ids}}, session=session)
        return {document.pop("_id"): Preferences.model_validate(document) async for document in found}

    async def save_preferences(self, person_id: str, preferences: Preferences) -> None:
        await self.preferences.replace_one(
            {"_id": person_id}, preferences.model_dump(mode="json", exclude_none=True), upsert=True
        )
