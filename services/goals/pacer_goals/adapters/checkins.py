"""MongoDB storage of weekly check-ins: one document per assistant and week, its answer inside it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING

from pacer_goals.adapters.repository import WEEKLY_CHECKINS
from pacer_goals.domain.checkin import CheckIn, CheckInAnswer, CheckInStatus
from pacer_shared.mongo import Database, Document, Session
from pacer_shared.paging import cursor_after, newest_first_after
from pacer_shared.unit_of_work import UnitOfWork


class CheckInRepository:
    """Check-ins and their events: a saved check-in's new events commit with it through the unit of work."""

    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self._uow = uow
        self.checkins = db[WEEKLY_CHECKINS]

    async def get(self, checkin_id: str, session: Session | None = None) -> CheckIn | None:
        document = await self.checkins.find_one({"_id": checkin_id}, session=session)
        return checkin_from_document(document) if document else None

    async def add(self, checkin: CheckIn, session: Session) -> None:
        self._uow.track(session, checkin)
        await self.checkins.insert_one(checkin_to_document(checkin), session=session)

    async def save(self, checkin: CheckIn, session: Session) -> None:
        self._uow.track(session, checkin)
        document = checkin_to_document(checkin)
        unset = {"remind_at": ""} if checkin.remind_at is None else {}
        update: Document = {"$set": {k: v for k, v in document.items() if k != "_id" and k not in unset}}
        if unset:
            update["$unset"] = unset
        await self.checkins.update_one({"_id": checkin.checkin_id}, update, session=session)

    async def reminders_due(self, now: datetime, limit: int) -> list[str]:
        found = self.checkins.find({"remind_at": {"$lte": now}}, {"_id": 1}).sort("remind_at", ASCENDING)
        return [d["_id"] async for d in found.limit(limit)]

    async def of_owners(
        self, owner_ids: Iterable[str], status: list[CheckInStatus] | None, after: str | None, limit: int
    ) -> tuple[list[CheckIn], str | None]:
        """One page, newest due first (the id breaks ties), and the cursor of the next page if there is one."""
        query: dict[str, Any] = {"owner_id": {"$in": sorted(set(owner_ids))}}
        if status:
            query["status"] = {"$in": [s.value for s in status]}
        query.update(newest_first_after(after, "due_at"))
        found = self.checkins.find(query).sort([("due_at", DESCENDING), ("_id", DESCENDING)]).limit(limit + 1)
        documents = await found.to_list()
        return [checkin_from_document(d) for d in documents[:limit]], cursor_after(documents, limit, "due_at")

    async def overdue_owners(self, owner_ids: Iterable[str]) -> dict[str, datetime]:
        """Each of these owners with a check-in still unanswered after its reminder: the oldest such due time."""
        query = {"owner_id": {"$in": sorted(set(owner_ids))}, "status": CheckInStatus.OVERDUE.value}
        oldest: dict[str, datetime] = {}
        async for document in self.checkins.find(query, {"owner_id": 1, "due_at": 1}):
            owner, due = document["owner_id"], document["due_at"]
            oldest[owner] = min(due, oldest.get(owner, due))
        return oldest


def checkin_to_document(checkin: CheckIn) -> Document:
    answer = checkin.answer
    document: Document = {
        "_id": checkin.checkin_id,
        "owner_id": checkin.owner_id,
        "team_id": checkin.team_id,
        "week_start": checkin.week_start,
        "due_at": checkin.due_at,
        "goal_titles": checkin.goal_titles,
        "status": checkin.status.value,
        "reminded_at": checkin.reminded_at,
        "recorded_at": checkin.recorded_at,
        "answer": vars(answer) if answer else None,
    }
    if checkin.remind_at is not None:  # absent, not null: the sparse index then holds only reminders still to go
        document["remind_at"] = checkin.remind_at
    return document


def checkin_from_document(document: Document) -> CheckIn:
    answer = document.get("answer")
    return CheckIn(
        checkin_id=document["_id"],
        owner_id=document["owner_id"],
        team_id=document.get("team_id"),
        week_start=document["week_start"],
        due_at=document["due_at"],
        remind_at=document.get("remind_at"),
        goal_titles=document["goal_titles"],
        status=CheckInStatus(document["status"]),
        reminded_at=document.get("reminded_at"),
        recorded_at=document.get("recorded_at"),
        answer=CheckInAnswer(**answer) if answer else None,
    )
