"""Customer ratings of assistants, as CRMs send them on `sales.activity`: one document per rating, by activity id."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel

from pacer_shared.mongo import Database, Document, IndexPlan, Session

CUSTOMER_RATINGS = "customer_ratings"

INDEXES: IndexPlan = {
    CUSTOMER_RATINGS: [IndexModel([("assistant_id", ASCENDING), ("occurred_at", ASCENDING)], name="by_assistant")]
}


class CustomerRatings:
    """A rating is kept as first delivered; a retraction marks it (also one that arrives before its rating)."""

    def __init__(self, db: Database) -> None:
        self._collection = db[CUSTOMER_RATINGS]

    async def record(self, activity_id: str, facts: Document, session: Session) -> None:
        await self._collection.update_one({"_id": activity_id}, {"$setOnInsert": facts}, upsert=True, session=session)

    async def retract(self, activity_id: str, session: Session) -> None:
        await self._collection.update_one(
            {"_id": activity_id}, {"$set": {"retracted": True}}, upsert=True, session=session
        )

    async def given(self, assistant_id: str, start: datetime, end: datetime) -> list[Document]:
        """The ratings of this assistant that happened in the period and stand (not retracted)."""
        found = self._collection.find(
            {
                "assistant_id": assistant_id,
                "occurred_at": {"$gte": start, "$lt": end},
                "retracted": {"$ne": True},
            }
        )
        return await found.sort("_id", ASCENDING).to_list()
