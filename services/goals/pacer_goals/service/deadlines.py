"""The deadline worker: at-risk warnings as pace slips, and the outcome at each period's end.

It reads only goals whose `next_due_at` has come (an index), so its cost grows with what
is due, not with how many goals exist. Every replica runs it; a goal's version check in
the same transaction as its events means each outcome is called exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from datetime import datetime

from prometheus_client import Gauge
from pymongo.errors import PyMongoError

from pacer_goals.adapters.repository import ConcurrentGoalChange
from pacer_goals.service.checkins import first_checkin
from pacer_goals.service.context import Goals
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Session

log = get_logger(__name__)
BATCH = 200
DEADLINE_LAG = Gauge(
    "pacer_goals_deadline_lag_seconds",
    "How late the deadline worker reached the oldest goal due for an at-risk check or its deadline (0: none waited)",
)


class DeadlineWorker:
    def __init__(self, goals: Goals) -> None:
        self._goals = goals

    async def run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except PyMongoError as error:
                log.warning("deadline worker cannot reach MongoDB; retrying", error=str(error))
                handled = 0
            if handled < BATCH:
                await self._sleep()

    async def run_once(self) -> int:
        now = self._goals.runtime.clock.now()
        earliest = await self._goals.repository.earliest_due()
        DEADLINE_LAG.set(0.0 if earliest is None else max(_seconds_until(now, earliest), 0.0))
        due = await self._goals.repository.due(now, BATCH)
        for goal in due:
            with contextlib.suppress(ConcurrentGoalChange):  # another replica handled it first
                await self._goals.runtime.uow.run(functools.partial(self._handle, goal.goal_id))
        return len(due)

    async def _handle(self, goal_id: str, session: Session) -> None:
        goals = self._goals
        now = goals.runtime.clock.now()
        goal = await goals.repository.get(goal_id, session)
        if goal is None:
            return
        goal.review_pace(now)
        successor = goal.close(now)
        changed = [goal] if successor is None else [goal, successor]
        await goals.repository.save(changed, now, session)
        await goals.runtime.outbox.add(session, *[event for g in changed for event in g.events])
        if successor is not None and successor.owner_kind == "assistant":
            await goals.repository.schedule_checkin(successor.owner_id, first_checkin(goals, successor, now), session)
        if goal.events:
            log.info("deadline work done", goal_id=goal_id, events=[e.event_type for e in goal.events])

    async def _sleep(self) -> None:
        goals = self._goals
        ceiling = goals.settings.deadline_poll_seconds
        earliest = await goals.repository.earliest_due()
        delay = ceiling if earliest is None else _seconds_until(earliest, goals.runtime.clock.now())
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(goals.deadlines_changed.wait(), max(0.0, min(delay, ceiling)))
        goals.deadlines_changed.clear()


def _seconds_until(moment: datetime, now: datetime) -> float:
    return (moment - now).total_seconds()
