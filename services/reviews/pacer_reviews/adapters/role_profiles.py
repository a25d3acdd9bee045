"""Role profile versions and quarterly duty evaluations, with every query on them."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from pacer_shared.mongo import Database, Document, IndexPlan, Session

ROLE_PROFILES = "role_profiles"
DUTY_EVALUATIONS = "duty_evaluations"
"""One document per person and quarter (`<person id>:<quarter>`), corrected in place with a revision count."""

INDEXES: IndexPlan = {
    ROLE_PROFILES: [
        IndexModel([("name", ASCENDING), ("version", ASCENDING)], unique=True, name="by_version"),
        IndexModel([("role", ASCENDING), ("created_at", ASCENDING)], name="by_role"),
    ],
    DUTY_EVALUATIONS: [IndexModel([("person_id", ASCENDING), ("quarter", ASCENDING)], name="by_person")],
}


class RoleProfiles:
    """Saved versions of role profiles (`<name>:v<version>`); built-in first versions live in code, not here."""

    def __init__(self, db: Database) -> None:
        self._collection = db[ROLE_PROFILES]

    async def latest(self, name: str) -> Document | None:
        return await self._collection.find_one({"name": name}, sort=[("version", -1)])

    async def get(self, profile_id: str) -> Document | None:
        return await self._collection.find_one({"_id": profile_id})

    async def newest_for_role(self, role: str) -> Document | None:
        return await self._collection.find_one({"role": role}, sort=[("created_at", -1), ("version", -1)])

    async def newest_of_each(self) -> list[Document]:
        """The latest version of every profile name."""
        pipeline: list[Document] = [
            {"$sort": {"name": 1, "version": -1}},
            {"$group": {"_id": "$name", "latest": {"$first": "$$ROOT"}}},
            {"$replaceRoot": {"newRoot": "$latest"}},
            {"$sort": {"name": 1}},
        ]
        return await (await self._collection.aggregate(pipeline)).to_list()

    async def add(self, document: Document, session: Session) -> bool:
        """False when another save took this version first."""
        try:
            await self._collection.insert_one(document, session=session)
        except DuplicateKeyError:
            return False
        return True


class DutyEvaluations:
    def __init__(self, db: Database) -> None:
        self._collection = db[DUTY_EVALUATIONS]

    async def get(self, evaluation_id: str, session: Session | None = None) -> Document | None:
        return await self._collection.find_one({"_id": evaluation_id}, session=session)

    async def save(self, document: Document, revision: int, session: Session) -> Document | None:
        """Write the evaluation as its `revision`; None if another correction was saved since it was read."""
        if revision == 1:
            try:
                await self._collection.insert_one(document, session=session)
            except DuplicateKeyError:
                return None
            return document
        return await self._collection.find_one_and_replace(
            {"_id": document["_id"], "revision": revision - 1},
            document,
            session=session,
            return_document=ReturnDocument.AFTER,
        )

    async def of_person(self, person_id: str) -> list[Document]:
        return await self._collection.find({"person_id": person_id}).sort("quarter", ASCENDING).limit(200).to_list()
