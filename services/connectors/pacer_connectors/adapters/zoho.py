"""Zoho CRM's REST API (v7) over plain `httpx.AsyncClient`.

Not Zoho's Python SDK (zohocrmsdk): it is synchronous and keeps its configuration, tokens and user in global state
(`Initializer.initialize`), one account per process; this service serves several connections on one event loop.

Every endpoint and field used here, as Zoho documents it (the pages found; each names the path as
`{api-domain}/crm/{version}/...`, and this client uses version v7):
- OAuth refresh-token grant, `POST {accounts-server}/oauth/v2/token` with client_id, client_secret,
  grant_type=refresh_token, refresh_token; the answer names `access_token`, `expires_in` and `api_domain`, the
  domain every API call must use; at most ten access tokens per ten minutes per refresh token:
  https://zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
  https://www.zoho.com/assist/api/refresh-access-token.html (each data centre's accounts server)
- `Authorization: Zoho-oauthtoken {access_token}` on every call, `If-Modified-Since` (ISO 8601) for changes since,
  `fields` (required when listing, at most 50), `ids`:
  https://prewww.zoho.com/crm/developer/docs/api/v5/get-records.html; `per_page` at most 200, and
  `info.more_records` / `info.next_page_token`, passed back as `page_token` past the first 2,000 records, as the
  issue this service answers (#22) names them: not found on a page the search reaches, and the fake follows them.
- deleted records: `GET /crm/{version}/{module}/deleted` with If-Modified-Since, each item's `id` and
  `deleted_time`: https://zoho.com/de/crm/help/api-diff/getDeletedRecordIds.html (`type=all`, as #22 names it)
- the Notifications API: `POST {api-domain}/crm/{version}/actions/watch` with `watch: [{channel_id, events
  ("Deals.all"), channel_expiry, token, notify_url}]`; the token comes back in the callback's body so the receiver
  can verify it: https://www.zoho.com/crm/developer/docs/api/v2.1/notifications/enable.html,
  https://www.zoho.com/crm/developer/docs/javascript-sdk/notification-samples.html and
  https://zoho.com/crm/developer/docs/api/v6/notifications/overview.html
- users: `GET /crm/{version}/users` with `type` (`ActiveUsers`), `page` and `per_page` (at most 200), answering
  `users` and `info.more_records`: https://www.zoho.com/deluge/help/crm/get-user-data.html and
  https://www.zoho.com/de/crm/help/api-diff/getUsers.html (fields in `domain/crm_roster.py`)
- limits: HTTP 429 with code TOO_MANY_REQUESTS; an expired access token: 401 with code INVALID_TOKEN (as #22
  names them; the status-code pages were not reached by the search).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from pacer_connectors.domain.mapping import ZohoSettings
from pacer_connectors.domain.records import CrmRecord, Deletion
from pacer_shared.logs import get_logger

log = get_logger(__name__)

API = "/crm/v7"
PER_PAGE = 200
EXPIRED_TOKEN_CODES = frozenset({"INVALID_TOKEN", "AUTHENTICATION_FAILURE", "OAUTH_SCOPE_MISMATCH"})
MAX_RETRY_AFTER = 60.0
"""The longest wait a 429's Retry-After may impose before a call is given up (and retried at the next poll)."""


class ZohoError(Exception):
    """Zoho refused or failed a call; the message names the call and Zoho's code."""


class ZohoRefused(ZohoError):
    """Zoho answered 400: the request itself was wrong (an unknown field, an expired page token)."""


@dataclass
class Page:
    records: list[CrmRecord]
    next_page_token: str | None
    more: bool


@dataclass
class DeletedPage:
    deletions: list[Deletion]
    more: bool


class ZohoClient:
    def __init__(
        self, settings: ZohoSettings, client_secret: str, refresh_token: str, *, attempts: int = 6, timeout: float = 30
    ) -> None:
        self._settings = settings
        self._secret = client_secret
        self._refresh_token = refresh_token
        self._attempts = attempts
        self._http = httpx.AsyncClient(timeout=timeout)
        self._token: str | None = None
        self._token_expires = 0.0
        self._api_domain: str | None = None
        self._refreshing = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------ records

    async def records(self, module: str, fields: Sequence[str], since: datetime | None, page_token: str | None) -> Page:
        params: dict[str, Any] = {"fields": ",".join(sorted({*fields, "Modified_Time"})), "per_page": PER_PAGE}
        if page_token:
            params["page_token"] = page_token
        body = await self._get(f"{API}/{module}", params, since)
        info = body.get("info") or {}
        return Page(
            [_record(module, item) for item in body.get("data") or []],
            info.get("next_page_token"),
            bool(info.get("more_records")),
        )

    async def records_by_ids(self, module: str, fields: Sequence[str], ids: Sequence[str]) -> list[CrmRecord]:
        found: list[CrmRecord] = []
        for start in range(0, len(ids), 100):  # `ids` takes at most 100 per call
            body = await self._get(
                f"{API}/{module}",
                {"ids": ",".join(ids[start : start + 100]), "fields": ",".join(sorted({*fields, "Modified_Time"}))},
            )
            found.extend(_record(module, item) for item in body.get("data") or [])
        return found

    async def deleted(self, module: str, since: datetime | None, page: int) -> DeletedPage:
        body = await self._get(f"{API}/{module}/deleted", {"type": "all", "page": page, "per_page": PER_PAGE}, since)
        deletions = [
            Deletion(module, str(item["id"]), datetime.fromisoformat(item["deleted_time"]))
            for item in body.get("data") or []
        ]
        return DeletedPage(deletions, bool((body.get("info") or {}).get("more_records")))

    async def active_users(self, team_field: str | None = None) -> list[dict[str, Any]]:
        """Every active user of the account, all pages (an account has hundreds at most); Zoho answers every field,
        `team_field` among them."""
        users: list[dict[str, Any]] = []
        page = 1
        while True:
            body = await self._get(f"{API}/users", {"type": "ActiveUsers", "page": page, "per_page": PER_PAGE})
            users.extend(u for u in body.get("users") or [] if isinstance(u, dict))
            if not (body.get("info") or {}).get("more_records"):
                return users
            page += 1

    async def watch(
        self, channel_id: int, events: Sequence[str], notify_url: str, token: str, expiry: datetime
    ) -> None:
        """Subscribe (or re-subscribe: the same channel_id replaces the old expiry) to these events' callbacks."""
        body = {
            "watch": [
                {
                    "channel_id": channel_id,
                    "events": list(events),
                    "notify_url": notify_url,
                    "token": token,
                    "channel_expiry": expiry.astimezone(UTC).isoformat(timespec="seconds"),
                }
            ]
        }
        await self._call("POST", f"{API}/actions/watch", json=body)

    # ------------------------------------------------------------ the calls

    async def _get(self, path: str, params: dict[str, Any], since: datetime | None = None) -> dict[str, Any]:
        headers = {"If-Modified-Since": since.isoformat(timespec="seconds")} if since else {}
        return await self._call("GET", path, params=params, headers=headers)

    async def _call(self, method: str, path: str, **options: Any) -> dict[str, Any]:
        """One API call: refreshing an expired token once, and waiting out 429s as Retry-After says."""
        refreshed = False
        for attempt in range(1, self._attempts + 1):
            token, domain = await self._access()
            headers = {**options.pop("headers", {}), "Authorization": f"Zoho-oauthtoken {token}"}
            response = await self._http.request(method, domain + path, headers=headers, **options)
            options["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            if response.status_code in (204, 304):
                return {}  # nothing (modified since)
            body = _json(response)
            if response.status_code == 401 and body.get("code") in EXPIRED_TOKEN_CODES and not refreshed:
                refreshed = True
                self._token = None  # expired or revoked early: refresh once, then try again
                continue
            if response.status_code == 429 and attempt < self._attempts:
                wait = _retry_after(response, attempt)
                log.warning("zoho rate limit; waiting", path=path, seconds=wait)
                await asyncio.sleep(wait)
                continue
            if response.status_code == 400:
                raise ZohoRefused(f"{method} {path}: HTTP 400 {body.get('code', '')}".strip())
            if response.status_code >= 400:
                raise ZohoError(f"{method} {path}: HTTP {response.status_code} {body.get('code', '')}".strip())
            return body
        raise ZohoError(f"{method} {path}: still limited after {self._attempts} attempts")

    async def _access(self) -> tuple[str, str]:
        async with self._refreshing:
            if self._token is None or time.monotonic() >= self._token_expires:
                await self._refresh()
            assert self._token is not None
            assert self._api_domain is not None
            return self._token, self._api_domain

    async def _refresh(self) -> None:
        s = self._settings
        response = await self._http.post(
            f"{s.accounts_url.rstrip('/')}/oauth/v2/token",
            params={
                "refresh_token": self._refresh_token,
                "client_id": s.client_id,
                "client_secret": self._secret,
                "grant_type": "refresh_token",
            },
        )
        body = _json(response)
        if response.status_code != 200 or "access_token" not in body:
            # Zoho answers a bad refresh token with 200 and {"error": "invalid_code"}.
            raise ZohoError(f"token refresh refused: {body.get('error', response.status_code)}")
        self._token = body["access_token"]
        # A minute early: a token that expires between this check and Zoho's is refreshed by the 401 path anyway.
        self._token_expires = time.monotonic() + float(body.get("expires_in", 3600)) - 60
        self._api_domain = (s.api_domain or body.get("api_domain") or "https://www.zohoapis.com").rstrip("/")


def _record(module: str, item: dict[str, Any]) -> CrmRecord:
    return CrmRecord(module, str(item["id"]), item, datetime.fromisoformat(item["Modified_Time"]))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: httpx.Response, attempt: int) -> float:
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        wait = 2.0**attempt  # no usable header: back off exponentially
    return min(max(wait, 0.0), MAX_RETRY_AFTER)
