"""A local Zoho CRM: a real HTTP server on 127.0.0.1 that answers as Zoho documents its API, for the connectors'
tests (the shapes and the links are in pacer_connectors/adapters/zoho.py).

It issues access tokens for one client's refresh token (and names itself as the `api_domain`), serves records with
`If-Modified-Since` and `page_token` paging, deleted records, and notification channels it calls back like Zoho:
the callback names the module, the ids and the operation, never the record. A test can expire every token, make
the next calls answer 429 with Retry-After, and deliver a callback again.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pacer_testkit.serving import serve

CLIENT_ID = "1000.FAKECLIENT"
CLIENT_SECRET = "fake-client-secret"
REFRESH_TOKEN = "1000.fake-refresh-token"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)  # Zoho's times have whole seconds


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass
class Channel:
    channel_id: int
    events: list[str]
    notify_url: str
    token: str
    expiry: datetime


@dataclass
class FakeZoho:
    url: str
    per_page_max: int = 200
    page_delay: float = 0.0
    """How long a listing takes to answer, like a large account's: long enough to stop a backfill half-way."""
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    deleted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    token_refreshes: int = 0
    throttled: int = 0
    """The next calls that answer 429."""
    throttled_answers: int = 0
    callbacks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The account's users by id, as `GET /crm/v7/users` gives them (`status` active or disabled)."""
    api_calls: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5_725_767_000_000_001))
    _page_tokens: dict[str, tuple[datetime | None, int]] = field(default_factory=dict)
    _notifying: set[asyncio.Task[None]] = field(default_factory=set)

    # ------------------------------------------------------------ what a CRM user does

    async def create(self, module: str, fields: dict[str, Any], notify: bool = True) -> str:
        record_id = str(next(self._ids))
        now = _now()
        self.records.setdefault(module, {})[record_id] = {
            **fields,
            "id": record_id,
            "Created_Time": fields.get("Created_Time", _time(now)),
            "Modified_Time": _time(now),
        }
        if notify:
            await self._notify(module, "insert", [record_id])
        return record_id

    async def update(self, module: str, record_id: str, notify: bool = True, **fields: Any) -> None:
        self.records[module][record_id].update(fields, Modified_Time=_time(_now()))
        if notify:
            await self._notify(module, "update", [record_id])

    async def delete(self, module: str, record_id: str, notify: bool = True) -> None:
        self.records[module].pop(record_id)
        self.deleted.setdefault(module, []).append(
            {"id": record_id, "type": "recycle", "deleted_time": _time(_now()), "display_name": record_id}
        )
        if notify:
            await self._notify(module, "delete", [record_id])

    # ------------------------------------------------------------ what a test does to Zoho

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def throttle(self, calls: int) -> None:
        self.throttled = calls

    async def redeliver(self, index: int = -1) -> httpx.Response:
        url, body = self.callbacks[index]
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.post(url, json=body)

    # ------------------------------------------------------------ the API

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth/v2/token", self._token, methods=["POST"]),
                Route("/crm/v7/actions/watch", self._watch, methods=["POST"]),
                Route("/crm/v7/users", self._users, methods=["GET"]),
                Route("/crm/v7/{module}/deleted", self._deleted, methods=["GET"]),
                Route("/crm/v7/{module}", self._list, methods=["GET"]),
                Route("/crm/v7/{module}", self._insert, methods=["POST"]),
            ]
        )

    async def _token(self, request: Request) -> Response:
        q = request.query_params
        if q.get("grant_type") != "refresh_token" or (q.get("client_id"), q.get("client_secret")) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return JSONResponse({"error": "invalid_client"})
        if q.get("refresh_token") != REFRESH_TOKEN:
            return JSONResponse({"error": "invalid_code"})  # Zoho says so with HTTP 200
        self.token_refreshes += 1
        token = f"1000.{secrets.token_hex(16)}"
        self.tokens[token] = time.monotonic() + 3600
        return JSONResponse({"access_token": token, "api_domain": self.url, "token_type": "Bearer", "expires_in": 3600})

    def _refused(self, request: Request) -> Response | None:
        self.api_calls += 1
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Zoho-oauthtoken ")
        if not header.startswith("Zoho-oauthtoken ") or self.tokens.get(token, 0) < time.monotonic():
            return JSONResponse(
                {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
                status_code=401,
            )
        if self.throttled > 0:
            self.throttled -= 1
            self.throttled_answers += 1
            return JSONResponse(
                {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "too many requests", "status": "error"},
                status_code=429,
                headers={"Retry-After": "1"},
            )
        return None

    async def _users(self, request: Request) -> Response:
        """`GET /crm/v7/users?type=ActiveUsers&page=&per_page=`: `users` and `info` (`page`, `per_page`, `count`,
        `more_records`), as Zoho's users API and its v2 example answer show them."""
        if refused := self._refused(request):
            return refused
        q = request.query_params
        kind, page, per_page = q.get("type", "AllUsers"), int(q.get("page", 1)), min(int(q.get("per_page", 200)), 200)
        wanted = {"ActiveUsers": "active", "DeactiveUsers": "disabled"}.get(kind)
        users = [u for _, u in sorted(self.users.items()) if wanted is None or u["status"] == wanted]
        chunk = users[(page - 1) * per_page : page * per_page]
        if not chunk:
            return Response(status_code=204)  # Zoho answers an empty listing with 204 and no body
        more = page * per_page < len(users)
        info = {"per_page": per_page, "count": len(chunk), "page": page, "more_records": more}
        return JSONResponse({"users": chunk, "info": info})

    async def _list(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        module, q = request.path_params["module"], request.query_params
        records = self.records.get(module, {})
        if ids := q.get("ids"):
            found = [records[i] for i in ids.split(",") if i in records]
            return JSONResponse({"data": found}) if found else Response(status_code=204)
        await asyncio.sleep(self.page_delay)
        if not q.get("fields"):
            return JSONResponse({"code": "REQUIRED_PARAM_MISSING", "details": {"param": "fields"}}, status_code=400)
        per_page = min(int(q.get("per_page", 200)), self.per_page_max)
        if token := q.get("page_token"):
            if token not in self._page_tokens:
                return JSONResponse({"code": "INVALID_DATA", "details": {"param": "page_token"}}, status_code=400)
            since, offset = self._page_tokens[token]
        else:
            since, offset = _since(request), 0
        matching = sorted(
            (r for r in records.values() if since is None or datetime.fromisoformat(r["Modified_Time"]) >= since),
            key=lambda r: int(r["id"]),
        )
        page = matching[offset : offset + per_page]
        more = offset + per_page < len(matching)
        info: dict[str, Any] = {"per_page": per_page, "count": len(page), "more_records": more}
        if more:
            next_token = secrets.token_hex(12)
            self._page_tokens[next_token] = (since, offset + per_page)
            info["next_page_token"] = next_token
        if not page:
            return Response(status_code=304 if since else 204)
        return JSONResponse({"data": page, "info": info})

    async def _insert(self, request: Request) -> Response:
        """Zoho's insert-records call, `POST /crm/v7/{module}` with `{"data": [...]}`, as a CRM client (the demo's
        users) adds records (https://www.zoho.com/crm/developer/docs/api/v7/insert-records.html). The channel is
        called back after the answer, as Zoho notifies asynchronously."""
        if refused := self._refused(request):
            return refused
        module = request.path_params["module"]
        ids = [await self.create(module, record, notify=False) for record in (await request.json())["data"]]
        task = asyncio.create_task(self._notify(module, "insert", ids))
        self._notifying.add(task)
        task.add_done_callback(self._notifying.discard)
        return JSONResponse(
            {
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": record_id, "Created_Time": self.records[module][record_id]["Created_Time"]},
                        "message": "record added",
                        "status": "success",
                    }
                    for record_id in ids
                ]
            },
            status_code=201,
        )

    async def _deleted(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        module, q = request.path_params["module"], request.query_params
        since = _since(request)
        matching = [
            d
            for d in self.deleted.get(module, [])
            if since is None or datetime.fromisoformat(d["deleted_time"]) >= since
        ]
        per_page, page = min(int(q.get("per_page", 200)), self.per_page_max), int(q.get("page", 1))
        chunk = matching[(page - 1) * per_page : page * per_page]
        if not chunk:
            return Response(status_code=204)
        more = page * per_page < len(matching)
        return JSONResponse(
            {"data": chunk, "info": {"per_page": per_page, "count": len(chunk), "page": page, "more_records": more}}
        )

    async def _watch(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        answers = []
        for item in (await request.json())["watch"]:
            channel = Channel(
                int(item["channel_id"]),
                list(item["events"]),
                item["notify_url"],
                item["token"],
                datetime.fromisoformat(item["channel_expiry"]),
            )
            self.channels[channel.channel_id] = channel
            answers.append(
                {
                    "code": "SUCCESS",
                    "details": {
                        "events": [
                            {"channel_expiry": item["channel_expiry"], "resource_name": e} for e in channel.events
                        ]
                    },
                    "message": "Successfully subscribed for actions-watch of the given module",
                    "status": "success",
                }
            )
        return JSONResponse({"watch": answers})

    async def _notify(self, module: str, operation: str, ids: list[str]) -> None:
        for channel in list(self.channels.values()):
            if channel.expiry < datetime.now(UTC) or not {f"{module}.all", f"{module}.{operation}"} & set(
                channel.events
            ):
                continue
            body = {
                "server_time": int(time.time() * 1000),
                "query_params": {},
                "module": module,
                "resource_uri": f"{self.url}/crm/v7/{module}",
                "ids": ids,
                "affected_fields": [],
                "operation": operation,
                "channel_id": channel.channel_id,
                "token": channel.token,
            }
            self.callbacks.append((channel.notify_url, body))
            async with httpx.AsyncClient(timeout=30) as http:
                await http.post(channel.notify_url, json=body)


def _since(request: Request) -> datetime | None:
    header = request.headers.get("If-Modified-Since")
    return datetime.fromisoformat(header) if header else None


@asynccontextmanager
async def running_fake_zoho() -> AsyncIterator[FakeZoho]:
    fake = FakeZoho(url="")
    async with serve(fake.app()) as url:
        fake.url = url  # answered in tokens and links, read per request
        yield fake


def main() -> None:
    """A fake Zoho of its own on a fixed port, for the demo's connector (`PACER_DEMO_CRM=zoho make run`)."""
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    fake = FakeZoho(url=f"http://127.0.0.1:{port}")
    uvicorn.run(fake.app(), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
