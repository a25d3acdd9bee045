"""MongoDB storage of goals, their history, activities and check-in schedules."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pymongo import ASCENDING, DESCENDING, IndexModel, InsertOne, ReplaceOne, UpdateOne

from pacer_goals.domain.activities import ActivityState
from pacer_goals.domain.goal import Adjustment, Goal, GoalStatus, MissAnalysis
from pacer_goals.domain.growth import Baseline, ResolvedGrowth
from pacer_goals.domain.metric import measure
from pacer_goals.domain.pace import PaceProfile
from pacer_goals.domain.periods import Period
from pacer_shared.events.goals import GoalMetric, OwnerKind, Recurrence
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.mongo import Database, Document, IndexPlan, Session, microseconds
from pacer_shared.unit_of_work import UnitOfWork

GOALS = "goals"
HISTORY = "goal_history"
ACTIVITIES = "activities"
MEMBERSHIPS = "memberships"
CHECKINS = "checkin_schedule"
WEEKLY_CHECKINS = "weekly_checkins"

OPEN = [GoalStatus.ACTIVE.value, GoalStatus.ACHIEVED.value]
OPEN_NOW: Document = {"status": {"$in": OPEN}, "closed_at": None}
"""Goals still counting toward their period (`Goal.is_open`): a goal achieved early keeps its status when its
period ends and is closed, so the status alone also matches every goal ever achieved."""

INDEXES: IndexPlan = {
    GOALS: [
        IndexModel([("owner_id", ASCENDING), ("status", ASCENDING)], name="by_owner"),
        IndexModel([("team_id", ASCENDING), ("status", ASCENDING)], name="by_team"),
        IndexModel([("status", ASCENDING), ("period_end", ASCENDING), ("_id", ASCENDING)], name="by_status_end"),
        # The deadline worker reads only what is due: cost grows with due goals, not with all goals.
        IndexModel([("next_due_at", ASCENDING)], name="due", sparse=True),
    ],
    HISTORY: [IndexModel([("goal_id", ASCENDING), ("at", ASCENDING)], name="by_goal")],
    ACTIVITIES: [IndexModel([("assistant_id", ASCENDING), ("occurred_at", DESCENDING)], name="by_assistant")],
    CHECKINS: [IndexModel([("next_due_at", ASCENDING)], name="due")],
    WEEKLY_CHECKINS: [
        IndexModel([("owner_id", ASCENDING), ("due_at", DESCENDING)], name="by_owner"),
        # The reminder work reads only the check-ins whose reminder is due; answered or reminded ones drop out.
        IndexModel([("remind_at", ASCENDING)], name="reminder_due", sparse=True),
    ],
}


class GoalRepository:
    """Goals and what moves them; a saved goal's new events commit with it through the unit of work."""

    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self._uow = uow
        self.goals = db[GOALS]
        self.history = db[HISTORY]
        self.activities = db[ACTIVITIES]
        self.memberships = db[MEMBERSHIPS]
        self.checkins = db[CHECKINS]

    # ------------------------------------------------------------ goals

    async def get(self, goal_id: str, session: Session | None = None) -> Goal | None:
        document = await self.goals.find_one({"_id": goal_id}, session=session)
        return goal_from_document(document) if document else None

    async def open_goals_for(
        self, owner_ids: Iterable[str], team_ids: Iterable[str], session: Session | None = None
    ) -> list[Goal]:
        """Open assistant goals of these owners and open team goals of these teams."""
        found = self.goals.find(open_goals_of(owner_ids, team_ids), session=session)
        return [goal_from_document(d) async for d in found]

    async def find(self, query: Document) -> list[Goal]:
        return [goal_from_document(d) async for d in self.goals.find(query)]

    async def stamps(self, query: Document) -> list[tuple[str, Stamp]]:
        """Each matching goal's id and stamp: what changes whenever the goal does (see `stamp_of`)."""
        found = self.goals.find(query, {"version": 1, "created_at": 1})
        return [(d["_id"], (d["version"], d["created_at"])) async for d in found]

    async def goals_overlapping(
        self, owner_ids: Iterable[str], team_ids: Iterable[str], since: datetime, session: Session | None = None
    ) -> list[Goal]:
        """Counting goals (open, or closed and open to late corrections) of these owners ending after `since`."""
        query = {
            "$or": _owned_by(owner_ids, team_ids),
            "status": {"$in": [*OPEN, GoalStatus.MISSED.value]},
            "period_end": {"$gt": since},
        }
        return [goal_from_document(d) async for d in self.goals.find(query, session=session)]

    async def claim_due(self, now: datetime, limit: int, owner: str, lease: timedelta) -> list[str]:
        """Claim up to `limit` goals due by `now` that no live lease holds; the ids claimed.

        The claim lives on the goal document and disappears with the goal's next write.
        Leases use the wall clock, never the injectable domain clock that tests move.
        """
        wall = datetime.now(UTC)
        free = {"next_due_at": {"$lte": now}, **_unclaimed(wall)}
        cursor = self.goals.find(free, {"_id": 1}).sort("next_due_at", ASCENDING).limit(limit)
        candidates = [d["_id"] async for d in cursor]
        if not candidates:
            return []
        await self.goals.update_many(
            {**free, "_id": {"$in": candidates}}, {"$set": {"claimed_by": owner, "claimed_until": wall + lease}}
        )
        return [d["_id"] async for d in self.goals.find({"_id": {"$in": candidates}, "claimed_by": owner}, {"_id": 1})]

    async def claimed(self, goal_ids: Sequence[str], owner: str, now: datetime, session: Session) -> list[Goal]:
        """The claimed goals still due and still claimed by `owner` (an intervening write drops the claim)."""
        query = {"_id": {"$in": list(goal_ids)}, "claimed_by": owner, "next_due_at": {"$lte": now}}
        return [goal_from_document(d) async for d in self.goals.find(query, session=session)]

    async def earliest_due(self, until: datetime, claimable: bool = False) -> datetime | None:
        """The earliest `next_due_at` up to `until`, or None; with `claimable`, among goals no live lease holds.

        Bounded on purpose: an open-ended range over the index costs time in proportion to every goal
        with a due date on some MongoDB-compatible servers, even with a limit (bench/PERFORMANCE.md).
        """
        query: Document = {"next_due_at": {"$lte": until}}
        if claimable:  # a goal another worker holds is not this one's to wait for: it would wake it at once, again
            query |= _unclaimed(datetime.now(UTC))
        document = await self.goals.find_one(query, {"next_due_at": 1}, sort=[("next_due_at", ASCENDING)])
        return document["next_due_at"] if document else None

    async def save(self, goals: Sequence[Goal], now: datetime, session: Session) -> None:
        """Write goals (optimistically: a concurrent writer's change makes this transaction retry) and stage their
        new events with them."""
        if not goals:
            return
        self._uow.track(session, *goals)
        writes: list[ReplaceOne[Document] | UpdateOne] = []
        documents = []
        for goal in goals:
            document = goal_to_document(goal, now)
            documents.append(document)
            if goal.version == 0:
                writes.append(ReplaceOne({"_id": goal.goal_id}, document, upsert=True))
            else:
                update = _changes(goal.stored, document)
                writes.append(UpdateOne({"_id": goal.goal_id, "version": goal.version}, update))
        result = await self.goals.bulk_write(writes, session=session, ordered=False)
        if result.matched_count + result.upserted_count != len(writes):
            raise ConcurrentGoalChange("a goal changed while it was being updated; retrying")
        # Built by hand: dataclasses.asdict deep-copies every entry, which dominated bulk saves.
        entries = [
            {"goal_id": goal.goal_id, "at": entry.at, "kind": entry.kind, "by": entry.by, "details": entry.details}
            for goal in goals
            for entry in goal.new_history
        ]
        if entries:
            await self.history.insert_many(entries, session=session)
        for goal, document in zip(goals, documents, strict=True):
            goal.version += 1
            goal.stored = document
            goal.new_history.clear()

    async def history_of(self, goal_id: str) -> list[Document]:
        return await self.history.find({"goal_id": goal_id}, {"_id": 0}).sort("at", ASCENDING).to_list()

    # ------------------------------------------------------------ activities

    async def activity_states(self, activity_ids: Iterable[str], session: Session) -> dict[str, ActivityState]:
        found = self.activities.find({"_id": {"$in": sorted(set(activity_ids))}}, session=session)
        return {d["_id"]: activity_from_document(d) async for d in found}

    async def save_activities(self, states: Iterable[ActivityState], stored: Collection[str], session: Session) -> None:
        """Insert new activities and replace changed ones (`stored`: the ids already in the database).

        Plain inserts cost the database far less than upserts; an activity another replica
        inserted meanwhile fails the insert, and the consumer re-reads and retries the batch.
        """
        writes: list[InsertOne[Document] | ReplaceOne[Document]] = [
            ReplaceOne({"_id": s.activity_id}, activity_to_document(s))
            if s.activity_id in stored
            else InsertOne(activity_to_document(s))
            for s in states
        ]
        if writes:
            await self.activities.bulk_write(writes, session=session, ordered=False)

    async def totals(
        self, owner_ids: Sequence[str], metric: GoalMetric, period: Period, session: Session | None = None
    ) -> tuple[Decimal, int]:
        """Progress recomputed from stored activities: the source of truth for a goal's `actual`."""
        amounts = [amount for _, amount in await self.contributions(owner_ids, metric, period, session)]
        return sum(amounts, Decimal(0)), len(amounts)

    async def contributions(
        self, owner_ids: Sequence[str], metric: GoalMetric, period: Period, session: Session | None = None
    ) -> list[tuple[datetime, Decimal]]:
        """What each counting activity of the period added, by when it happened, oldest first."""
        query = {
            "assistant_id": {"$in": list(owner_ids)},
            "kind": {"$in": metric.kinds},
            "retracted": False,
            "recorded": {"$ne": None},
            "occurred_at": {"$gte": period.start, "$lt": period.end},
        }
        found = []
        async for document in self.activities.find(query, session=session):
            state = activity_from_document(document)
            if state.recorded is not None and (amount := measure(metric, state.recorded)) is not None:
                found.append((state.recorded.occurred_at, amount))
        return sorted(found, key=lambda contribution: contribution[0])

    # ------------------------------------------------------------ membership and check-ins

    async def team_of(self, person_ids: Iterable[str], session: Session | None = None) -> dict[str, str | None]:
        found = self.memberships.find({"_id": {"$in": sorted(set(person_ids))}}, session=session)
        return {d["_id"]: d.get("team_id") async for d in found}

    async def team_of_for_update(self, person_ids: Iterable[str], session: Session) -> dict[str, str | None]:
        """Each person's team, read so that a concurrent change of it conflicts with this transaction.

        Under snapshot isolation two transactions that write different documents both commit. Crediting a batch
        of activities to the team each assistant was in, while a roster change moves one of them and recounts
        both teams from the activities it can see, would then leave those activities counted by the wrong team
        or by none. Writing each person's membership first (as SELECT ... FOR UPDATE locks a row) makes the later
        of the two transactions fail with a write conflict and run again once the other has committed.
        """
        ids = sorted(set(person_ids))
        await self.lock_memberships(ids, session)
        return await self.team_of(ids, session)

    async def lock_memberships(self, person_ids: Iterable[str], session: Session) -> None:
        """Write these people's membership documents, so that a concurrent writer of any of them conflicts."""
        touch = [UpdateOne({"_id": p}, {"$inc": {"credited_batches": 1}}, upsert=True) for p in sorted(set(person_ids))]
        if touch:
            await self.memberships.bulk_write(touch, ordered=False, session=session)

    async def members_of(self, team_id: str, session: Session | None = None) -> list[str]:
        return [d["_id"] async for d in self.memberships.find({"team_id": team_id}, {"_id": 1}, session=session)]

    async def set_team(
        self, person_id: str, team_id: str | None, as_of: datetime, session: Session
    ) -> tuple[str | None, str | None]:
        """Record a person's team as of a roster event: (the team before, the team after). An event older than the
        one recorded (a redriven dead letter, a replica's late publish) changes nothing."""
        at = microseconds(as_of)
        newer = {"$lte": ["$team_as_of_us", at]}  # a missing time sorts first: the first record always applies
        before = await self.memberships.find_one_and_update(
            {"_id": person_id},
            [
                {
                    "$set": {
                        "team_id": {"$cond": [newer, team_id, "$team_id"]},
                        "team_as_of_us": {"$cond": [newer, at, "$team_as_of_us"]},
                    }
                }
            ],
            upsert=True,
            session=session,
        )
        previous = before.get("team_id") if before else None
        applies = before is None or before.get("team_as_of_us", at) <= at
        return previous, team_id if applies else previous

    async def schedule_checkin(self, owner_id: str, due: datetime, session: Session) -> None:
        await self.schedule_checkins({owner_id: due}, session)

    async def schedule_checkins(self, due: Mapping[str, datetime], session: Session) -> None:
        """Start weekly check-ins for these owners unless they already have them."""
        writes = [
            UpdateOne({"_id": owner}, {"$setOnInsert": {"next_due_at": at}}, upsert=True) for owner, at in due.items()
        ]
        if writes:
            await self.checkins.bulk_write(writes, session=session, ordered=False)


def open_goals_of(owner_ids: Iterable[str], team_ids: Iterable[str]) -> Document:
    """The query for open assistant goals of these owners and open team goals of these teams."""
    return {**OPEN_NOW, "$or": _owned_by(owner_ids, team_ids)}


def _unclaimed(wall: datetime) -> Document:
    """Goals no live lease holds. "Unclaimed or lease run out" as $not/$gte, not as an $or of the two: the same
    documents, but some MongoDB-compatible servers evaluate such an $or against every goal instead of the due ones."""
    return {"claimed_until": {"$not": {"$gte": wall}}}


def _owned_by(owner_ids: Iterable[str], team_ids: Iterable[str]) -> list[Document]:
    return [
        {"owner_kind": OwnerKind.ASSISTANT.value, "owner_id": {"$in": sorted(set(owner_ids))}},
        {"owner_kind": OwnerKind.TEAM.value, "owner_id": {"$in": sorted(set(team_ids))}},
    ]


Stamp = tuple[int, datetime]
"""A goal's version with its creation time: every write raises the version, and a goal deleted and created again
under the same id (a restored backup) has another creation time."""


def stamp_of(goal: Goal) -> Stamp:
    return goal.version, goal.created_at


class ConcurrentGoalChange(Exception):
    """Another writer (a replica, the deadline worker) changed the goal first."""


# ---------------------------------------------------------------- documents


def _changes(stored: Document | None, document: Document) -> Document:
    """The update that turns `stored` into `document`, touching only the fields that differ.

    A whole-document replace costs the database about half as much again as setting the few fields a
    batch of progress changes (bench/PERFORMANCE.md). Fields the new document lacks (a deadline
    claim) are removed, as a replace would.
    """
    stored = stored or {}
    update: Document = {"$set": {k: v for k, v in document.items() if k != "_id" and stored.get(k, _MISSING) != v}}
    gone = [k for k in stored if k not in document]
    if gone:
        update["$unset"] = dict.fromkeys(gone, "")
    return update


_MISSING = object()


def goal_to_document(goal: Goal, now: datetime) -> Document:
    return {
        "_id": goal.goal_id,
        "owner_id": goal.owner_id,
        "owner_kind": goal.owner_kind.value,
        "team_id": goal.team_id,
        "title": goal.title,
        "metric": goal.metric.model_dump(mode="json"),
        "target": goal.target,
        "unit": goal.unit,
        "timezone": goal.timezone,
        "period_start": goal.period.start,
        "period_end": goal.period.end,
        "recurrence": goal.recurrence.value,
        "pace_profile": goal.pace_profile.value,
        "at_risk_levels": [str(level) for level in goal.at_risk_levels],
        "at_risk_grace": str(goal.at_risk_grace),
        "at_risk_raised": [str(level) for level in goal.at_risk_raised],
        "created_by": goal.created_by,
        "created_at": goal.created_at,
        "parent_goal_id": goal.parent_goal_id,
        "previous_goal_id": goal.previous_goal_id,
        "status": goal.status.value,
        "actual": goal.actual,
        "activity_count": goal.activity_count,
        "achievement_announced": goal.achievement_announced,
        "achieved_at": goal.achieved_at,
        "closed_at": goal.closed_at,
        "adjustments": [asdict(a) for a in goal.adjustments],
        "miss_analysis": asdict(goal.miss_analysis) if goal.miss_analysis else None,
        "needs_miss_analysis": goal.status is GoalStatus.MISSED and goal.miss_analysis is None,
        "growth": _growth_to_document(goal.growth),
        "next_due_at": goal.next_due_at(now),
        "version": goal.version + 1,
    }


def goal_from_document(document: Document) -> Goal:
    goal = Goal(
        goal_id=document["_id"],
        owner_id=document["owner_id"],
        owner_kind=OwnerKind(document["owner_kind"]),
        team_id=document.get("team_id"),
        title=document.get("title", ""),
        metric=GoalMetric.model_validate(document["metric"]),
        target=document["target"],
        unit=document["unit"],
        timezone=document["timezone"],
        period=Period(document["period_start"], document["period_end"]),
        recurrence=Recurrence(document["recurrence"]),
        pace_profile=PaceProfile(document["pace_profile"]),
        at_risk_levels=[Decimal(level) for level in document["at_risk_levels"]],
        at_risk_grace=Decimal(document["at_risk_grace"]),
        at_risk_raised=[Decimal(level) for level in document["at_risk_raised"]],
        created_by=document["created_by"],
        created_at=document["created_at"],
        parent_goal_id=document.get("parent_goal_id"),
        previous_goal_id=document.get("previous_goal_id"),
        status=GoalStatus(document["status"]),
        actual=document["actual"],
        activity_count=document["activity_count"],
        achievement_announced=document["achievement_announced"],
        achieved_at=document.get("achieved_at"),
        closed_at=document.get("closed_at"),
        adjustments=[Adjustment(**a) for a in document.get("adjustments", [])],
        miss_analysis=MissAnalysis(**document["miss_analysis"]) if document.get("miss_analysis") else None,
        growth=_growth_from_document(document.get("growth")),
        version=document["version"],
    )
    goal.stored = document
    return goal


def _growth_to_document(growth: ResolvedGrowth | None) -> Document | None:
    if growth is None:
        return None
    return {
        "change_percent": str(growth.change_percent),
        "baseline": growth.baseline.value,
        "baseline_start": growth.baseline_period.start,
        "baseline_end": growth.baseline_period.end,
        "baseline_actual": growth.baseline_actual,
        "target": growth.target,
    }


def _growth_from_document(document: Document | None) -> ResolvedGrowth | None:
    if not document:
        return None
    return ResolvedGrowth(
        change_percent=Decimal(document["change_percent"]),
        baseline=Baseline(document["baseline"]),
        baseline_period=Period(document["baseline_start"], document["baseline_end"]),
        baseline_actual=document["baseline_actual"],
        target=document["target"],
    )


_RECORDED = SalesActivityRecorded.__pydantic_serializer__


def activity_to_document(state: ActivityState) -> Document:
    """The stored activity. Fields that are None are left out, in the payload as at the top (`activity_from_document`
    reads them back as None): an activity is inserted per event, and the nulls were about a third of its bytes
    (bench/PERFORMANCE.md). `recorded` itself stays, null until the activity arrives: queries select on it."""
    recorded = state.recorded
    document: Document = {"_id": state.activity_id, "assistant_id": state.assistant_id, "retracted": state.retracted}
    if state.retraction_reason is not None:
        document["retraction_reason"] = state.retraction_reason
    if state.retraction_assistant_id is not None:
        document["retraction_assistant_id"] = state.retraction_assistant_id
    if recorded is None:
        document.update(recorded=None, kind=None, occurred_at=None)
    else:
        # The model's own serializer, called directly: what model_dump does, without its per-call argument handling.
        payload = _RECORDED.to_python(recorded, mode="json", exclude_none=True)
        document.update(recorded=payload, kind=recorded.kind, occurred_at=recorded.occurred_at)
    return document


def activity_from_document(document: Document) -> ActivityState:
    recorded = document.get("recorded")
    return ActivityState(
        activity_id=document["_id"],
        assistant_id=document["assistant_id"],
        recorded=SalesActivityRecorded.model_validate(recorded) if recorded else None,
        retracted=document["retracted"],
        retraction_reason=document.get("retraction_reason"),
        retraction_assistant_id=document.get("retraction_assistant_id"),
    )
