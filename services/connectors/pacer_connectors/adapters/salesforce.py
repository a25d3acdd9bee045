"""Salesforce's REST API and its Outbound Messages, over plain `httpx.AsyncClient` and defusedxml.

Not simple-salesforce (nor Salesforce's own SDKs): simple-salesforce is synchronous (`requests`), and this service
serves several connections on one event loop; the handful of calls below need nothing more than httpx.

Every name used here, as Salesforce documents it:
- OAuth 2.0 JWT bearer flow: `POST {login}/services/oauth2/token` with
  `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and `assertion`, a JWT signed RS256 whose claims are `iss`
  (the consumer key), `sub` (the username), `aud` (https://login.salesforce.com, or test. for a sandbox) and `exp`;
  no refresh token is issued, a new assertion is the way to a new token:
  https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm (claims as listed in
  https://developer.salesforce.com/docs/platform/named-credentials/references/named-credentials-reference/jwt-claims.html)
- OAuth 2.0 client credentials flow: the same endpoint on the org's My Domain with `grant_type=client_credentials`,
  `client_id` and `client_secret`: https://help.salesforce.com/s/articleView?id=000886201&type=1 and
  https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_endpoints.htm. Either answer names
  `access_token` and `instance_url`, where every API call goes, and no `expires_in`: the token is used until a call
  answers INVALID_SESSION_ID.
- Query: `GET /services/data/vXX.X/query?q=SOQL`, answering `totalSize`, `done`, `records` and, when not done,
  `nextRecordsUrl` (`/services/data/vXX.X/query/01gD0000002HU6KIAW-2000`), fetched as it is:
  https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.md and
  .../resources-query-more-results.md. `SystemModstamp`, changed by users and automated processes alike (unlike
  LastModifiedDate), is what catch-up filters and orders on:
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/system_fields.htm
- Deleted records: `GET /services/data/vXX.X/sobjects/{Type}/deleted/?start=&end=` (ISO 8601, UTC), answering
  `deletedRecords` (`id`, `deletedDate`), `earliestDateAvailable` and `latestDateCovered`, the next `start`; only
  the last 15 days are kept: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getdeleted.md
  and https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getdeleted_getdeletedresult.htm
  (`earliestDateAvailable`: when the last physically deleted record was; the delete log is also purged early, every
  two hours, oldest first, once it holds more than a limit, and `deletedDate` is the record's SystemModstamp).
- Deletions the delete log no longer answers for: `GET /services/data/vXX.X/queryAll?q=SOQL`, which unlike `query`
  returns records soft-deleted by a delete or a merge (`WHERE IsDeleted = true`) until they are removed from the
  Recycle Bin, followed through `nextRecordsUrl` like a query:
  https://developer.salesforce.com/docs/platform/api-rest/guide/resources-queryall.md and .../dome-queryall.md;
  queryAll() "has read-only access to the field isDeleted":
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_queryall.htm
- Errors: a JSON array of `{message, errorCode}`; 401 INVALID_SESSION_ID for an expired or revoked session, 403
  REQUEST_LIMIT_EXCEEDED when the org's API limit (a rolling 24 hours, or concurrent long requests) is spent:
  https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.md and
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_concepts_errorhandling.htm
- Users: `SELECT ... FROM User WHERE IsActive = true AND UserType = 'Standard'` (people with a Salesforce licence,
  not portal or automated users), with `Name`, `FirstName`, `LastName`, `Email`, `ManagerId`, `TimeZoneSidKey` (an
  IANA zone, e.g. `Asia/Shanghai`), `LocaleSidKey` (`zh_CN`) and the role's `UserRole.Name`:
  https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_user.htm
- Outbound Messages: a SOAP `notifications` element (namespace http://soap.sforce.com/2005/09/outbound) with
  `OrganizationId`, `ActionId`, `SessionId`, `EnterpriseUrl`, `PartnerUrl` and up to 100 `Notification`s, each an
  `Id` and an `sObject` (`xsi:type="sf:Opportunity"`, fields in urn:sobject.enterprise.soap.sforce.com); answered by
  `notificationsResponse` with `<Ack>true</Ack>`. Delivered at least once, retried for 24 hours, possibly out of
  order; the `Notification/Id` tells a redelivery:
  https://developer.salesforce.com/docs/platform/api/guide/sforce-api-om-outboundmessaging-wsdl.html and
  https://developer.salesforce.com/docs/atlas.en-us.194.0.api.meta/api/sforce_api_om_outboundmessaging_notifications.htm
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

import httpx
import jwt
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from pacer_connectors.domain.mapping import SalesforceSettings
from pacer_connectors.domain.records import CrmRecord, Deletion
from pacer_shared.logs import get_logger

log = get_logger(__name__)

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_SECONDS = 180
"""An assertion's life: Salesforce allows three minutes (and as much clock skew)."""
LIMIT_ATTEMPTS = 3
RECORD_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
IDS_PER_QUERY = 200
"""Ids per `Id IN (...)` query: far inside SOQL's 100,000-character statement limit."""


class SalesforceError(Exception):
    """Salesforce refused or failed a call; the message names the call and Salesforce's errorCode."""


class SalesforceRefused(SalesforceError):
    """A 400 or 404: the request itself was wrong (a query locator that expired, an unknown field)."""


class SalesforceLimited(SalesforceError):
    """REQUEST_LIMIT_EXCEEDED, still after backing off: the pass fails and is retried later."""


@dataclass
class Page:
    records: list[CrmRecord]
    next_records_url: str | None


@dataclass
class DeletedPage:
    deletions: list[Deletion]
    latest_covered: datetime
    earliest_available: datetime | None
    """The delete log holds nothing older: deletions before it are read from the Recycle Bin (`in_recycle_bin`)."""


class SalesforceClient:
    def __init__(self, settings: SalesforceSettings, secret: str, *, timeout: float = 30) -> None:
        self._settings = settings
        self._secret = secret
        """The PEM private key (JWT bearer) or the client secret (client credentials)."""
        self._http = httpx.AsyncClient(timeout=timeout)
        self._token: tuple[str, str] | None = None
        self._lock = asyncio.Lock()
        self.token_requests = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def _data(self) -> str:
        return f"/services/data/v{self._settings.api_version}"

    # ------------------------------------------------------------ records

    async def query(
        self, sobject: str, fields: Sequence[str], owner_field: str, since: datetime | None, next_url: str | None
    ) -> Page:
        """Records modified at or after `since`, oldest SystemModstamp first; or the page `next_url` names."""
        if next_url is not None:
            body = await self._call("GET", next_url)
        else:
            where = f" WHERE SystemModstamp >= {_soql_time(since)}" if since else ""
            soql = f"SELECT {_select(fields, owner_field)} FROM {sobject}{where} ORDER BY SystemModstamp ASC, Id ASC"  # noqa: S608 (API names checked by the mapping)
            body = await self._call("GET", f"{self._data}/query", params={"q": soql})
        records = [_record(sobject, owner_field, item) for item in body.get("records") or []]
        return Page(records, None if body.get("done", True) else body.get("nextRecordsUrl"))

    async def by_ids(
        self, sobject: str, fields: Sequence[str], owner_field: str, ids: Sequence[str]
    ) -> list[CrmRecord]:
        """The current state of these records (ids checked by `parse_outbound`, so nothing else reaches the SOQL)."""
        found: list[CrmRecord] = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            quoted = ",".join(f"'{i}'" for i in ids[start : start + IDS_PER_QUERY] if RECORD_ID.match(i))
            soql = f"SELECT {_select(fields, owner_field)} FROM {sobject} WHERE Id IN ({quoted})"  # noqa: S608 (ids checked)
            found += [_record(sobject, owner_field, item) for item in await self._every_row(soql)]
        return found

    async def active_users(self, team_field: str | None) -> list[dict[str, Any]]:
        """The org's active users with a Salesforce licence, in the shape `domain/crm_roster.py` reads (Zoho's)."""
        fields = ["Id", "Name", "FirstName", "LastName", "Email", "ManagerId", "TimeZoneSidKey", "LocaleSidKey"]
        fields += ["UserRole.Name", *([team_field] if team_field else [])]
        soql = f"SELECT {', '.join(fields)} FROM User WHERE IsActive = true AND UserType = 'Standard'"  # noqa: S608 (team_field checked by the mapping)
        users: list[dict[str, Any]] = []
        for item in await self._every_row(soql):
            named_role = item.get("UserRole")
            role = named_role if isinstance(named_role, dict) else {}
            users.append(
                {
                    "id": item["Id"],
                    "email": item.get("Email"),
                    "full_name": item.get("Name"),
                    "first_name": item.get("FirstName"),
                    "last_name": item.get("LastName"),
                    "status": "active",
                    "role": {"name": role.get("Name")} if role.get("Name") else None,
                    "time_zone": item.get("TimeZoneSidKey"),
                    "locale": item.get("LocaleSidKey"),
                    "Reporting_To": {"id": item["ManagerId"]} if item.get("ManagerId") else None,
                    **({team_field: item.get(team_field)} if team_field else {}),
                }
            )
        return users

    async def in_recycle_bin(self, sobject: str, since: datetime) -> list[Deletion]:
        """The object's records deleted (SystemModstamp) at or after `since` that the Recycle Bin still holds."""
        where = f"IsDeleted = true AND SystemModstamp >= {_soql_time(since)}"
        soql = f"SELECT Id, SystemModstamp FROM {sobject} WHERE {where} ORDER BY SystemModstamp ASC, Id ASC"  # noqa: S608 (API names checked by the mapping)
        rows = await self._every_row(soql, "queryAll")
        return [Deletion(sobject, str(row["Id"]), _time(row["SystemModstamp"])) for row in rows]

    async def _every_row(self, soql: str, resource: str = "query") -> list[dict[str, Any]]:
        """Every row a query (or queryAll) answers, following `nextRecordsUrl` to the last batch."""
        body = await self._call("GET", f"{self._data}/{resource}", params={"q": soql})
        rows: list[dict[str, Any]] = []
        while True:
            rows += body.get("records") or []
            if body.get("done", True) or not body.get("nextRecordsUrl"):
                return rows
            body = await self._call("GET", str(body["nextRecordsUrl"]))

    async def deleted(self, sobject: str, start: datetime, end: datetime) -> DeletedPage:
        body = await self._call(
            "GET",
            f"{self._data}/sobjects/{sobject}/deleted/",
            params={"start": _iso(start), "end": _iso(end)},
        )
        deletions = [
            Deletion(sobject, str(item["id"]), _time(item["deletedDate"])) for item in body.get("deletedRecords") or []
        ]
        covered, earliest = body.get("latestDateCovered"), body.get("earliestDateAvailable")
        return DeletedPage(deletions, _time(covered) if covered else end, _time(earliest) if earliest else None)

    # ------------------------------------------------------------ the calls

    async def _call(self, method: str, path: str, **options: Any) -> dict[str, Any]:
        """One API call: a new token once after INVALID_SESSION_ID, backing off after REQUEST_LIMIT_EXCEEDED."""
        renewed, limited = False, 0
        while True:
            token, instance = await self._access()
            response = await self._http.request(
                method, instance + path, headers={"Authorization": f"Bearer {token}"}, **options
            )
            if response.status_code < 300:
                return _json_object(response)
            code = _error_code(response)
            if response.status_code == 401 and code == "INVALID_SESSION_ID" and not renewed:
                renewed = True  # expired, revoked, or the session timeout passed: one new token, then give up
                async with self._lock:
                    if self._token == (token, instance):
                        self._token = None
                continue
            if code == "REQUEST_LIMIT_EXCEEDED":
                limited += 1
                if limited >= LIMIT_ATTEMPTS:
                    raise SalesforceLimited(f"{method} {path}: REQUEST_LIMIT_EXCEEDED after {limited} attempts")
                # No Retry-After: the limit is a rolling 24 hours (or concurrent long requests), so wait, doubling.
                wait = self._settings.limit_backoff_seconds * 2 ** (limited - 1)
                log.warning("salesforce api limit; backing off", path=path, seconds=wait)
                await asyncio.sleep(wait)
                continue
            message = f"{method} {path.split('?')[0]}: HTTP {response.status_code} {code}".strip()
            if response.status_code in (400, 404):
                raise SalesforceRefused(message)
            raise SalesforceError(message)

    async def session(self) -> tuple[str, str]:
        """The access token and the instance URL: what the REST calls use, and the Pub/Sub API's metadata."""
        return await self._access()

    async def forget_session(self, token: str) -> None:
        """The session `token` was refused (by the Pub/Sub API): the next call fetches a new one."""
        async with self._lock:
            if self._token is not None and self._token[0] == token:
                self._token = None

    async def _access(self) -> tuple[str, str]:
        async with self._lock:
            if self._token is None:
                self._token = await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> tuple[str, str]:
        s = self._settings
        if s.flow == "jwt_bearer":
            claims = {
                "iss": s.client_id,
                "sub": s.username,
                "aud": s.jwt_audience,
                "exp": int(time.time()) + ASSERTION_SECONDS,
            }
            form = {"grant_type": JWT_BEARER, "assertion": jwt.encode(claims, self._secret, algorithm="RS256")}
        else:
            form = {"grant_type": "client_credentials", "client_id": s.client_id, "client_secret": self._secret}
        self.token_requests += 1
        response = await self._http.post(f"{s.login_url.rstrip('/')}/services/oauth2/token", data=form)
        body = _json_object(response)
        if response.status_code != 200 or "access_token" not in body or "instance_url" not in body:
            raise SalesforceError(f"token refused: HTTP {response.status_code} {body.get('error', '')}".strip())
        return str(body["access_token"]), str(body["instance_url"]).rstrip("/")


# ------------------------------------------------------------ Outbound Messages

SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
SOBJECT = "urn:sobject.enterprise.soap.sforce.com"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

ACK = (
    f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE}"><soapenv:Body>'
    f'<notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack></notificationsResponse></soapenv:Body>'
    "</soapenv:Envelope>"
)


class MessageUnreadable(ValueError):
    """Not an Outbound Message: not XML, an entity or DTD trick, or no `notifications` in the body."""


@dataclass(frozen=True)
class Notification:
    notification_id: str
    sobject: str
    record_id: str


@dataclass(frozen=True)
class OutboundMessage:
    organization_id: str
    notifications: list[Notification]


def parse_outbound(body: bytes) -> OutboundMessage:
    """The organisation and the records a `notifications` envelope names (its fields are not used: see the caller).

    defusedxml refuses entity expansion, external entities and DTDs: the body comes from outside."""
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise MessageUnreadable(f"not a SOAP message: {error}") from None
    found = root.find(f"{{{SOAP_ENVELOPE}}}Body/{{{OUTBOUND}}}notifications")
    if found is None:
        raise MessageUnreadable("no notifications element in the SOAP body")
    notifications = []
    for item in found.findall(f"{{{OUTBOUND}}}Notification"):
        sobject = item.find(f"{{{OUTBOUND}}}sObject")
        notification_id = (item.findtext(f"{{{OUTBOUND}}}Id") or "").strip()
        if sobject is None or not notification_id:
            raise MessageUnreadable("a Notification without its Id or sObject")
        record_id = (sobject.findtext(f"{{{SOBJECT}}}Id") or "").strip()
        type_name = _sobject_type(sobject)
        if not RECORD_ID.match(record_id) or not type_name:
            raise MessageUnreadable(f"notification {notification_id}: no sObject type, or no record id")
        notifications.append(Notification(notification_id, type_name, record_id))
    return OutboundMessage((found.findtext(f"{{{OUTBOUND}}}OrganizationId") or "").strip(), notifications)


def _sobject_type(sobject: Element) -> str:
    """`xsi:type="sf:Opportunity"` -> Opportunity (the prefix is whatever the message declares)."""
    return (sobject.get(f"{{{XSI}}}type") or "").split(":")[-1]


def same_org(configured: str, claimed: str) -> bool:
    """Org ids compare on their case-sensitive 15 characters (the 18-character form adds a checksum)."""
    return len(claimed) in (15, 18) and configured[:15] == claimed[:15]


# ------------------------------------------------------------ shapes


def _select(fields: Sequence[str], owner_field: str) -> str:
    wanted = {"Id", "SystemModstamp", *fields}
    if owner_field.endswith("Id"):
        wanted.add(f"{owner_field[:-2]}.Email")  # the owner's email, which the roster is matched by
    return ", ".join(sorted(wanted))


def _record(sobject: str, owner_field: str, item: dict[str, Any]) -> CrmRecord:
    fields = dict(item)
    if owner_field.endswith("Id") and fields.get(owner_field):
        owner = fields.get(owner_field[:-2]) or {}
        email = owner.get("Email") if isinstance(owner, dict) else None
        fields[owner_field] = {"id": fields[owner_field], "email": email}
    return CrmRecord(sobject, str(item["Id"]), fields, _time(item["SystemModstamp"]))


def _time(value: str) -> datetime:
    """Salesforce's dateTime, `2026-03-02T09:00:00.000+0000`."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _soql_time(moment: datetime) -> str:
    """A SOQL dateTime literal (no quotes, whole seconds, UTC): a record of the same second is read again, and
    found unchanged."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    first = body[0] if isinstance(body, list) and body else body
    return str(first.get("errorCode", "")) if isinstance(first, dict) else ""
