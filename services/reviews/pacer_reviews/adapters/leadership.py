"""What incentives announces about a person's leadership: promotion recommendations (for the quarterly meeting's
private part) and acting-lead assignments (evidence in their reviews)."""

from __future__ import annotations

from datetime import date, datetime

from pymongo import ASCENDING, IndexModel

from pacer_shared.mongo import Database, Document, IndexPlan, Session

PROMOTIONS = "promotion_recommendations"
ACTING_LEADS = "acting_leads"

INDEXES: IndexPlan = {
    PROMOTIONS: [IndexModel([("person_id", ASCENDING), ("at", ASCENDING)], name="by_person")],
    ACTING_LEADS: [IndexModel([("person_id", ASCENDING), ("ends_on", ASCENDING)], name="by_person")],
}


class Promotions:
    def __init__(self, db: Database) -> None:
        self._collection = db[PROMOTIONS]

    async def record(self, event_id: str, facts: Document, session: Session) -> None:
        """Keyed by the event: a redelivery changes nothing."""
        await self._collection.update_one({"_id": event_id}, {"$setOnInsert": facts}, upsert=True, session=session)

    async def of(self, person_ids: list[str], since: datetime) -> list[Document]:
        found = self._collection.find({"person_id": {"$in": person_ids}, "at": {"$gte": since}})
        return await found.sort("at", ASCENDING).to_list()


class ActingLeads:
    def __init__(self, db: Database) -> None:
        self._collection = db[ACTING_LEADS]

    async def record(self, assignment_id: str, facts: Document, session: Session) -> None:
        await self._collection.update_one({"_id": assignment_id}, {"$setOnInsert": facts}, upsert=True, session=session)

    async def overlapping(self, person_id: str, first: date, last: date) -> list[Document]:
        """Assignments that ran on some day from `first` to `last` (ISO dates compare as strings)."""
        found = self._collection.find(
            {"person_id": person_id, "starts_on": {"$lte": last.isoformat()}, "ends_on": {"$gte": first.isoformat()}}
        )
        return await found.sort("starts_on", ASCENDING).to_list()
