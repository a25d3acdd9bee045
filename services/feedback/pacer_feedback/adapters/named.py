"""Named feedback and 360 requests: their collections, indexes and repositories."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, DESCENDING, IndexModel

from pacer_shared.mongo import Database, Document, IndexPlan, Session
from pacer_shared.paging import newest_first_after

FEEDBACK = "feedback"
REQUESTS = "feedback_requests"

INDEXES: IndexPlan = {
    FEEDBACK: [
        IndexModel([("recipient_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)], name="inbox_pages"),
        IndexModel([("author_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)], name="sent_pages"),
        IndexModel([("request_id", ASCENDING)], name="by_request", sparse=True),
    ],
    REQUESTS: [IndexModel([("about_id", ASCENDING)], name="by_subject")],
}
RETIRED_INDEXES = {FEEDBACK: ["inbox", "sent"]}
"""(person, created_at) before the id that breaks ties between pages joined them."""


class NamedFeedback:
    """Feedback with a name on it, with its thread of replies."""

    def __init__(self, db: Database) -> None:
        self._collection = db[FEEDBACK]

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def get(self, feedback_id: str) -> Document | None:
        return await self._collection.find_one({"_id": feedback_id})

    async def add_reply(self, feedback_id: str, entry: Document) -> None:
        await self._collection.update_one({"_id": feedback_id}, {"$push": {"replies": entry}})

    async def received(self, person_id: str, after: str | None, limit: int) -> list[Document]:
        """Newest first, `limit` of them from the one after the cursor `after`."""
        return await self._newest({"recipient_id": person_id}, after, limit)

    async def sent(self, person_id: str, after: str | None, limit: int) -> list[Document]:
        return await self._newest({"author_id": person_id}, after, limit)

    async def _newest(self, wanted: Document, after: str | None, limit: int) -> list[Document]:
        found = self._collection.find({"$and": [wanted, newest_first_after(after, "created_at")]})
        return await found.sort([("created_at", -1), ("_id", -1)]).limit(limit).to_list()

    async def tags_received(self, person_id: str, since: datetime, until: datetime) -> list[str]:
        found = self._collection.find(
            {"recipient_id": person_id, "created_at": {"$gte": since, "$lt": until}}, {"tags": 1}
        )
        return [tag for document in await found.to_list() for tag in document.get("tags", [])]

    async def responses_to(self, request_id: str) -> list[Document]:
        return await self._collection.find({"request_id": request_id}).to_list()

    async def has_responded(self, request_id: str, author_id: str) -> bool:
        return bool(await self._collection.count_documents({"request_id": request_id, "author_id": author_id}))


class FeedbackRequests:
    """Requests for 360 feedback and who has responded to each."""

    def __init__(self, db: Database) -> None:
        self._collection = db[REQUESTS]

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def get(self, request_id: str) -> Document | None:
        return await self._collection.find_one({"_id": request_id})

    async def note_response(self, request_id: str, respondent_id: str, session: Session) -> bool:
        """Whether this is the respondent's first response (two sent at once both write the request, so one runs
        again and finds the other)."""
        responded = await self._collection.update_one(
            {"_id": request_id, "responded_by": {"$ne": respondent_id}},
            {"$addToSet": {"responded_by": respondent_id}},
            session=session,
        )
        return responded.matched_count > 0
