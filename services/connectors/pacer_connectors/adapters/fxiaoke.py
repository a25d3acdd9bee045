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
- deep paging: `offset` is capped at 10,000 (past it: errorCode 10013, "offset out of range 10000"); the documented
  way past it is a cursor on `_id` (offset always 0, `_id` GT the last one read, beside the other filters, which
  are ANDed): https://developer.fxiaoke.com/openapi_v2/FAQ/deep-paging.html, as fxp/skillify transcribes it
  (skills/fxiaoke/references/query-and-paging.md, sections 4 and 5); rate limits: .../start/guide/rate.html.
  This client never pages by offset: every query asks from the last (`last_modified_time`, `_id`) read (keyset
  paging), so neither the cap nor a record edited while a pass pages (which moves it to the end of an offset
  listing and shifts the rows after it back by one) makes a row be skipped; `EQ`, `GT` and `GTE` are among the
  documented operators (same page, section 3).
- deletion: Fxiaoke deletes in two steps, "作废" (void: `POST /cgi/crm/v2/data/invalid`, into the recycle bin,
  `life_status` `invalid`, recoverable) and then "删除" of a voided record only (`POST /cgi/crm/v2/data/delete`:
  "删除之前请先作废数据"), as the developer site's object pages say (fxp/skillify, skills/fxiaoke/references/
  crm-preset-objects.md, section 5). A record's answer carries `is_deleted`; nothing documents that a query
  returns records deleted outright, nor any feed or recycle-bin query of them. So a void seen by a pass is
  retracted at once, and a record voided and deleted between two passes is found by asking for the ids the
  connector counted (`_id` IN, at most 100 a call): one the query no longer returns is gone (`existing`).
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
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from pacer_connectors.domain.mapping import FxiaokeSettings
from pacer_connectors.domain.records import CrmRecord

LIMIT = 100
WHOLE_COMPANY = 999_999
"""The department id that stands for the whole company in the member lists."""
PAST = ">"
"""A cursor's `after_id` once the rest of its millisecond is read: the next page starts strictly after it."""
TOKEN_REUSE = 6_600
"""Seconds in which the token endpoint returns the same token: asking again sooner only spends its rate limit."""
SYSTEM_FIELDS = ("_id", "last_modified_time", "life_status", "is_deleted")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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

    async def query(self, crm_object: str, fields: Sequence[str], since: datetime | None, after_id: str | None) -> Page:
        """One page of the object's records in (`last_modified_time`, `_id`) order, from offset 0 always.

        `after_id` None: the records modified at or after `since` (every record without one); `after_id` PAST:
        those modified strictly after `since`; any other `after_id`: the rest of the millisecond `since`, the
        records modified in it whose `_id` is greater (a millisecond can hold more records than a page)."""
        if since is None:
            filters, orders = [], [_order("last_modified_time"), _order("_id")]
        elif after_id is None or after_id == PAST:
            operator = "GTE" if after_id is None else "GT"
            filters, orders = [_filter("last_modified_time", operator, _ms(since))], [_order("last_modified_time")]
            orders.append(_order("_id"))
        else:
            filters = [_filter("last_modified_time", "EQ", _ms(since)), _filter("_id", "GT", after_id)]
            orders = [_order("_id")]
        items = await self._query(crm_object, fields, filters, orders)
        return Page([_record(crm_object, item) for item in items], more=len(items) == LIMIT)

    async def existing(self, crm_object: str, fields: Sequence[str], ids: Sequence[str]) -> list[CrmRecord]:
        """Which of these records the query still returns, as they stand now."""
        found: list[CrmRecord] = []
        for start in range(0, len(ids), LIMIT):
            chunk = list(ids[start : start + LIMIT])
            items = await self._query(crm_object, fields, [_filter("_id", "IN", *chunk)], [_order("_id")])
            found += [_record(crm_object, item) for item in items]
        return found

    async def _query(
        self, crm_object: str, fields: Sequence[str], filters: list[dict[str, Any]], orders: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        data = {
            "dataObjectApiName": crm_object,
            "find_explicit_total_num": False,
            "search_query_info": {
                "limit": LIMIT,
                "offset": 0,
                "filters": filters,
                "orders": orders,
                "fieldProjection": sorted({*fields, *SYSTEM_FIELDS}),
            },
        }
        body = await self._call("/cgi/crm/v2/data/query", {"data": data})
        items = (body.get("data") or {}).get("dataList") or []
        return [item for item in items if isinstance(item, dict)]

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
    modified = EPOCH + timedelta(milliseconds=int(item["last_modified_time"]))
    return CrmRecord(crm_object, str(item["_id"]), item, modified, voided=voided)


def _filter(field: str, operator: str, *values: str) -> dict[str, Any]:
    return {"field_name": field, "field_values": list(values), "operator": operator}


def _order(field: str) -> dict[str, Any]:
    return {"fieldName": field, "isAsc": True}


def _ms(moment: datetime) -> str:
    """Milliseconds since the epoch, exactly (a float's rounding could move a boundary by one)."""
    return str((moment - EPOCH) // timedelta(milliseconds=1))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"errorCode": -1, "errorMessage": f"HTTP {response.status_code}, not JSON"}
    return body if isinstance(body, dict) else {"errorCode": -1, "errorMessage": "not a JSON object"}
