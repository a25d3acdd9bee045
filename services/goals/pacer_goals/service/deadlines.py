"""The deadline worker: at-risk warnings as pace slips, and the outcome at each period's end.

It reads only goals whose `next_due_at` has come (an index), so its cost grows with what
is due, not with how many goals exist. Due goals are claimed in chunks under a short lease
(so replicas split the work instead of racing for it, and a replica that dies mid-chunk
only delays its chunk until the lease runs out) and each chunk is called in one
transaction with its events. A goal changed by anyone else after the claim is no longer
claimed, so it waits for the next round; the version check in the transaction settles
the rest, and each outcome is called exactly once.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from prometheus_client import Gauge
from pymongo.errors import PyMongoError

from pacer_goals.adapters.repository import ConcurrentGoalChange
from pacer_goals.domain.goal import Goal
from pacer_goals.service.checkins import first_checkin
from pacer_goals.service.context import Goals
from pacer_goals.service.progress import recount_and_announce
from pacer_shared.events.goals import OwnerKind
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Session
from pacer_shared.waiting import wake_or_timeout

log = get_logger(__name__)
CHUNK = 500
LEASE = timedelta(seconds=30)
DEADLINE_LAG = Gauge(
    "pacer_goals_deadline_lag_seconds",
    "How late the deadline worker reached the oldest goal due for an at-risk check or its deadline (0: none waited)",
)


class DeadlineWorker:
    def __init__(self, goals: Goals) -> None:
        self._goals = goals
        self._owner = uuid.uuid4().hex

    async def run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except PyMongoError as error:
                log.warning("deadline worker cannot reach MongoDB; retrying", error=str(error))
                handled = 0
            if handled < CHUNK:
                await self._sleep()

    async def run_once(self) -> int:
        """Claim up to a chunk of due goals and call them; the number claimed."""
        goals = self._goals
        now = goals.runtime.clock.now()
        oldest = await goals.repository.earliest_due(now)
        DEADLINE_LAG.set(0.0 if oldest is None else _seconds_until(now, oldest))
        claimed = await goals.repository.claim_due(now, CHUNK, self._owner, LEASE)
        if not claimed:
            return 0
        try:
            await goals.runtime.uow.run(functools.partial(self._handle, claimed))
        except PyMongoError:
            raise
        except Exception as error:
            # One goal the domain cannot close must not hold back the others: call them one by one.
            log.error("deadline chunk failed; retrying goal by goal", error=repr(error), goals=len(claimed))
            for goal_id in claimed:
                try:
                    await goals.runtime.uow.run(functools.partial(self._handle, [goal_id]))
                except ConcurrentGoalChange:
                    continue  # changed by another writer since the claim: the next round sees it
                except PyMongoError:
                    raise
                except Exception:
                    log.exception("deadline work failed on goal", goal_id=goal_id)
        return len(claimed)

    async def _handle(self, goal_ids: Sequence[str], session: Session) -> None:
        goals = self._goals
        now = goals.runtime.clock.now()
        changed: list[Goal] = []
        checkins: dict[str, datetime] = {}
        for goal in await goals.repository.claimed(goal_ids, self._owner, now, session):
            goal.review_pace(now)
            successor = goal.close(now)
            changed.append(goal)
            if successor is not None:
                # Activities dated in the new period may already be stored: nothing counted them without a goal.
                await recount_and_announce(goals, successor, session)
                changed.append(successor)
                if successor.owner_kind is OwnerKind.ASSISTANT:
                    checkins.setdefault(successor.owner_id, first_checkin(goals, successor, now))
        await goals.repository.save(changed, now, session)
        await goals.repository.schedule_checkins(checkins, session)
        called = sum(1 for g in changed if g.events)
        if called:
            log.info("deadline work done", goals=len(changed), with_events=called)

    async def _sleep(self) -> None:
        goals = self._goals
        ceiling = goals.settings.deadline_poll_seconds
        now = goals.runtime.clock.now()
        earliest = await goals.repository.earliest_due(now + timedelta(seconds=ceiling), claimable=True)
        delay = ceiling if earliest is None else _seconds_until(earliest, now)
        await wake_or_timeout(goals.deadlines_changed, min(delay, ceiling))


def _seconds_until(moment: datetime, now: datetime) -> float:
    return (moment - now).total_seconds()
