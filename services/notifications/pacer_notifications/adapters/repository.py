"""MongoDB storage of deliveries, preferences and events parked until their people are in the roster."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne

from pacer_notifications.domain.preferences import Preferences
from pacer_shared.mongo import Database, Document, IndexPlan, Session

DELIVERIES = "deliveries"
PREFERENCES = "preferences"
PARKED = "parked_events"

INDEXES: IndexPlan = {
    DELIVERIES: [
        # The worker reads only what is due; `_id` (event id, recipient, channel) makes every send unique.
        IndexModel([("status", ASCENDING), ("due_at", ASCENDING)], name="due"),
        IndexModel([("recipient_id", ASCENDING), ("created_at", DESCENDING)], name="by_recipient"),
    ],
    PARKED: [IndexModel([("expires_at", ASCENDING)], name="expiry")],
}


def delivery_id(event_id: str, recipient_key: str, channel: str) -> str:
    return f"{event_id}:{recipient_key}:{channel}"


class DeliveryRepository:
    def __init__(self, db: Database) -> None:
        self.deliveries = db[DELIVERIES]
        self.preferences = db[PREFERENCES]
        self.parked = db[PARKED]

    async def add(self, deliveries: Sequence[Document], session: Session) -> None:
        """Insert deliveries that do not exist yet: a replayed event never creates a second send."""
        if deliveries:
            await self.deliveries.bulk_write(
                [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in deliveries],
                session=session,
                ordered=False,
            )

    async def claim(self, now: datetime, lease: timedelta) -> Document | None:
        """Take one due delivery (or one whose sender died mid-send) for this worker."""
        return await self.deliveries.find_one_and_update(
            {
                "$or": [
                    {"status": "pending", "due_at": {"$lte": now}},
                    {"status": "sending", "lease_until": {"$lt": now}},
                ]
            },
            {"$set": {"status": "sending", "lease_until": now + lease}},
            sort=[("due_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def claim_digest_items(self, anchor: Document, now: datetime, lease: timedelta) -> list[Document]:
        """Every other due digest item for the same person and channel, so one digest carries them all."""
        items: list[Document] = []
        while True:
            item = await self.deliveries.find_one_and_update(
                {
                    "status": "pending",
                    "digest": True,
                    "due_at": {"$lte": now},
                    "recipient_key": anchor["recipient_key"],
                    "channel": anchor["channel"],
                },
                {"$set": {"status": "sending", "lease_until": now + lease}},
                return_document=ReturnDocument.AFTER,
            )
            if item is None:
                return items
            items.append(item)

    async def update(self, delivery_ids: Sequence[str], changes: dict[str, Any], session: Session) -> None:
        await self.deliveries.update_many({"_id": {"$in": list(delivery_ids)}}, changes, session=session)

    async def history(self, person_id: str, limit: int) -> list[Document]:
        found = self.deliveries.find({"recipient_id": person_id}, {"event": 0}).sort("created_at", DESCENDING)
        return await found.limit(limit).to_list()

    async def deferred(self, now: datetime) -> int:
        return await self.deliveries.count_documents({"status": "pending", "due_at": {"$gt": now}})

    async def preferences_of(self, person_id: str, session: Session | None = None) -> Preferences:
        document = await self.preferences.find_one({"_id": person_id}, {"_id": 0}, session=session)
        return Preferences.model_validate(document or {})

    async def save_preferences(self, person_id: str, preferences: Preferences) -> None:
        await self.preferences.replace_one(
            {"_id": person_id}, preferences.model_dump(mode="json", exclude_none=True), upsert=True
        )
