"""What the connectors keep in MongoDB: per-record fingerprints, sync cursors and each connection's status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, IndexModel, UpdateOne

from pacer_connectors.domain.mapping import Connection
from pacer_connectors.domain.records import Counted, RecordState, record_key
from pacer_shared import people
from pacer_shared.mongo import Database, Document, IndexPlan, Session

RECORDS = "crm_records"
CURSORS = "sync_cursors"
STATUS = "connection_status"
NOTIFICATIONS = "outbound_notifications"
ROSTER = "crm_roster"
"""Per CRM user of a connection that publishes the roster: the roster entry last published for them."""
NOTIFICATION_DAYS = 2
"""How long an Outbound Message's Notification/Id is remembered: Salesforce retries one for 24 hours."""

INDEXES: IndexPlan = {
    RECORDS: [IndexModel([("connection_id", ASCENDING), ("unmapped", ASCENDING)], name="unmapped_by_connection")],
    NOTIFICATIONS: [IndexModel("expires_at", expireAfterSeconds=0, name="expiry")],
    ROSTER: [IndexModel([("connection_id", ASCENDING)], name="by_connection")],
    # The shared roster's indexes plus the one CRM users are matched by.
    people.PEOPLE: [*people.INDEXES[people.PEOPLE], IndexModel([("email", ASCENDING)], name="by_email")],
}


@dataclass
class Cursor:
    """Where a connection's sync of one object stands; saved in the transaction that stages what it read.

    A catch-up run asks for everything modified since `since`; `page_token` is where an interrupted run resumes,
    and `newest` the latest modification it has seen so far, the next run's `since`."""

    connection_id: str
    crm_object: str
    feed: str = "records"
    """`records` or `deleted`: the CRM pages them apart."""
    since: datetime | None = None
    page_token: str | None = None
    page: int = 1
    newest: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.connection_id}:{self.crm_object}:{self.feed}"


@dataclass
class SyncReport:
    """What one applied batch did, for the connection's status and metrics."""

    records: int = 0
    recorded: int = 0
    retracted: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


class ConnectorRepository:
    def __init__(self, db: Database) -> None:
        self._records = db[RECORDS]
        self._cursors = db[CURSORS]
        self._status = db[STATUS]
        self._people = db[people.PEOPLE]
        self._notifications = db[NOTIFICATIONS]
        self._roster = db[ROSTER]

    # ------------------------------------------------------------ records

    async def states(self, keys: Iterable[str], session: Session) -> dict[str, RecordState]:
        found = self._records.find({"_id": {"$in": sorted(set(keys))}}, session=session)
        return {doc["_id"]: _state(doc) async for doc in found}

    async def save_states(self, connection_id: str, states: Iterable[RecordState], session: Session) -> None:
        writes = [
            UpdateOne({"_id": s.key}, {"$set": {**_document(s), "connection_id": connection_id}}, upsert=True)
            for s in states
        ]
        if writes:
            await self._records.bulk_write(writes, session=session)

    async def counted_ids(self, connection: Connection, crm_object: str, after: str | None, limit: int) -> list[str]:
        """The ids of the object's records that count for something now, in id order, the first `limit` after
        `after` (a record id)."""
        prefix = record_key(connection, crm_object, "")
        start = {"$gt": prefix + after} if after is not None else {"$gte": prefix}
        found = (
            self._records.find(
                {
                    "_id": {**start, "$lt": prefix + "\U0010ffff"},
                    "connection_id": connection.id,
                    "counted": {"$ne": None},
                },
                {"_id": 1},
            )
            .sort("_id", ASCENDING)
            .limit(limit)
        )
        return [doc["_id"].removeprefix(prefix) async for doc in found]

    # ------------------------------------------------------------ cursors

    async def cursor(self, connection_id: str, crm_object: str, feed: str) -> Cursor:
        cursor = Cursor(connection_id, crm_object, feed)
        doc = await self._cursors.find_one({"_id": cursor.key})
        if doc is not None:
            cursor.since, cursor.page_token, cursor.newest = doc.get("since"), doc.get("page_token"), doc.get("newest")
            cursor.page = doc.get("page", 1)
        return cursor

    async def save_cursor(self, cursor: Cursor, session: Session) -> None:
        await self._cursors.update_one(
            {"_id": cursor.key},
            {
                "$set": {
                    "connection_id": cursor.connection_id,
                    "since": cursor.since,
                    "page_token": cursor.page_token,
                    "page": cursor.page,
                    "newest": cursor.newest,
                }
            },
            upsert=True,
            session=session,
        )

    async def cursors_of(self, connection_id: str) -> list[Document]:
        return await self._cursors.find({"connection_id": connection_id}).to_list()

    # ------------------------------------------------------------ push notifications

    async def unseen_notifications(self, connection_id: str, ids: Iterable[str]) -> set[str]:
        """Which of these notification ids this connection has not applied yet (a redelivery's are all seen)."""
        wanted = sorted(set(ids))
        seen = self._notifications.find({"_id": {"$in": [f"{connection_id}:{i}" for i in wanted]}}, {"_id": 1})
        applied = {doc["_id"].split(":", 1)[1] async for doc in seen}
        return set(wanted) - applied

    async def note_notifications(self, connection_id: str, ids: Iterable[str], at: datetime) -> None:
        expires = at + timedelta(days=NOTIFICATION_DAYS)
        writes = [
            UpdateOne({"_id": f"{connection_id}:{i}"}, {"$set": {"at": at, "expires_at": expires}}, upsert=True)
            for i in ids
        ]
        if writes:
            await self._notifications.bulk_write(writes)

    # ------------------------------------------------------------ the roster from the CRM's users

    async def roster_of(self, connection_id: str, session: Session) -> dict[str, Document]:
        """CRM user id -> the roster entry last published for them."""
        found = self._roster.find({"connection_id": connection_id}, session=session)
        return {doc["crm_user_id"]: doc["published"] async for doc in found}

    async def roster_people(self, connection_id: str, crm_user_ids: Iterable[str]) -> dict[str, str]:
        """CRM user id -> the person the roster from the CRM's users made of them, while they are active."""
        wanted = {"connection_id": connection_id, "crm_user_id": {"$in": sorted(set(crm_user_ids))}}
        found = self._roster.find({**wanted, "published.active": True}, {"crm_user_id": 1, "person_id": 1})
        return {doc["crm_user_id"]: doc["person_id"] async for doc in found}

    async def save_roster(self, connection_id: str, published: dict[str, Document], session: Session) -> None:
        writes = [
            UpdateOne(
                {"_id": f"{connection_id}:{user_id}"},
                {
                    "$set": {
                        "connection_id": connection_id,
                        "crm_user_id": user_id,
                        "person_id": entry["person_id"],
                        "published": entry,
                    }
                },
                upsert=True,
            )
            for user_id, entry in published.items()
        ]
        if writes:
            await self._roster.bulk_write(writes, session=session)

    # ------------------------------------------------------------ people

    async def people_ids_by_email(self, emails: Iterable[str]) -> dict[str, list[str]]:
        """Every active roster person with each address (a CRM's roster may briefly hold one twice), in id order."""
        wanted = sorted({e.lower() for e in emails})
        found = self._people.find({"email": {"$in": wanted}, "active": True}, {"email": 1}).sort("_id", ASCENDING)
        ids: dict[str, list[str]] = {}
        async for doc in found:
            ids.setdefault(doc["email"].lower(), []).append(doc["_id"])
        return ids

    async def people_by_email(self, emails: Iterable[str]) -> dict[str, str]:
        wanted = sorted({e.lower() for e in emails})
        if not wanted:
            return {}
        found = self._people.find({"email": {"$in": wanted}, "active": True}, {"email": 1})
        return {doc["email"].lower(): doc["_id"] async for doc in found}

    # ------------------------------------------------------------ status

    async def note_sync(self, connection_id: str, report: SyncReport, at: datetime) -> None:
        update: dict[str, Any] = {
            "$set": {"last_sync_at": at},
            "$inc": {
                "records_seen": report.records,
                "activities_recorded": report.recorded,
                "activities_retracted": report.retracted,
            },
        }
        if report.unreadable:
            update["$set"]["last_unreadable"] = report.unreadable[-5:]
        await self._status.update_one({"_id": connection_id}, update, upsert=True)

    async def note_caught_up(self, connection_id: str, at: datetime) -> None:
        """A whole catch-up pass finished without error: what the alert and `lag` measure from."""
        await self._status.update_one(
            {"_id": connection_id}, {"$set": {"caught_up_at": at, "last_error": None}}, upsert=True
        )

    async def note_error(self, connection_id: str, error: str, at: datetime) -> None:
        await self._status.update_one(
            {"_id": connection_id},
            {"$set": {"last_error": error, "last_error_at": at}, "$inc": {"errors": 1}},
            upsert=True,
        )

    async def note_channel(self, connection_id: str, expires_at: datetime) -> None:
        await self._status.update_one({"_id": connection_id}, {"$set": {"channel_expires_at": expires_at}}, upsert=True)

    async def unmapped_users(self, connection_id: str) -> dict[str, int]:
        """CRM users who own records that count for nothing because they are no Pacer person -> those records."""
        grouped = await self._records.aggregate(
            [
                {"$match": {"connection_id": connection_id, "unmapped": {"$type": "string"}}},
                {"$group": {"_id": "$unmapped", "records": {"$sum": 1}}},
            ]
        )
        return {doc["_id"]: doc["records"] async for doc in grouped}

    async def status(self, connection_id: str) -> Document:
        return await self._status.find_one({"_id": connection_id}) or {"_id": connection_id}


def _document(state: RecordState) -> Document:
    counted = state.counted
    return {
        "revision": state.revision,
        "seen_at": state.seen_at,
        "deleted": state.deleted,
        "unmapped": state.unmapped,
        # Kept as strings: MongoDB rounds dates to milliseconds, which would change a fingerprint on reading.
        "counted": None
        if counted is None
        else {
            "assistant_id": counted.assistant_id,
            "kind": counted.kind,
            "quantity": str(counted.quantity),
            "amount": None if counted.amount is None else str(counted.amount),
            "currency": counted.currency,
            "occurred_at": counted.occurred_at.isoformat(),
            "score": counted.score,
        },
    }


def _state(doc: Document) -> RecordState:
    c = doc.get("counted")
    counted = (
        None
        if c is None
        else Counted(
            c["assistant_id"],
            c["kind"],
            Decimal(c["quantity"]),
            None if c["amount"] is None else Decimal(c["amount"]),
            c["currency"],
            datetime.fromisoformat(c["occurred_at"]),
            c.get("score"),
        )
    )
    return RecordState(
        doc["_id"], doc["revision"], counted, doc["seen_at"], doc.get("deleted", False), doc.get("unmapped")
    )
