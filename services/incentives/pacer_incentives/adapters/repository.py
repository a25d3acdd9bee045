"""The incentives service's collections, their indexes, and the repositories that hold every query on them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne

from pacer_shared.mongo import Database, Document, IndexPlan, Session
from pacer_shared.paging import newest_first_after
from pacer_shared.people import PEOPLE

INPUTS = "inputs"
"""The input log: every goal, review, training and feedback event the ledger and recognition rely on."""
PLANS = "plans"
PERIODS = "periods"
STATEMENTS = "statements"
RECOGNITIONS = "recognitions"
KUDOS_BUDGETS = "kudos_budgets"
PROMOTIONS = "promotions"
IGNORED = "ignored_events"
DEACTIVATIONS = "deactivations"
CURSORS = "cursors"
ACTING_LEADS = "acting_leads"

INDEXES: IndexPlan = {
    INPUTS: [
        IndexModel([("subject", ASCENDING), ("period_end", ASCENDING)], name="by_subject_period"),
        IndexModel([("goal_id", ASCENDING)], sparse=True, name="by_goal"),
        IndexModel([("type", ASCENDING), ("time", ASCENDING)], name="by_type_time"),
    ],
    PLANS: [IndexModel([("plan_id", ASCENDING), ("version", DESCENDING)], unique=True, name="by_version")],
    PERIODS: [IndexModel([("status", ASCENDING), ("period_end", ASCENDING)], name="open_by_end")],
    STATEMENTS: [
        IndexModel([("person_id", ASCENDING), ("period_start", DESCENDING)], name="by_person"),
        IndexModel([("team_id", ASCENDING), ("period_start", DESCENDING)], name="by_team"),
        IndexModel([("dirty", ASCENDING)], sparse=True, name="to_recheck"),
    ],
    RECOGNITIONS: [
        IndexModel([("team_id", ASCENDING), ("granted_at", DESCENDING)], name="by_team"),
        IndexModel([("person_id", ASCENDING), ("granted_at", DESCENDING)], name="by_person"),
    ],
    DEACTIVATIONS: [IndexModel([("person_id", ASCENDING), ("at", ASCENDING)], name="by_person")],
    ACTING_LEADS: [IndexModel([("person_id", ASCENDING), ("starts_on", DESCENDING)], name="by_person")],
}


class Statements:
    """Bonus statements, newest period first; a statement marked dirty waits for the ledger worker's recheck."""

    def __init__(self, db: Database) -> None:
        self._collection = db[STATEMENTS]

    async def get(self, statement_id: str, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"_id": statement_id}, session=session)

    async def exists(self, statement_id: str, session: Session) -> bool:
        return await self._collection.find_one({"_id": statement_id}, {"_id": 1}, session=session) is not None

    async def listed(
        self,
        limit: int,
        *,
        person_id: str | None = None,
        plan_id: str | None = None,
        status: str | None = None,
        readable_by: tuple[list[str], str | None] | None = None,
        cursor: str | None = None,
    ) -> list[Document]:
        """Newest period first, then by id, from just after `cursor`; `readable_by` (people, manager) keeps the
        statements of those people or of that manager's team."""
        query: dict[str, Any] = newest_first_after(cursor, "period_start")
        if person_id is not None:
            query["person_id"] = person_id
        if plan_id is not None:
            query["plan_id"] = plan_id
        if status is not None:
            query["status"] = status
        if readable_by is not None:
            people, manager_id = readable_by
            visible: list[Document] = [{"person_id": {"$in": people}}]
            if manager_id is not None:
                visible.append({"manager_id": manager_id})
            query = {"$and": [query, {"$or": visible}]}
        return await self._collection.find(query).sort([("period_start", -1), ("_id", -1)]).limit(limit).to_list()

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def people_calculated(self, period_key: str) -> set[str]:
        return set(await self._collection.distinct("person_id", {"period_key": period_key}))

    async def first_after(self, plan_key: str, moment: datetime) -> Document | None:
        return await self._collection.find_one({"plan_key": plan_key, "period_end": {"$gt": moment}})

    async def mark_for_recheck(self, owner_field: str, subject: str, end: datetime, session: Session) -> None:
        """Mark the period statements whose period holds `end` (carry statements only hold adjustments already
        computed for an earlier period's statement)."""
        await self._collection.update_many(
            {owner_field: subject, "kind": "period", "period_start": {"$lt": end}, "period_end": {"$gte": end}},
            {"$set": {"dirty": True}},
            session=session,
        )

    async def to_recheck(self, limit: int) -> list[Document]:
        return await self._collection.find({"dirty": True}).limit(limit).to_list()

    async def take_for_recheck(self, statement_id: str, session: Session) -> Document | None:
        """The statement, no longer marked; None if it is not marked (another replica took it)."""
        statement = await self._collection.find_one({"_id": statement_id, "dirty": True}, session=session)
        if statement is not None:
            await self._collection.update_one({"_id": statement_id}, {"$set": {"dirty": False}}, session=session)
        return statement

    async def adjust(self, statement_id: str, lines: list[Document], total: Decimal, session: Session) -> None:
        """Add adjustment lines; a manager's approval was for the old total, so it is withdrawn with the change."""
        await self._collection.update_one(
            {"_id": statement_id},
            {
                "$push": {"adjustments": {"$each": lines}},
                "$set": {"total": total, "status": "calculated", "approvals": []},
            },
            session=session,
        )

    async def note_carried(self, statement_id: str, lines: list[Document], session: Session) -> None:
        await self._collection.update_one(
            {"_id": statement_id}, {"$push": {"carried": {"$each": lines}}}, session=session
        )

    async def carry_into(
        self, carry_id: str, lines: list[Document], carried_from: str, total: Decimal, session: Session
    ) -> None:
        await self._collection.update_one(
            {"_id": carry_id},
            {
                "$push": {"adjustments": {"$each": lines}},
                "$addToSet": {"carries_from": carried_from},
                "$set": {"total": total, "status": "calculated", "approvals": []},
            },
            session=session,
        )

    async def approve(
        self, statement_id: str, status: str, step: dict[str, Any], approval: Document, session: Session
    ) -> None:
        await self._collection.update_one(
            {"_id": statement_id, "status": status},
            {"$set": step, "$push": {"approvals": approval}},
            session=session,
        )


class Recognitions:
    """Badges, awards and kudos granted, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[RECOGNITIONS]

    async def get(self, recognition_id: str) -> Document | None:
        return await self._collection.find_one({"_id": recognition_id})

    async def exists(self, recognition_id: str, session: Session) -> bool:
        return await self._collection.find_one({"_id": recognition_id}, {"_id": 1}, session=session) is not None

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def listed(
        self,
        limit: int,
        *,
        person_id: str | None = None,
        team_id: str | None = None,
        private_ones_of: list[str] | None = None,
        cursor: str | None = None,
    ) -> list[Document]:
        """Newest first (then by id), from just after `cursor`; with `private_ones_of`, private recognitions only of
        those people (in the query, so a page is never cut short by private ones left out after it)."""
        query: dict[str, Any] = {}
        if person_id is not None:
            query["person_id"] = person_id
        if team_id is not None:
            query["team_id"] = team_id
        if private_ones_of is not None:
            query["$or"] = [{"private": False}, {"person_id": {"$in": private_ones_of}}]
        query = {"$and": [query, newest_first_after(cursor, "granted_at")]}
        return await self._collection.find(query).sort([("granted_at", -1), ("_id", -1)]).to_list(limit)

    async def public_points(self, person_ids: list[str], start: datetime, end: datetime) -> list[tuple[str, int]]:
        """(person, points) of each grant in the period; a private award is the person's own business: it shows in
        nobody else's standings."""
        found = self._collection.find(
            {"person_id": {"$in": person_ids}, "granted_at": {"$gte": start, "$lt": end}, "private": {"$ne": True}}
        )
        return [(r["person_id"], r["points"]) async for r in found]

    async def valued_kudos(
        self, person_ids: list[str], start: datetime, end: datetime, session: Session
    ) -> list[Document]:
        """Kudos that name a company value, received by these people in the period (person_id, value_id,
        granted_at)."""
        found = self._collection.find(
            {
                "person_id": {"$in": person_ids},
                "kind": "kudos",
                "value_id": {"$ne": None},
                "granted_at": {"$gte": start, "$lt": end},
            },
            {"person_id": 1, "value_id": 1, "granted_at": 1},
            session=session,
        )
        return [r async for r in found]


class Promotions:
    """Promotion recommendations with their evidence, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[PROMOTIONS]

    async def exists(self, key: str, session: Session) -> bool:
        return await self._collection.find_one({"_id": key}, {"_id": 1}, session=session) is not None

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def recommended(self, person_id: str | None) -> list[Document]:
        query = {} if person_id is None else {"person_id": person_id}
        return await self._collection.find(query).sort("at", -1).to_list(500)


class ActingLeads:
    """Acting-lead assignments, the latest start first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[ACTING_LEADS]

    async def get(self, assignment_id: str) -> Document | None:
        return await self._collection.find_one({"_id": assignment_id})

    async def add(self, document: Document, session: Session) -> None:
        await self._collection.insert_one(document, session=session)

    async def of(self, person_ids: list[str] | None, session: Session | None = None) -> list[Document]:
        """Of these people (everyone's with None)."""
        query = {} if person_ids is None else {"person_id": {"$in": person_ids}}
        found = self._collection.find(query, session=session).sort([("starts_on", -1), ("_id", 1)])
        return await found.to_list(1000)


class IgnoredEvents:
    """Events no plan could use, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[IGNORED]

    async def note(self, key: str, event_id: str, event_type: str, reason: str, at: datetime, session: Session) -> None:
        await self._collection.update_one(
            {"_id": key},
            {"$setOnInsert": {"event_id": event_id, "type": event_type, "reason": reason, "at": at}},
            upsert=True,
            session=session,
        )

    async def latest(self, limit: int) -> list[Document]:
        return await self._collection.find().sort("at", -1).limit(limit).to_list()


class Inputs:
    """The input log: every goal, review, training and feedback event the ledger and recognition read."""

    def __init__(self, db: Database) -> None:
        self._collection = db[INPUTS]

    async def log(self, documents: Sequence[Document], session: Session) -> None:
        """Keep each event once, by its id: a redelivered event changes nothing."""
        await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": doc["_id"]}, {"$setOnInsert": {k: v for k, v in doc.items() if k != "_id"}}, upsert=True
                )
                for doc in documents
            ],
            session=session,
        )

    async def about(
        self, subjects: list[str], start: datetime, end: datetime, session: Session | None = None
    ) -> list[Document]:
        """The subjects' entries that fall in (start, end]; for goals, every entry of each goal that ended then."""
        window = {"subject": {"$in": subjects}, "period_end": {"$gt": start, "$lte": end}}
        goal_ids = await self._collection.distinct("goal_id", {**window, "goal_id": {"$ne": None}}, session=session)
        query = {"$or": [{"goal_id": {"$in": goal_ids}}, {**window, "goal_id": {"$exists": False}}]}
        return await self._collection.find(query, session=session).to_list()

    async def of_types(self, subject: str, types: Iterable[str], session: Session | None = None) -> list[Document]:
        return await self._collection.find(
            {"subject": subject, "type": {"$in": sorted(types)}}, session=session
        ).to_list()

    async def praise_for(
        self, subjects: Iterable[str], since: datetime, until: datetime, session: Session
    ) -> list[Document]:
        query = {"type": "FeedbackGiven", "subject": {"$in": sorted(subjects)}, "time": {"$gte": since, "$lt": until}}
        return await self._collection.find(query, session=session).to_list()


class Deactivations:
    """When people left, from the roster: a statement says why nothing is paid for a period they left in."""

    def __init__(self, db: Database) -> None:
        self._collection = db[DEACTIVATIONS]

    async def note(self, event_id: str, person_id: str, at: datetime, session: Session) -> None:
        await self._collection.update_one(
            {"_id": event_id}, {"$setOnInsert": {"person_id": person_id, "at": at}}, upsert=True, session=session
        )

    async def left_during(self, person_id: str, start: datetime, end: datetime) -> bool:
        return await self._collection.find_one({"person_id": person_id, "at": {"$gte": start, "$lt": end}}) is not None


class Plans:
    """Bonus plan versions, each with the start of the next period it has yet to record."""

    def __init__(self, db: Database) -> None:
        self._collection = db[PLANS]

    async def get(self, plan_key: str, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"_id": plan_key}, session=session)

    async def versions_of(self, plan_id: str) -> list[Document]:
        return await self._collection.find({"plan_id": plan_id}).sort("version", 1).to_list()

    async def every_version(self) -> list[Document]:
        return await self._collection.find().sort([("plan_id", 1), ("version", 1)]).to_list()

    def newest_first(self, session: Session | None = None) -> AsyncIterator[Document]:
        return aiter(self._collection.find({}, session=session).sort([("plan_id", 1), ("version", -1)]))

    async def add(self, document: Document) -> None:
        await self._collection.insert_one(document)

    async def end(self, plan_key: str, plan: dict[str, Any]) -> None:
        await self._collection.update_one({"_id": plan_key}, {"$set": {"plan": plan}})

    def with_periods_due(self, now: datetime) -> AsyncIterator[Document]:
        return aiter(self._collection.find({"next_period_start": {"$lte": now}}))

    async def move_next_period(self, plan_key: str, start: datetime, following: datetime) -> None:
        await self._collection.update_one(
            {"_id": plan_key, "next_period_start": start}, {"$set": {"next_period_start": following}}
        )


class Periods:
    """Each plan version's periods, open until every statement of theirs is calculated."""

    def __init__(self, db: Database) -> None:
        self._collection = db[PERIODS]

    async def record(self, period_key: str, plan_key: str, start: datetime, end: datetime) -> None:
        """Keyed: a period recorded again is not doubled."""
        await self._collection.update_one(
            {"_id": period_key},
            {"$setOnInsert": {"plan_key": plan_key, "period_start": start, "period_end": end, "status": "open"}},
            upsert=True,
        )

    async def ended(self, now: datetime, limit: int) -> list[Document]:
        return (
            await self._collection.find({"status": "open", "period_end": {"$lte": now}})
            .sort("period_end", 1)
            .limit(limit)
            .to_list()
        )

    async def update(self, period_key: str, fields: dict[str, Any]) -> None:
        await self._collection.update_one({"_id": period_key}, {"$set": fields})


class Cursors:
    """How far a background job has got, by job name."""

    def __init__(self, db: Database) -> None:
        self._collection = db[CURSORS]

    async def get(self, name: str) -> Document | None:
        return await self._collection.find_one({"_id": name})

    async def start(self, name: str, at: datetime) -> None:
        await self._collection.update_one({"_id": name}, {"$setOnInsert": {"next": at}}, upsert=True)

    async def advance(self, name: str, current: datetime, following: datetime, session: Session) -> bool:
        """Whether this caller moved the cursor (another replica may have moved it first)."""
        moved = await self._collection.update_one(
            {"_id": name, "next": current}, {"$set": {"next": following}}, session=session
        )
        return moved.modified_count > 0


class KudosBudgets:
    """Kudos each giver used in a month, by "giver:YYYY-MM"."""

    def __init__(self, db: Database) -> None:
        self._collection = db[KUDOS_BUDGETS]

    async def used(self, key: str, session: Session | None = None) -> int:
        budget = await self._collection.find_one({"_id": key}, session=session)
        return int(budget["used"]) if budget else 0

    async def spend(self, key: str, session: Session) -> None:
        await self._collection.update_one({"_id": key}, {"$inc": {"used": 1}}, upsert=True, session=session)


class Roster:
    """The queries on the service's projection of `org.people` that `pacer_shared.people.People` does not answer."""

    def __init__(self, db: Database) -> None:
        self._collection = db[PEOPLE]

    async def assistants(self, team_ids: list[str] | None) -> list[Document]:
        """Every assistant (of these teams), by id, whether active or not."""
        query: dict[str, Any] = {"role": "assistant"}
        if team_ids is not None:
            query["team_id"] = {"$in": team_ids}
        return await self._collection.find(query).sort("_id", 1).to_list()

    async def teams_with_active_assistants(self, session: Session) -> list[str]:
        return sorted(t for t in await self._collection.distinct("team_id", ACTIVE_ASSISTANTS, session=session) if t)

    async def active_assistants_in(self, team_id: str, session: Session) -> list[Document]:
        return await self._collection.find({**ACTIVE_ASSISTANTS, "team_id": team_id}, session=session).to_list()


ACTIVE_ASSISTANTS: Document = {"role": "assistant", "active": True}
