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

from pymongo.errors import PyMongoError

from pacer_feedback.domain.anonymity import next_release, release_day, theme_counts, window_bounds
from pacer_feedback.service.anonymous import SubjectKind, manager_of
from pacer_feedback.service.context import Feedback
from pacer_shared.events.feedback import AnonymousFeedbackPublished
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Session

log = get_logger(__name__)
CHUNK = 200


class ReleaseWorker:
    def __init__(self, feedback: Feedback) -> None:
        self._feedback = feedback
        self._settings = feedback.settings

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
        now = self._feedback.runtime.clock.now()
        windows = await self._feedback.anonymous.windows_due(now, CHUNK)
        for window_id in windows:
            await self._settle(self._release_window, window_id, now)
        replies = await self._feedback.anonymous.threads_due(now, CHUNK)
        for submission_id in replies:
            await self._settle(self._publish_replies, submission_id, now)
        if windows or replies:
            log.info("anonymous release done", windows=len(windows), threads=len(replies))
        return max(len(windows), len(replies))

    async def _settle(self, work: Callable[[str, datetime, Session], Awaitable[None]], key: str, now: datetime) -> None:
        """One window or thread in one transaction; one that fails is logged and tried again next round, without
        holding back the others."""
        try:
            await self._feedback.runtime.uow.run(functools.partial(work, key, now))
        except PyMongoError:
            raise
        except Exception:
            log.exception("anonymous release failed; retrying next round", key=key)

    async def _release_window(self, window_id: str, now: datetime, session: Session) -> None:
        """Release what waits once k people who had no part in an earlier release have written: no published
        aggregate ever rests on fewer than k authors, however many submissions one of them made. Below k the window
        leaves the index; the next submission puts it back."""
        anonymous = self._feedback.anonymous
        window = await anonymous.take_due_window(window_id, now, session)
        if window is None:
            return  # another replica settled it
        scope = {"subject_kind": window["subject_kind"], "subject_id": window["subject_id"], "window": window["window"]}
        if await anonymous.unreleased_authors(scope, session) < self._settings.anonymity_threshold:
            return
        batch = await anonymous.unreleased(scope, session)
        released = await anonymous.released_count(scope, session)
        await anonymous.release(scope, session)
        texts = [d["text"] for d in batch]
        random.SystemRandom().shuffle(texts)  # the order of a release says nothing about who wrote when
        start, end = window_bounds(window["window"])
        kind = SubjectKind(window["subject_kind"])
        self._feedback.runtime.uow.publish(
            session,
            AnonymousFeedbackPublished(
                subject_id=window["subject_id"],
                subject_kind=kind.value,
                window_start=start,
                window_end=end,
                submissions=released + len(batch),
                themes=theme_counts(tag for d in batch for tag in d["tags"]),
                texts=texts,
                manager_id=await manager_of(self._feedback, kind, window["subject_id"]),
                released_on=release_day(now, self._settings.organisation_zone),
            ),
        )

    async def _publish_replies(self, submission_id: str, now: datetime, session: Session) -> None:
        await self._feedback.anonymous.publish_replies(submission_id, now, session)

    def _until_next_release(self) -> float:
        """Seconds to the next scheduled release, at most the poll interval (a clock moved by a test, a missed
        round after an outage, are caught up within it)."""
        now = self._feedback.runtime.clock.now()
        zone = self._settings.organisation_zone
        wait = (next_release(now, self._settings.anonymous_release_hour, zone) - now).total_seconds()
        return min(wait, self._settings.release_poll_seconds)
