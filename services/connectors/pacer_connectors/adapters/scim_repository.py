"""The SCIM Users and Groups an identity provider provisioned, as it sent them, in MongoDB."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, IndexModel

from pacer_shared.mongo import Database, Document, IndexPlan, Session

USERS = "scim_users"
GROUPS = "scim_groups"

INDEXES: IndexPlan = {
    # userName is unique whatever its case (RFC 7643 §4.1.1: caseExact false, uniqueness server).
    USERS: [
        IndexModel([("user_name_key", ASCENDING)], name="by_user_name", unique=True),
        IndexModel([("external_id", ASCENDING)], name="by_external_id"),
    ],
    GROUPS: [
        IndexModel([("display_key", ASCENDING)], name="by_display_name"),
        IndexModel([("members", ASCENDING)], name="by_member"),
        IndexModel([("external_id", ASCENDING)], name="by_external_id"),
    ],
}


class ScimRepository:
    def __init__(self, db: Database) -> None:
        self._users = db[USERS]
        self._groups = db[GROUPS]

    async def user(self, user_id: str, session: Session | None = None) -> Document | None:
        return await self._users.find_one({"_id": user_id}, session=session)

    async def user_named(self, user_name: str, session: Session) -> Document | None:
        return await self._users.find_one({"user_name_key": user_name.lower()}, session=session)

    async def existing_users(self, user_ids: list[str], session: Session) -> set[str]:
        found = self._users.find({"_id": {"$in": sorted(set(user_ids))}}, {"_id": 1}, session=session)
        return {doc["_id"] async for doc in found}

    async def save_user(self, user: Document, session: Session) -> None:
        await self._users.replace_one({"_id": user["_id"]}, user, upsert=True, session=session)

    async def delete_user(self, user_id: str, session: Session) -> None:
        await self._users.delete_one({"_id": user_id}, session=session)

    async def group(self, group_id: str, session: Session | None = None) -> Document | None:
        return await self._groups.find_one({"_id": group_id}, session=session)

    async def groups_of(self, user_id: str, session: Session) -> list[Document]:
        return await self._groups.find({"members": user_id}, session=session).to_list()

    async def save_group(self, group: Document, session: Session) -> None:
        await self._groups.replace_one({"_id": group["_id"]}, group, upsert=True, session=session)

    async def delete_group(self, group_id: str, session: Session) -> None:
        await self._groups.delete_one({"_id": group_id}, session=session)

    async def page(
        self, resource_type: str, wanted: dict[str, Any], start_index: int, count: int
    ) -> tuple[int, list[Document]]:
        """Total matching and the page from the 1-based `start_index` (RFC 7644 §3.4.2.4), in a stable order."""
        collection = self._users if resource_type == "User" else self._groups
        order = "user_name_key" if resource_type == "User" else "display_key"
        total = await collection.count_documents(wanted)
        if count == 0:
            return total, []
        found = collection.find(wanted).sort([(order, ASCENDING), ("_id", ASCENDING)]).skip(start_index - 1)
        return total, await found.limit(count).to_list()
