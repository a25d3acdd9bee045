"""A local Fxiaoke (纷享销客) Open API: a real HTTP server on 127.0.0.1 answering as Fxiaoke documents it, for the
connectors' tests (the shapes and the links are in pacer_connectors/adapters/fxiaoke.py).

Every answer is HTTP 200 and says how it went in `errorCode` (0: success). It issues corp access tokens (and
refuses to issue them faster than its own limit), answers `/cgi/crm/v2/data/query` with filters on
`last_modified_time`, ascending order and offset paging (limit at most 100, offsets below 10,000), and
`/cgi/user/list` (the company's members in detail, unpaged, as the documentation shows them; the links are in
pacer_connectors/adapters/fxiaoke.py). A test can expire every token and make the next calls answer with a quota
error.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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

    def update(self, crm_object: str, record_id: str, **fields: Any) -> None:
        self.records[crm_object][record_id].update(fields, last_modified_time=self._now_ms())

    def void(self, crm_object: str, record_id: str) -> None:
        self.update(crm_object, record_id, life_status="invalid")

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
        if limit > 100 or offset % limit or offset + limit > 10_000:
            return _error(10001, "limit at most 100, offset a multiple of it, below 10000")
        rows = list(self.records.get(data["dataObjectApiName"], {}).values())
        for condition in query.get("filters", []):
            if condition["field_name"] == "last_modified_time" and condition["operator"] == "GTE":
                rows = [r for r in rows if r["last_modified_time"] >= int(condition["field_values"][0])]
        rows.sort(key=lambda r: r["last_modified_time"])
        wanted = set(query.get("fieldProjection") or [])
        page = [{k: v for k, v in r.items() if not wanted or k in wanted} for r in rows[offset : offset + limit]]
        return JSONResponse({"errorCode": 0, "errorMessage": "success", "data": {"dataList": page, "total": len(rows)}})


def _error(code: int, message: str) -> JSONResponse:
    return JSONResponse({"errorCode": code, "errorMessage": message, "traceId": secrets.token_hex(6)})


@asynccontextmanager
async def running_fake_fxiaoke() -> AsyncIterator[FakeFxiaoke]:
    fake = FakeFxiaoke(url="")
    async with serve(fake.app()) as url:
        fake.url = url  # answered in tokens and links, read per request
        yield fake
