"""Reading goals: filtered, visible-to-you lists with cursor paging, history and the team dashboard."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pacer_goals.adapters.repository import goal_from_document, open_goals_of
from pacer_goals.domain.goal import Goal, GoalStatus
from pacer_goals.service.access import can_read_team_goals, ensure_can_read, visible_filter
from pacer_goals.service.context import Goals
from pacer_goals.service.progress import contributors
from pacer_goals.service.views import GoalView
from pacer_shared.auth import Principal, Role
from pacer_shared.events.goals import OwnerKind
from pacer_shared.mongo import Document
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.problems import Forbidden, NotFound


@dataclass(frozen=True)
class GoalFilter:
    owner_id: str | None = None
    team_id: str | None = None
    status: GoalStatus | None = None
    period_from: datetime | None = None
    period_to: datetime | None = None
    needs_miss_analysis: bool | None = None


async def list_goals(
    goals: Goals, principal: Principal, wanted: GoalFilter, cursor: str | None, limit: int
) -> tuple[list[Goal], str | None]:
    clauses: list[dict[str, Any]] = [await visible_filter(principal, goals.runtime.people)]
    if wanted.owner_id:
        clauses.append({"owner_id": wanted.owner_id})
    if wanted.team_id:
        clauses.append({"team_id": wanted.team_id})
    if wanted.status:
        clauses.append({"status": wanted.status.value})
    if wanted.period_from:
        clauses.append({"period_end": {"$gt": wanted.period_from}})
    if wanted.period_to:
        clauses.append({"period_start": {"$lt": wanted.period_to}})
    if wanted.needs_miss_analysis is not None:
        clauses.append({"needs_miss_analysis": wanted.needs_miss_analysis})
    if cursor:
        end, goal_id = decode_cursor(cursor)
        clauses.append({"$or": [{"period_end": {"$gt": end}}, {"period_end": end, "_id": {"$gt": goal_id}}]})
    found = goals.repository.goals.find({"$and": clauses}).sort([("period_end", 1), ("_id", 1)]).limit(limit + 1)
    documents = await found.to_list()
    page = [goal_from_document(d) for d in documents[:limit]]
    more = len(documents) > limit
    return page, encode_cursor(documents[limit - 1]["period_end"], documents[limit - 1]["_id"]) if more else None


PACE_SAMPLES = 48
"""Points of the pace curve drawn over a period: enough to show a weekend's flat stretch in a week."""
PROGRESS_POINTS = 500
"""Most points of the actual curve: a goal of thousands of activities keeps the last value of each slice."""


@dataclass(frozen=True)
class ProgressCurve:
    goal: Goal
    actual: list[tuple[datetime, Decimal]]
    """Cumulative progress after each counting activity, from the period's start (0) to now or the period's end."""
    pace: list[tuple[datetime, Decimal]]
    """What the goal's pace profile expects by each moment of the period."""


async def progress_curve(goals: Goals, principal: Principal, goal_id: str) -> ProgressCurve:
    """A goal's actual against its pace over its period, from the stored activities (as `actual` is counted)."""
    goal = await get_goal(goals, principal, goal_id)
    owners = await contributors(goals, goal.owner_kind, goal.owner_id, None)
    contributions = await goals.repository.contributions(owners, goal.metric, goal.period)
    now = min(goals.runtime.clock.now(), goal.period.end)
    running, actual = Decimal(0), [(goal.period.start, Decimal(0))]
    for moment, amount in contributions:
        running += amount
        actual.append((moment, running))
    actual.append((max(now, actual[-1][0]), running))
    step = goal.period.length / PACE_SAMPLES
    pace = [
        (moment, goal.pace.expected_by(moment))
        for moment in (goal.period.start + step * i for i in range(PACE_SAMPLES + 1))
    ]
    return ProgressCurve(goal, _thinned(actual, PROGRESS_POINTS), pace)


def _thinned(points: list[tuple[datetime, Decimal]], most: int) -> list[tuple[datetime, Decimal]]:
    if len(points) <= most:
        return points
    every = len(points) / most
    kept = [points[min(int((i + 1) * every) - 1, len(points) - 1)] for i in range(most)]
    return [points[0], *kept]


async def get_goal(goals: Goals, principal: Principal, goal_id: str) -> Goal:
    goal = await goals.repository.get(goal_id)
    if goal is None:
        raise NotFound(f"no goal {goal_id}")
    await ensure_can_read(principal, goal, goals.runtime.people)
    return goal


async def history(goals: Goals, principal: Principal, goal_id: str) -> list[Document]:
    await get_goal(goals, principal, goal_id)
    return await goals.repository.history_of(goal_id)


@dataclass(frozen=True)
class MemberProgress:
    person: Document
    goals: list[GoalView]
    checkin_overdue_since: datetime | None = None
    """Due time of the oldest weekly check-in still unanswered after its reminder."""


async def team_dashboard(
    goals: Goals, principal: Principal, team_id: str
) -> tuple[list[GoalView], list[MemberProgress]]:
    """The team's own goals and each assistant's open goals, for the team's lead, hr and admins; a manager with reports
    in a team someone else leads sees those reports only."""
    people = goals.runtime.people
    everyone = principal.has(Role.HR, Role.ADMIN)
    # The roster reads that do not depend on each other go out together: the dashboard is the console's first screen.
    members, leads = await asyncio.gather(
        people.assistants_in(team_id), _true() if everyone else people.leads(principal.subject, team_id)
    )
    if not leads:
        members = [m for m in members if m.get("manager_id") == principal.subject]
        if not members:
            raise Forbidden("the dashboard is for the team's lead, the managers of its members, hr and admins")
    team_ids = [team_id] if leads or await can_read_team_goals(principal, team_id, people) else []
    ids = [m["_id"] for m in members]
    open_goals, overdue = await asyncio.gather(
        goals.dashboard_goals.find(open_goals_of(ids, team_ids)), goals.checkins.overdue_owners(ids)
    )
    owned: dict[str, list[GoalView]] = defaultdict(list)
    team_goals = []
    for view in open_goals:
        if view.goal.owner_kind is OwnerKind.TEAM:
            team_goals.append(view)
        else:
            owned[view.goal.owner_id].append(view)
    rows = [
        MemberProgress(m, owned.get(m["_id"], []), overdue.get(m["_id"]))
        for m in sorted(members, key=lambda m: m["display_name"])
    ]
    return team_goals, rows


async def _true() -> bool:
    return True
