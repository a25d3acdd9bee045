"""The scheduled release: anonymous results and authors' replies come out at a fixed hour of the organisation's day.

Released inside the k-th author's request, results (and the notice, the review's release time, the aggregates)
would time that author to the millisecond; an author's reply shown at once would time their visit. Here both wait
for the same daily moment, and whatever is dated is dated by the day.

Work is read from indexes of what is due (`due_at` on a subject's window, `replies_due_at` on a submission), so
a run costs what is due, not what is stored. Each window is settled by one transaction that first takes it off the
index: replicas that reach the same window at once conflict, one retries, finds nothing due and moves on, so
nothing is released twice and no lease is needed for correctness.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from pacer_feedback.domain.anonymity import next_release, release_day, theme_counts, window_bounds
from pacer_feedback.service.anonymous import AUTHORS, SUBMISSIONS, WINDOWS, SubjectKind, manager_of
from pacer_feedback.settings import FeedbackSettings
from pacer_shared.events.feedback import AnonymousFeedbackPublished
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Session
from pacer_shared.service import Runtime

log = get_logger(__name__)
CHUNK = 200


class ReleaseWorker:
    def __init__(self, runtime: Runtime, settings: FeedbackSettings) -> None:
        self._runtime = runtime
        self._settings = settings

    async def run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except PyMongoError as error:
                log.warning("anonymous release cannot reach MongoDB; retrying", error=str(error))
                handled = 0
            if handled < CHUNK:
                await asyncio.sleep(self._until_next_release())

    async def run_once(self) -> int:
        """Release every window and every author's reply that is due; how many were looked at."""
        now = self._runtime.clock.now()
        db = self._runtime.db
        windows = await db[WINDOWS].find({"due_at": {"$lte": now}}, {"_id": 1}).limit(CHUNK).to_list()
        for window in windows:
            await self._settle(self._release_window, str(window["_id"]), now)
        replies = await db[SUBMISSIONS].find({"replies_due_at": {"$lte": now}}, {"_id": 1}).limit(CHUNK).to_list()
        for submission in replies:
            await self._settle(self._publish_replies, str(submission["_id"]), now)
        if windows or replies:
            log.info("anonymous release done", windows=len(windows), threads=len(replies))
        return max(len(windows), len(replies))

    async def _settle(self, work: Callable[[str, datetime, Session], Awaitable[None]], key: str, now: datetime) -> None:
        """One window or thread in one transaction; one that fails is logged and tried again next round, without
        holding back the others."""
        try:
            await self._runtime.uow.run(functools.partial(work, key, now))
        except PyMongoError:
            raise
        except Exception:
            log.exception("anonymous release failed; retrying next round", key=key)

    async def _release_window(self, window_id: str, now: datetime, session: Session) -> None:
        """Release what waits once k people who had no part in an earlier release have written: no published
        aggregate ever rests on fewer than k authors, however many submissions one of them made. Below k the window
        leaves the index; the next submission puts it back."""
        db = self._runtime.db
        window = await db[WINDOWS].find_one_and_update(
            {"_id": window_id, "due_at": {"$lte": now}},
            {"$unset": {"due_at": ""}},
            return_document=ReturnDocument.BEFORE,
            session=session,
        )
        if window is None:
            return  # another replica settled it
        query = {"subject_kind": window["subject_kind"], "subject_id": window["subject_id"], "window": window["window"]}
        unreleased = {**query, "released": False}
        if await db[AUTHORS].count_documents(unreleased, session=session) < self._settings.anonymity_threshold:
            return
        batch = await db[SUBMISSIONS].find(unreleased, {"text": 1, "tags": 1}, session=session).to_list()
        released = await db[SUBMISSIONS].count_documents({**query, "released": True}, session=session)
        for collection in (SUBMISSIONS, AUTHORS):
            await db[collection].update_many(unreleased, {"$set": {"released": True}}, session=session)
        texts = [d["text"] for d in batch]
        random.SystemRandom().shuffle(texts)  # the order of a release says nothing about who wrote when
        start, end = window_bounds(window["window"])
        kind = SubjectKind(window["subject_kind"])
        await self._runtime.outbox.add(
            session,
            AnonymousFeedbackPublished(
                subject_id=window["subject_id"],
                subject_kind=kind.value,
                window_start=start,
                window_end=end,
                submissions=released + len(batch),
                themes=theme_counts(tag for d in batch for tag in d["tags"]),
                texts=texts,
                manager_id=await manager_of(self._runtime, kind, window["subject_id"]),
                released_on=release_day(now, self._settings.organisation_zone),
            ),
        )

    async def _publish_replies(self, submission_id: str, now: datetime, session: Session) -> None:
        db = self._runtime.db
        submission = await db[SUBMISSIONS].find_one(
            {"_id": submission_id, "replies_due_at": {"$lte": now}}, {"pending_replies": 1}, session=session
        )
        if submission is None:
            return  # another replica published them
        await db[SUBMISSIONS].update_one(
            {"_id": submission_id},
            {
                "$push": {"thread": {"$each": submission.get("pending_replies", [])}},
                "$unset": {"pending_replies": "", "replies_due_at": ""},
            },
            session=session,
        )

    def _until_next_release(self) -> float:
        """Seconds to the next scheduled release, at most the poll interval (a clock moved by a test, a missed
        round after an outage, are caught up within it)."""
        now = self._runtime.clock.now()
        zone = self._settings.organisation_zone
        wait = (next_release(now, self._settings.anonymous_release_hour, zone) - now).total_seconds()
        return min(wait, self._settings.release_poll_seconds)
