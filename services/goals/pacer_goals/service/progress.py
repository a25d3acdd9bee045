"""Sales activities move goals: one transaction per consumed batch, one GoalProgressed per goal per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pacer_goals.domain.activities import ActivityState, on_recorded, on_retracted, unknown_currency
from pacer_goals.domain.goal import Goal
from pacer_goals.domain.metric import measure
from pacer_goals.service.context import Goals
from pacer_shared.consumer import RejectedEvent
from pacer_shared.events import Event
from pacer_shared.events.goals import OwnerKind
from pacer_shared.events.sales import SalesActivity, SalesActivityRecorded
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Session

log = get_logger(__name__)


async def apply_sales_activity(goals: Goals, events: Sequence[Event[SalesActivity]], session: Session) -> None:
    for event in events:
        if reason := unknown_currency(event.data):
            raise RejectedEvent(event.id, reason)
    repository, now = goals.repository, goals.runtime.clock.now()
    stored = await repository.activity_states([e.data.activity_id for e in events], session)
    states = dict(stored)
    changed: dict[str, ActivityState] = {}
    moves: list[tuple[SalesActivityRecorded, int]] = []
    for event in events:
        data = event.data
        if isinstance(data, SalesActivityRecorded):
            state, sign = on_recorded(states.get(data.activity_id), data)
        else:
            state, sign = on_retracted(states.get(data.activity_id), data)
        if state is not states.get(state.activity_id):  # a duplicate changes nothing and is not written again
            states[state.activity_id] = changed[state.activity_id] = state
            if state.retraction_names_another_assistant and state.recorded is not None:
                # The activity id is the producer's own key: the retraction still applies, to the activity's owner.
                log.warning(
                    "a retraction named another assistant than its activity's",
                    event_id=event.id,
                    activity_id=state.activity_id,
                    retraction_assistant_id=state.retraction_assistant_id,
                    assistant_id=state.recorded.assistant_id,
                )
        if sign and state.recorded is not None:
            moves.append((state.recorded, sign))
    await repository.save_activities(changed.values(), stored.keys(), session)
    if moves:
        touched = await _move_goals(goals, moves, now, session)
        await _save(goals, touched, now, session)


async def _move_goals(
    goals: Goals, moves: list[tuple[SalesActivityRecorded, int]], now: datetime, session: Session
) -> list[Goal]:
    repository = goals.repository
    assistants = {activity.assistant_id for activity, _ in moves}
    teams = await repository.team_of_for_update(assistants, session)
    earliest = min(activity.occurred_at for activity, _ in moves)
    candidates = await repository.goals_overlapping(assistants, {t for t in teams.values() if t}, earliest, session)
    owned: dict[tuple[OwnerKind, str], list[Goal]] = defaultdict(list)
    for goal in candidates:
        owned[goal.owner_kind, goal.owner_id].append(goal)
    touched: dict[str, Goal] = {}
    for activity, sign in moves:
        team = teams.get(activity.assistant_id)
        mine = owned.get((OwnerKind.ASSISTANT, activity.assistant_id), [])
        theirs = owned.get((OwnerKind.TEAM, team), []) if team else []
        for goal in (*mine, *theirs):
            if not goal.period.contains(activity.occurred_at):
                continue
            amount = measure(goal.metric, activity)
            if amount is not None:
                goal.contribute(sign * amount, sign, now, activity.activity_id)
                touched[goal.goal_id] = goal
    return list(touched.values())


async def _save(goals: Goals, touched: list[Goal], now: datetime, session: Session) -> None:
    for goal in touched:
        goal.announce_progress(now)
    await goals.repository.save(touched, now, session)


async def recount_team_goals(goals: Goals, team_ids: set[str], session: Session) -> None:
    """Team membership changed: recompute those teams' open goals from the stored activities."""
    touched = await goals.repository.open_goals_for([], team_ids, session)
    for goal in touched:
        await recount(goals, goal, session)
    await _save(goals, touched, goals.runtime.clock.now(), session)


async def contributors(goals: Goals, owner_kind: OwnerKind, owner_id: str, session: Session | None) -> list[str]:
    """The assistants whose activities count toward a goal of this owner."""
    if owner_kind is OwnerKind.ASSISTANT:
        return [owner_id]
    return await goals.repository.members_of(owner_id, session)


async def recount_and_announce(goals: Goals, goal: Goal, session: Session) -> None:
    """Recount a goal whose period or target just changed or began (set mid-period, the next period of a recurring
    goal, an applied adjustment), and announce its progress if the stored activities moved it: GoalSet carries
    none, and projections learn it from GoalProgressed."""
    await recount(goals, goal, session)
    goal.announce_progress(goals.runtime.clock.now())


async def recount(goals: Goals, goal: Goal, session: Session) -> None:
    """Recompute a goal's progress from the stored activities (the source of truth).

    A batch of sales being credited meanwhile cannot see this goal's change (a goal being set, activated, opened
    for its next period or moved), nor this count the batch: both would commit and the batch would count for
    neither. Writing each contributor's membership first, as crediting does, makes the later of the two
    transactions conflict and run again.
    """
    owners = await contributors(goals, goal.owner_kind, goal.owner_id, session)
    await goals.repository.lock_memberships(owners, session)
    actual, count = await goals.repository.totals(owners, goal.metric, goal.period, session)
    goal.recount(actual, count, goals.runtime.clock.now())
