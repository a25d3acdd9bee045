"""The incentives service's collections, their indexes, and the repositories its routes read through."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from pacer_shared.mongo import Database, Document, IndexPlan

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
}


class Statements:
    """Bonus statements, newest period first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[STATEMENTS]

    async def get(self, statement_id: str) -> Document | None:
        return await self._collection.find_one({"_id": statement_id})

    async def matching(self, query: dict[str, Any], limit: int) -> list[Document]:
        return await self._collection.find(query).sort([("period_start", -1), ("_id", 1)]).limit(limit).to_list()


class Recognitions:
    """Badges, awards and kudos granted, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[RECOGNITIONS]

    async def matching(self, query: dict[str, Any], limit: int) -> list[Document]:
        return await self._collection.find(query).sort([("granted_at", -1), ("_id", 1)]).to_list(limit)


class Promotions:
    """Promotion recommendations with their evidence, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[PROMOTIONS]

    async def recommended(self, person_id: str | None) -> list[Document]:
        query = {} if person_id is None else {"person_id": person_id}
        return await self._collection.find(query).sort("at", -1).to_list(500)


class IgnoredEvents:
    """Events no plan could use, newest first."""

    def __init__(self, db: Database) -> None:
        self._collection = db[IGNORED]

    async def latest(self, limit: int) -> list[Document]:
        return await self._collection.find().sort("at", -1).limit(limit).to_list()
