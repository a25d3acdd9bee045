"""The audit trail: who read sensitive data or changed what matters, which resource, when and from where.

Each service keeps the trail of its own API in its own database. Records are appended only: no route changes or
deletes one, and they expire after `AUDIT_RETENTION_DAYS`. They hold no request bodies, and nothing about
anonymous feedback's authors: submitting anonymously is never recorded, reading the results is.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel

from pacer_shared.auth import RESPONSES, Principal, Role, VerifiedPrincipal, require
from pacer_shared.clock import Clock
from pacer_shared.mongo import Database, Document, IndexPlan, Session
from pacer_shared.paging import decode_cursor, encode_cursor

AUDIT = "audit"
EXPORT_LIMIT = 100_000
"""The most records one CSV export holds: narrow the time range for more."""


def indexes(retention_days: int) -> IndexPlan:
    return {
        AUDIT: [
            IndexModel("at", expireAfterSeconds=retention_days * 86400, name="audit_ttl"),
            IndexModel([("actor", ASCENDING), ("at", DESCENDING)], name="audit_by_actor"),
            IndexModel([("resource", ASCENDING), ("at", DESCENDING)], name="audit_by_resource"),
        ]
    }


class AuditRecord(BaseModel):
    record_id: str
    at: datetime
    actor: str
    roles: list[str]
    action: str
    """What was done, as `<thing>.<verb>`: `bonus_statement.read`, `goal_adjustment.decided`."""
    resource: str
    """Which one, as `<kind>/<id>`: `statement/9f1c…`."""
    client: str | None
    """The caller's address (behind a proxy trusted by `FORWARDED_ALLOW_IPS`, the one it forwarded)."""


class AuditPage(BaseModel):
    items: list[AuditRecord]
    next_cursor: str | None


class AuditTrail:
    """Appends records to and reads them from a service's `audit` collection."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._records = db[AUDIT]
        self._clock = clock

    async def append(
        self, principal: Principal, action: str, resource: str, client: str | None, session: Session | None = None
    ) -> None:
        """Inside a transaction when given its session, so a change and its record commit together."""
        record = {
            "_id": str(uuid.uuid4()),
            "at": self._clock.now(),
            "actor": principal.subject,
            "roles": sorted(principal.roles),
            "action": action,
            "resource": resource,
            "client": client,
        }
        await self._records.insert_one(record, session=session)

    def _query(self, wanted: AuditFilter) -> Document:
        query: Document = {}
        for field in ("actor", "action", "resource"):
            if value := getattr(wanted, field):
                query[field] = value
        if wanted.since or wanted.until:
            query["at"] = {
                **({"$gte": wanted.since} if wanted.since else {}),
                **({"$lt": wanted.until} if wanted.until else {}),
            }
        return query

    async def page(self, wanted: AuditFilter, cursor: str | None, limit: int) -> AuditPage:
        query = self._query(wanted)
        if cursor:
            at, record_id = decode_cursor(cursor)
            query = {"$and": [query, {"$or": [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": record_id}}]}]}
        found = await self._records.find(query).sort([("at", DESCENDING), ("_id", DESCENDING)]).to_list(limit + 1)
        items = [_record(d) for d in found[:limit]]
        more = len(found) > limit
        return AuditPage(
            items=items, next_cursor=encode_cursor(found[limit - 1]["at"], found[limit - 1]["_id"]) if more else None
        )

    async def export(self, wanted: AuditFilter) -> AsyncIterator[Document]:
        cursor = self._records.find(self._query(wanted)).sort([("at", DESCENDING), ("_id", DESCENDING)])
        async for document in cursor.limit(EXPORT_LIMIT):
            yield document


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    resource: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _record(document: Document) -> AuditRecord:
    return AuditRecord(record_id=document["_id"], **{k: v for k, v in document.items() if k != "_id"})


@dataclass(frozen=True)
class Auditor:
    """The audit trail as one request's caller writes to it: a read is recorded before its data is returned (no
    record, no data), a change once it has been made."""

    trail: AuditTrail
    principal: Principal
    client: str | None

    async def record(self, action: str, resource: str, session: Session | None = None) -> None:
        await self.trail.append(self.principal, action, resource, self.client, session)


def trail_from(request: Request) -> AuditTrail:
    return request.app.state.audit  # type: ignore[no-any-return]


async def auditor(request: Request, principal: VerifiedPrincipal) -> Auditor:
    return Auditor(trail_from(request), principal, request.client.host if request.client else None)


AuditDep = Annotated[Auditor, Depends(auditor)]
"""Writes to the audit trail as the calling principal, from the caller's address."""


router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=RESPONSES)
Readers = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]


def _filter(
    actor: str | None = None,
    action: str | None = Query(default=None, description="e.g. bonus_statement.read"),
    resource: str | None = Query(default=None, description="e.g. statement/<id>"),
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> AuditFilter:
    return AuditFilter(actor, action, resource, since, until)


Filter = Annotated[AuditFilter, Depends(_filter)]


@router.get("", summary="This service's audit trail, newest first (hr and admins)")
async def audit_page(
    _reader: Readers,
    wanted: Filter,
    trail: Annotated[AuditTrail, Depends(trail_from)],
    cursor: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> AuditPage:
    return await trail.page(wanted, cursor, limit)


@router.get(
    "/export.csv",
    summary=f"The audit trail as CSV, newest first, at most {EXPORT_LIMIT:,} records (hr and admins)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def audit_export(
    _reader: Readers, wanted: Filter, trail: Annotated[AuditTrail, Depends(trail_from)]
) -> StreamingResponse:
    columns = ["at", "actor", "roles", "action", "resource", "client", "record_id"]

    async def rows() -> AsyncIterator[str]:
        yield _csv_line(columns)
        async for document in trail.export(wanted):
            record = _record(document)
            values: dict[str, Any] = {
                **record.model_dump(),
                "at": record.at.isoformat(),
                "roles": " ".join(record.roles),
            }
            yield _csv_line([values[c] or "" for c in columns])

    return StreamingResponse(
        rows(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="audit.csv"'}
    )


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_inert(str(v)) for v in values])
    return buffer.getvalue()


def _inert(cell: str) -> str:
    """A cell a spreadsheet would take for a formula (an id chosen by a caller: `=HYPERLINK(...)`) stays text."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
