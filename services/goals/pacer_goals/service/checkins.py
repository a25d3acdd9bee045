"""Weekly check-ins: once a week per assistant with open goals, a summary of the week for the 1:1; the answer
goes to the manager, and an unanswered check-in gets one gentle reminder."""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections import Counter
from datetime import datetime, time, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo

from pacer_goals.domain.checkin import CheckIn
from pacer_goals.domain.goal import Goal
from pacer_goals.service.context import Goals
from pacer_shared.events.goals import GoalCheckInDue, WeekSummary
from pacer_shared.mongo import Document, Session
from pacer_shared.waiting import poll

WEEK = timedelta(days=7)


def next_checkin(after: datetime, zone: ZoneInfo, weekday: int, hour: int) -> datetime:
    """The next `weekday` at `hour` local time strictly after `after`."""
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, time(hour), tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(day + WEEK, time(hour), tzinfo=zone)
    return candidate.astimezone(after.tzinfo)


def first_checkin(goals: Goals, goal: Goal, now: datetime) -> datetime:
    return next_checkin(now, goal.zone, goals.settings.checkin_weekday, goals.settings.checkin_hour)


class CheckInWorker:
    def __init__(self, goals: Goals) -> None:
        self._goals = goals

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._goals.settings.deadline_poll_seconds * 5, "check-in worker")

    async def run_once(self) -> int:
        goals = self._goals
        now = goals.runtime.clock.now()
        due = await goals.repository.checkins.find({"next_due_at": {"$lte": now}}).limit(200).to_list()
        for schedule in due:
            with contextlib.suppress(_AlreadyDone):
                await goals.runtime.uow.run(functools.partial(self._check_in, schedule))
        reminders = await goals.checkins.reminders_due(now, 200)
        for checkin_id in reminders:
            await goals.runtime.uow.run(functools.partial(self._remind, checkin_id))
        return len(due) + len(reminders)

    async def _remind(self, checkin_id: str, session: Session) -> None:
        goals = self._goals
        checkin = await goals.checkins.get(checkin_id, session)
        if checkin is None:
            return
        checkin.remind(goals.runtime.clock.now())
        # Read and written in one transaction: a replica reminding at the same time conflicts and, on its retry,
        # finds the reminder sent.
        await goals.checkins.save(checkin, session)

    async def _check_in(self, schedule: Document, session: Session) -> None:
        goals, now = self._goals, self._goals.runtime.clock.now()
        owner_id = str(schedule["_id"])
        open_goals = await goals.repository.open_goals_for([owner_id], [], session)
        if not open_goals:
            await goals.repository.checkins.delete_one(
                {"_id": owner_id, "next_due_at": schedule["next_due_at"]}, session=session
            )
            return
        zone = open_goals[0].zone
        following = next_checkin(now, zone, goals.settings.checkin_weekday, goals.settings.checkin_hour)
        moved = await goals.repository.checkins.update_one(
            {"_id": owner_id, "next_due_at": schedule["next_due_at"]},
            {"$set": {"next_due_at": following}},
            session=session,
        )
        if moved.matched_count == 0:
            raise _AlreadyDone  # another replica sent this week's check-in
        await raise_checkin(goals, owner_id, open_goals, schedule["next_due_at"], session)


async def raise_checkin(
    goals: Goals, owner_id: str, open_goals: list[Goal], due_at: datetime, session: Session
) -> CheckIn:
    """A check-in on these open goals, with the week's activity, due at `due_at`: stored, and `GoalCheckInDue`
    published in the same transaction."""
    now = goals.runtime.clock.now()
    week_start = now - WEEK
    week = await goals.repository.activities.find(
        {"assistant_id": owner_id, "retracted": False, "occurred_at": {"$gte": week_start, "$lt": now}},
        {"kind": 1},
        session=session,
    ).to_list()
    kinds = Counter(str(document["kind"]) for document in week)
    summary = {
        goal.goal_id: WeekSummary(
            activity_counts=dict(kinds),
            progress=goal.actual,
            target=goal.target,
            expected_by_now=goal.expected_by(now),
        )
        for goal in open_goals
    }
    checkin = CheckIn(
        checkin_id=str(uuid.uuid4()),
        owner_id=owner_id,
        team_id=open_goals[0].team_id,
        week_start=week_start,
        due_at=due_at,
        remind_at=max(due_at, now) + timedelta(hours=goals.settings.checkin_reminder_hours),
        goal_titles={goal.goal_id: goal.title for goal in open_goals},
    )
    await goals.checkins.add(checkin, session)
    goals.runtime.uow.publish(
        session,
        GoalCheckInDue(
            owner_id=owner_id, week_start=week_start, goals=summary, checkin_id=checkin.checkin_id, due_at=due_at
        ),
    )
    return checkin


class _AlreadyDone(Exception):
    pass
