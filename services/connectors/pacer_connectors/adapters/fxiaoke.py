"""Fxiaoke (纷享销客) CRM's Open API v2 over plain `httpx.AsyncClient` (Fxiaoke publishes no Python SDK).

As Fxiaoke documents it (cited from its developer site):
- token: `POST {cloud}/cgi/corpAccessToken/get/V2` with `appId`, `appSecret`, `permanentCode`; the answer's
  `corpAccessToken`, `corpId` and `expiresIn` (up to 7200 s: the same token is returned for 6,600 s, a new one only
  in the last 600), `errorCode` and `errorMessage`: https://developer.fxiaoke.com/openapi_v2/en/start/example/old.html
- no headers: `corpAccessToken`, `corpId` and `currentOpenUserId` travel in every JSON body beside `data`
  (same page), and HTTP is 200 even for errors: `errorCode` 0 is success.
- query: `POST {cloud}/cgi/crm/v2/data/query` with `data.dataObjectApiName` and `data.search_query_info`
  (`limit` at most 100, `offset` a multiple of it from 0, `filters` of `field_name`, `field_values`, `operator`
  such as GTE, `orders` of `fieldName` and `isAsc`, `fieldProjection`):
  https://www.fxiaoke.com/mob/guide/openapi/dist/en/pages/open-api/collection/object/AccountObj/query-acc/
- deep paging (offset + limit is capped at 10,000) and rate limits:
  https://developer.fxiaoke.com/openapi_v2/FAQ/deep-paging.html and .../start/guide/rate.html
- users (the roster from the CRM's users): `POST {cloud}/cgi/user/list`, "获取部门下成员信息(详细)", with
  `departmentId`, `fetchChild` and `showDepartmentIdsDetail` at the top of the body beside the credentials (not in
  `data`); `departmentId` 999999 is the whole company (the brief member list's page says so:
  https://www.fxiaoke.com/mob/guide/openapi/dist/en/pages/open-api/collection/address/member/list/). No paging is
  documented: one answer holds every member. The answer's `userList` holds each member's `openUserId` (the id a
  record's `owner` names), `name`, `nickName`, `isStop` (true: stopped, i.e. left), `email`, `mobile`, `position`,
  `departmentIds`, `mainDepartmentId` and `attachingDepartmentIds` (with showDepartmentIdsDetail), `employeeNumber`,
  `hireDate`, `createTime` and `leaderId` (汇报对象, the open user id of whom they report to). Fxiaoke's legacy wiki
  (http://open.fxiaoke.com/wiki.html#artiId=22) as the SDK zswang/fxiaoke-api (lib/index.ts, `IUserList`) types it;
  the request and `userList` as Fxiaoke's own demo reads them (openfxiaoke/demo,
  fs-open-demo/.../beans/args/DeptUserListArg.java and beans/results/DeptUserListResult.java); the current page's
  fields and example as fxp/skillify transcribes developer.fxiaoke.com/openapi_v2 (skills/fxiaoke/references/
  org-directory.md, section 2.1). Fxiaoke's users carry no time zone, locale or CRM role here (roles have their own
  endpoints, whose answers are not documented): a user's `position` stands for the role the mapping's `roles` name.

Fxiaoke's documentation pages name their error codes per page; this client does not depend on them: any non-zero
`errorCode` on a data call is answered by fetching a token once and trying again (an expired or revoked token),
and one that persists fails the pass, which is retried after RETRY_SECONDS (a quota that resets).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from pacer_connectors.domain.mapping import FxiaokeSettings
from pacer_connectors.domain.records import CrmRecord

LIMIT = 100
WHOLE_COMPANY = 999_999
"""The department id that stands for the whole company in the member lists."""
DEEPEST_OFFSET = 10_000
"""Past this, a query is not paged further: the next one starts from the last modification time read."""
TOKEN_REUSE = 6_600
"""Seconds in which the token endpoint returns the same token: asking again sooner only spends its rate limit."""
SYSTEM_FIELDS = ("_id", "last_modified_time", "life_status", "is_deleted")


class FxiaokeError(Exception):
    """Fxiaoke refused or failed a call: the message names it, its errorCode and errorMessage."""


@dataclass
class Page:
    records: list[CrmRecord]
    more: bool


class FxiaokeClient:
    def __init__(self, settings: FxiaokeSettings, app_secret: str, permanent_code: str, timeout: float = 30) -> None:
        self._settings = settings
        self._secret = app_secret
        self._code = permanent_code
        self._http = httpx.AsyncClient(base_url=settings.base_url.rstrip("/"), timeout=timeout)
        self._token: tuple[str, str] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def query(self, crm_object: str, fields: Sequence[str], since: datetime | None, offset: int) -> Page:
        """One page of the object's records modified at or after `since`, oldest modification first."""
        filters = (
            [{"field_name": "last_modified_time", "field_values": [_ms(since)], "operator": "GTE"}] if since else []
        )
        data = {
            "dataObjectApiName": crm_object,
            "find_explicit_total_num": False,
            "search_query_info": {
                "limit": LIMIT,
                "offset": offset,
                "filters": filters,
                "orders": [{"fieldName": "last_modified_time", "isAsc": True}],
                "fieldProjection": sorted({*fields, *SYSTEM_FIELDS}),
            },
        }
        body = await self._call("/cgi/crm/v2/data/query", {"data": data})
        items = (body.get("data") or {}).get("dataList") or []
        records = [_record(crm_object, item) for item in items]
        return Page(records, more=len(items) == LIMIT)

    async def active_users(self, team_field: str | None = None) -> list[dict[str, Any]]:
        """The company's members who are not stopped, in the shape `domain/crm_roster.py` reads (Zoho's)."""
        body = await self._call(
            "/cgi/user/list", {"departmentId": WHOLE_COMPANY, "fetchChild": True, "showDepartmentIdsDetail": True}
        )
        return users_of(body, team_field)

    async def _call(self, path: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """One call with the credentials beside `arguments` in the body (the CRM calls put theirs in `data`)."""
        for attempt in (1, 2):
            corp_id, token = await self._access(renew=attempt == 2)
            body = {
                "corpAccessToken": token,
                "corpId": corp_id,
                "currentOpenUserId": self._settings.current_open_user_id,
            }
            answer = _json(await self._http.post(path, json={**body, **arguments}))
            if answer.get("errorCode") == 0:
                return answer
        # traceId: the request's own id in Fxiaoke's answers, by which Fxiaoke can find that call.
        trace = f" (traceId {answer['traceId']})" if answer.get("traceId") else ""
        raise FxiaokeError(
            f"{path}: errorCode {answer.get('errorCode')} {answer.get('errorMessage', '')}{trace}".strip()
        )

    async def _access(self, renew: bool) -> tuple[str, str]:
        async with self._lock:
            if renew or self._token is None or time.monotonic() - self._fetched_at >= TOKEN_REUSE:
                await self._fetch_token()
            assert self._token is not None
            return self._token

    async def _fetch_token(self) -> None:
        s = self._settings
        answer = _json(
            await self._http.post(
                "/cgi/corpAccessToken/get/V2",
                json={"appId": s.app_id, "appSecret": self._secret, "permanentCode": self._code},
            )
        )
        if answer.get("errorCode") != 0 or "corpAccessToken" not in answer:
            raise FxiaokeError(f"token refused: errorCode {answer.get('errorCode')} {answer.get('errorMessage', '')}")
        self._token = (str(answer["corpId"]), str(answer["corpAccessToken"]))
        self._fetched_at = time.monotonic()


def users_of(answer: dict[str, Any], team_field: str | None) -> list[dict[str, Any]]:
    """The members of a `/cgi/user/list` answer who are not stopped, each as Zoho's users API would show them. A member
    whose `isStop` is neither false nor 0 (the legacy wiki types it a number) is not active: left out, not guessed."""
    users: list[dict[str, Any]] = []
    for item in answer.get("userList") or []:
        if not isinstance(item, dict) or not item.get("openUserId") or item.get("isStop") not in (False, 0):
            continue
        position, leader = item.get("position"), item.get("leaderId")
        users.append(
            {
                "id": str(item["openUserId"]),
                "email": item.get("email") or None,
                "full_name": item.get("name") or item.get("nickName"),
                "status": "active",
                "role": {"name": position} if position else None,
                "Reporting_To": {"id": str(leader)} if leader else None,
                **({team_field: item.get(team_field)} if team_field else {}),
            }
        )
    return users


def _record(crm_object: str, item: dict[str, Any]) -> CrmRecord:
    voided = item.get("life_status") == "invalid" or item.get("is_deleted") is True
    modified = datetime.fromtimestamp(int(item["last_modified_time"]) / 1000, UTC)
    return CrmRecord(crm_object, str(item["_id"]), item, modified, voided=voided)


def _ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"errorCode": -1, "errorMessage": f"HTTP {response.status_code}, not JSON"}
    return body if isinstance(body, dict) else {"errorCode": -1, "errorMessage": "not a JSON object"}
