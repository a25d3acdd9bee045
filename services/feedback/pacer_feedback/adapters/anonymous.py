"""Anonymous feedback: submissions, the release windows, the authors counted per window and the daily counters.

None of these stores who wrote a submission: authors and counters are keyed by a keyed hash, and the submissions
by random ids.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument

from pacer_shared.mongo import Database, Document, IndexPlan, Session

SUBMISSIONS = "anonymous_submissions"
DAILY_COUNTS = "anonymous_daily_counts"
AUTHORS = "anonymous_authors"
WINDOWS = "anonymous_windows"

INDEXES: IndexPlan = {
    SUBMISSIONS: [
        IndexModel([("subject_kind", ASCENDING), ("subject_id", ASCENDING), ("window", ASCENDING)], name="by_subject"),
        IndexModel("token_hash", unique=True, name="by_token"),
        IndexModel("replies_due_at", name="replies_due", sparse=True),
    ],
    DAILY_COUNTS: [IndexModel("expires_at", expireAfterSeconds=0, name="expiry")],
    AUTHORS: [
        IndexModel(
            [("subject_kind", ASCENDING), ("subject_id", ASCENDING), ("window", ASCENDING), ("released", ASCENDING)],
            name="by_subject",
        ),
        IndexModel("expires_at", expireAfterSeconds=0, name="expiry"),
    ],
    WINDOWS: [
        IndexModel("expires_at", expireAfterSeconds=0, name="expiry"),
        IndexModel("due_at", name="release_due", sparse=True),
    ],
}


class AnonymousFeedback:
    def __init__(self, db: Database) -> None:
        self._submissions = db[SUBMISSIONS]
        self._daily_counts = db[DAILY_COUNTS]
        self._authors = db[AUTHORS]
        self._windows = db[WINDOWS]

    # ------------------------------------------------------------ writing

    async def schedule_release(
        self, window_id: str, scope: Document, expires_at: datetime, due_at: datetime, session: Session
    ) -> None:
        await self._windows.update_one(
            {"_id": window_id},
            # `$set`, not `$setOnInsert`: windows written before releases were scheduled lack the scope.
            {"$set": scope, "$setOnInsert": {"expires_at": expires_at}, "$min": {"due_at": due_at}},
            upsert=True,
            session=session,
        )

    async def count_author(self, author_key: str, scope: Document, expires_at: datetime, session: Session) -> None:
        await self._authors.update_one(
            {"_id": author_key},
            {"$setOnInsert": {**scope, "released": False, "expires_at": expires_at}},
            upsert=True,
            session=session,
        )

    async def add_submission(self, document: Document, session: Session) -> None:
        await self._submissions.insert_one(document, session=session)

    async def count_today(self, rate_key: str, limit: int, expires_at: datetime) -> None:
        """Count one submission against a day's counter; a full counter raises DuplicateKeyError (the filter misses
        it and the upsert collides with it), as does another request creating the counter at the same moment."""
        await self._daily_counts.update_one(
            {"_id": rate_key, "count": {"$lt": limit}},
            {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": expires_at}},
            upsert=True,
        )

    # ------------------------------------------------------------ threads

    async def released(self, submission_id: str) -> Document | None:
        return await self._submissions.find_one({"_id": submission_id, "released": True})

    async def released_about(self, subject_kind: str, subject_id: str) -> list[Document]:
        return (
            await self._submissions.find(
                {"subject_kind": subject_kind, "subject_id": subject_id, "released": True},
                {"token_hash": 0, "pending_replies": 0, "replies_due_at": 0},
            )
            .sort("_id", ASCENDING)  # random ids: a stable order that says nothing about when each was written
            .to_list()
        )

    async def by_token(self, hashed: str) -> Document | None:
        return await self._submissions.find_one({"token_hash": hashed})

    async def append_to_thread(self, submission_id: str, entry: Document) -> bool:
        result = await self._submissions.update_one({"_id": submission_id}, {"$push": {"thread": entry}})
        return result.matched_count > 0

    async def queue_author_reply(self, hashed: str, entry: Document, due_at: datetime) -> bool:
        result = await self._submissions.update_one(
            {"token_hash": hashed},
            {"$push": {"pending_replies": entry}, "$min": {"replies_due_at": due_at}},
        )
        return result.matched_count > 0

    # ------------------------------------------------------------ releases

    async def windows_due(self, now: datetime, limit: int) -> list[str]:
        found = await self._windows.find({"due_at": {"$lte": now}}, {"_id": 1}).limit(limit).to_list()
        return [str(window["_id"]) for window in found]

    async def threads_due(self, now: datetime, limit: int) -> list[str]:
        found = await self._submissions.find({"replies_due_at": {"$lte": now}}, {"_id": 1}).limit(limit).to_list()
        return [str(submission["_id"]) for submission in found]

    async def take_due_window(self, window_id: str, now: datetime, session: Session) -> Document | None:
        """The window, taken out of the release index; None if another replica settled it."""
        return await self._windows.find_one_and_update(
            {"_id": window_id, "due_at": {"$lte": now}},
            {"$unset": {"due_at": ""}},
            return_document=ReturnDocument.BEFORE,
            session=session,
        )

    async def unreleased_authors(self, scope: Document, session: Session) -> int:
        return await self._authors.count_documents({**scope, "released": False}, session=session)

    async def unreleased(self, scope: Document, session: Session) -> list[Document]:
        return await self._submissions.find(
            {**scope, "released": False}, {"text": 1, "tags": 1}, session=session
        ).to_list()

    async def released_count(self, scope: Document, session: Session) -> int:
        return await self._submissions.count_documents({**scope, "released": True}, session=session)

    async def release(self, scope: Document, session: Session) -> None:
        unreleased = {**scope, "released": False}
        for collection in (self._submissions, self._authors):
            await collection.update_many(unreleased, {"$set": {"released": True}}, session=session)

    async def publish_replies(self, submission_id: str, now: datetime, session: Session) -> None:
        """Move an author's queued replies into the thread; nothing if another replica published them."""
        submission = await self._submissions.find_one(
            {"_id": submission_id, "replies_due_at": {"$lte": now}}, {"pending_replies": 1}, session=session
        )
        if submission is None:
            return
        await self._submissions.update_one(
            {"_id": submission_id},
            {
                "$push": {"thread": {"$each": submission.get("pending_replies", [])}},
                "$unset": {"pending_replies": "", "replies_due_at": ""},
            },
            session=session,
        )
