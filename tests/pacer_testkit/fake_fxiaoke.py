"""A local Fxiaoke (纷享销客) Open API: a real HTTP server on 127.0.0.1 answering as Fxiaoke documents it, for the
connectors' tests (the shapes and the links are in pacer_connectors/adapters/fxiaoke.py).

Every answer is HTTP 200 and says how it went in `errorCode` (0: success). It issues corp access tokens (and
refuses to issue them faster than its own limit), answers `/cgi/crm/v2/data/query` with filters on
`last_modified_time` (EQ, GT, GTE) and `_id` (GT, IN), ANDed, orders on several fields and offset paging (limit at
most 100, offset + limit at most 10,000: `deepest_offset`, which a test lowers rather than create 10,000 rows),
and `/cgi/user/list` (the company's members in detail, unpaged, as the documentation shows them; the links are in
pacer_connectors/adapters/fxiaoke.py). Deleting takes two steps, as in Fxiaoke: a record is voided, then deleted,
and a deleted record is in no answer. A test can expire every token, make the next calls answer with a quota
error, slow the listing down, import rows that share one millisecond, and change records between two pages of a
listing (`between_pages`).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pacer_testkit.serving import serve

APP_ID = "FSAID_fake"
APP_SECRET = "fake-app-secret"
PERMANENT_CODE = "fake-permanent-code"
CORP_ID = "FSCID_fake"
WHOLE_COMPANY = 999_999
TOKEN_REQUESTS_PER_MINUTE = 10
INVALID_TOKEN = 20016
QUOTA_EXCEEDED = 20035
"""Codes this fake answers with; the connector relies on none of them (any non-zero errorCode is an error)."""


@dataclass
class FakeFxiaoke:
    url: str
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_requests: list[float] = field(default_factory=list)
    """When tokens were asked for in the last minute: the endpoint's own rate limit."""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The company's members by open user id, as `/cgi/user/list` gives them (`isStop` true: stopped)."""
    user_lists: int = 0
    """How many member lists were answered (a test can see the roster was read again)."""
    tokens_issued: int = 0
    throttled: int = 0
    deepest_offset: int = 10_000
    """offset + limit may not pass this (Fxiaoke: 10,000; errorCode 10013 past it)."""
    page_delay: float = 0.0
    """How long a listing takes to answer, like a large tenant's: long enough to stop a backfill half-way."""
    between_pages: Callable[[list[dict[str, Any]]], None] | None = None
    """Called once with the rows of the next full page of changes (a listing in modification order) answered,
    before the next query is: a user's edit that lands while the connector pages."""
    queries: int = 0
    _last_ms: int = 0

    def _now_ms(self) -> int:
        # Strictly increasing, so each change has its own modification time, as a busy tenant's mostly do.
        self._last_ms = max(self._last_ms + 1, int(time.time() * 1000))
        return self._last_ms

    def create(self, crm_object: str, fields: dict[str, Any]) -> str:
        record_id = secrets.token_hex(12)
        now = self._now_ms()
        self.records.setdefault(crm_object, {})[record_id] = {
            "_id": record_id,
            "create_time": now,
            "last_modified_time": now,
            "life_status": "normal",
            "is_deleted": False,
            **fields,
        }
        return record_id

    def later(self, seconds: float) -> None:
        """Changes from now on happen `seconds` later than the clock says: a change made while a slow listing pages."""
        self._last_ms += int(seconds * 1000)

    def import_rows(self, crm_object: str, rows: list[dict[str, Any]]) -> list[str]:
        """Records created by one import: they share one modification millisecond."""
        now = self._now_ms()
        ids = [self.create(crm_object, fields) for fields in rows]
        for record_id in ids:
            self.records[crm_object][record_id].update(create_time=now, last_modified_time=now)
        return ids

    def update(self, crm_object: str, record_id: str, **fields: Any) -> None:
        self.records[crm_object][record_id].update(fields, last_modified_time=self._now_ms())

    def void(self, crm_object: str, record_id: str) -> None:
        """作废: into the recycle bin, `life_status` invalid (`/cgi/crm/v2/data/invalid`)."""
        self.update(crm_object, record_id, life_status="invalid")

    def delete(self, crm_object: str, record_id: str) -> None:
        """删除 (`/cgi/crm/v2/data/delete`): of a voided record only, as Fxiaoke documents; gone from every answer."""
        record = self.records[crm_object][record_id]
        assert record["life_status"] == "invalid", "Fxiaoke deletes voided records only: void it first"
        del self.records[crm_object][record_id]

    def user(self, open_user_id: str, name: str, email: str | None, **fields: Any) -> str:
        """A member as `/cgi/user/list` shows one: its documented fields, `isStop` false, in department 1000."""
        self.users[open_user_id] = {
            "openUserId": open_user_id,
            "account": open_user_id.lower(),
            "name": name,
            "nickName": name,
            "isStop": False,
            "email": email or "",
            "mobile": "",
            "gender": "M",
            "position": "",
            "departmentIds": [WHOLE_COMPANY, 1000],
            "mainDepartmentId": 1000,
            "attachingDepartmentIds": [],
            "employeeNumber": "",
            "hireDate": "2024-03-01",
            "createTime": self._now_ms(),
            "leaderId": None,
            **fields,
        }
        return open_user_id

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def throttle(self, calls: int) -> None:
        self.throttled = calls

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi/corpAccessToken/get/V2", self._token, methods=["POST"]),
                Route("/cgi/crm/v2/data/query", self._query, methods=["POST"]),
                Route("/cgi/user/list", self._user_list, methods=["POST"]),
            ]
        )

    async def _token(self, request: Request) -> JSONResponse:
        body = await request.json()
        if (body.get("appId"), body.get("appSecret"), body.get("permanentCode")) != (
            APP_ID,
            APP_SECRET,
            PERMANENT_CODE,
        ):
            return _error(20002, "invalid appId, appSecret or permanentCode")
        now = time.monotonic()
        self.token_requests = [t for t in self.token_requests if now - t < 60] + [now]
        if len(self.token_requests) > TOKEN_REQUESTS_PER_MINUTE:
            return _error(QUOTA_EXCEEDED, "token requests over the limit")
        token = secrets.token_hex(16)
        self.tokens.add(token)
        self.tokens_issued += 1
        return JSONResponse(
            {"errorCode": 0, "errorMessage": "success", "corpAccessToken": token, "corpId": CORP_ID, "expiresIn": 7200}
        )

    def _refused(self, body: dict[str, Any]) -> JSONResponse | None:
        """An expired token or a spent quota, answered as Fxiaoke does: HTTP 200 with the errorCode."""
        if body.get("corpId") != CORP_ID or body.get("corpAccessToken") not in self.tokens:
            return _error(INVALID_TOKEN, "corpAccessToken invalid or expired")
        if self.throttled > 0:
            self.throttled -= 1
            return _error(QUOTA_EXCEEDED, "calls over the limit")
        return None

    async def _user_list(self, request: Request) -> JSONResponse:
        """获取部门下成员信息(详细): `departmentId` (999999: the whole company), `fetchChild` and
        `showDepartmentIdsDetail` at the top of the body; `userList` in the answer, beside `errorCode`."""
        body = await request.json()
        if refused := self._refused(body):
            return refused
        department, deep = body.get("departmentId"), body.get("fetchChild") is True
        if not isinstance(department, int) or department < 0:
            return _error(10001, "departmentId: a non-negative integer is required")
        self.user_lists += 1
        members = [
            u
            for u in self.users.values()
            if (deep and department in u["departmentIds"]) or u["mainDepartmentId"] == department
        ]
        if body.get("showDepartmentIdsDetail") is not True:
            members = [
                {k: v for k, v in u.items() if k not in ("mainDepartmentId", "attachingDepartmentIds")} for u in members
            ]
        return JSONResponse(
            {"userList": members, "traceId": secrets.token_hex(6), "errorCode": 0, "errorMessage": "success"}
        )

    async def _query(self, request: Request) -> JSONResponse:
        body = await request.json()
        if refused := self._refused(body):
            return refused
        data = body["data"]
        query = data["search_query_info"]
        limit, offset = int(query["limit"]), int(query["offset"])
        if limit > 100 or offset % limit:
            return _error(10001, "limit at most 100, offset a multiple of it")
        if offset + limit > self.deepest_offset:
            return _error(10013, f"offset out of range {self.deepest_offset}")
        self.queries += 1
        await asyncio.sleep(self.page_delay)
        rows = list(self.records.get(data["dataObjectApiName"], {}).values())
        for condition in query.get("filters", []):
            name, values = condition["field_name"], condition["field_values"]
            test = _CONDITIONS.get((name, condition["operator"]))
            if test is None:
                return _error(10001, f"filter not supported here: {name} {condition['operator']}")
            rows = [r for r in rows if test(r[name], values)]
        for order in reversed(query.get("orders") or []):  # stable sorts, the last order first
            rows.sort(key=itemgetter(order["fieldName"]), reverse=not order["isAsc"])
        wanted = set(query.get("fieldProjection") or [])
        page = [{k: v for k, v in r.items() if not wanted or k in wanted} for r in rows[offset : offset + limit]]
        listing = any(o["fieldName"] == "last_modified_time" for o in query.get("orders") or [])
        if self.between_pages is not None and listing and len(page) == limit:
            hook, self.between_pages = self.between_pages, None
            hook(page)
        return JSONResponse({"errorCode": 0, "errorMessage": "success", "data": {"dataList": page, "total": len(rows)}})


_CONDITIONS: dict[tuple[str, str], Callable[[Any, list[str]], bool]] = {
    ("last_modified_time", "EQ"): lambda value, values: value == int(values[0]),
    ("last_modified_time", "GT"): lambda value, values: value > int(values[0]),
    ("last_modified_time", "GTE"): lambda value, values: value >= int(values[0]),
    ("_id", "GT"): lambda value, values: value > values[0],
    ("_id", "IN"): lambda value, values: value in values,
}
"""The filters this fake answers (Fxiaoke's operators are documented per field type; these are what the connector
sends); any other is refused rather than ignored."""


def _error(code: int, message: str) -> JSONResponse:
    return JSONResponse({"errorCode": code, "errorMessage": message, "traceId": secrets.token_hex(6)})


@asynccontextmanager
async def running_fake_fxiaoke() -> AsyncIterator[FakeFxiaoke]:
    fake = FakeFxiaoke(url="")
    async with serve(fake.app()) as url:
        fake.url = url  # answered in tokens and links, read per request
        yield fake
