"""The weekly check-ins assistants answered (GoalCheckInRecorded), for the 1:1 agenda of their week."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel

from pacer_shared.events.goals import GoalCheckInRecorded
from pacer_shared.mongo import Database, Document, IndexPlan, Session

CHECKINS = "checkins_answered"

INDEXES: IndexPlan = {CHECKINS: [IndexModel([("owner_id", ASCENDING), ("due_at", ASCENDING)], name="by_owner")]}


class AnsweredCheckIns:
    def __init__(self, db: Database) -> None:
        self._collection = db[CHECKINS]

    async def record(self, answered: GoalCheckInRecorded, session: Session) -> None:
        """Keyed by the check-in: it is answered once, so a redelivery changes nothing."""
        document = answered.model_dump(mode="python", exclude={"checkin_id"})
        await self._collection.update_one(
            {"_id": answered.checkin_id}, {"$setOnInsert": document}, upsert=True, session=session
        )

    async def latest_due_in(self, person_id: str, start: datetime, end: datetime) -> Document | None:
        """The check-in of the week, answered: the latest falling due inside it."""
        found = self._collection.find({"owner_id": person_id, "due_at": {"$gte": start, "$lt": end}})
        latest = await found.sort("due_at", DESCENDING).limit(1).to_list()
        return latest[0] if latest else None
