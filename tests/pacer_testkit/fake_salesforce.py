"""A local Salesforce org: a real HTTP server on 127.0.0.1 that answers as Salesforce documents its API, for the
connectors' tests (the shapes and the links are in pacer_connectors/adapters/salesforce.py).

It issues access tokens for the JWT bearer flow (verifying the RS256 assertion against the connected app's
certificate key, its `iss`, `sub`, `aud` and `exp`) and for the client credentials flow, and names itself as the
`instance_url`. It answers the SOQL the connector sends (on `SystemModstamp`, or by `Id IN`), in batches followed
through `nextRecordsUrl` over a snapshot taken at query time, `queryAll` of the Recycle Bin (`IsDeleted = true`),
the `deleted` resource, and sends Outbound Messages (SOAP `notifications`) to an endpoint, which must answer
`<Ack>true</Ack>`. A test can end every session (INVALID_SESSION_ID), spend the API limit (REQUEST_LIMIT_EXCEEDED),
hold a message back and deliver it late, deliver one again, and purge the delete log (as Salesforce does early once
it grows past a limit) while the Recycle Bin keeps the records.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pacer_testkit.serving import serve

if TYPE_CHECKING:
    from pacer_testkit.fake_pubsub import FakePubSub

CLIENT_ID = "3MVG9FAKE.CONSUMER.KEY"
USERNAME = "pacer-integration@example.com"
CLIENT_SECRET = "fake-consumer-secret"
ORG_ID = "00D5e000000KQ2eEAG"
AUDIENCE = "https://login.salesforce.com"
VERSION = "v62.0"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_KEY_PEM = _KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
"""The key whose certificate the connected app holds: the connector signs its assertions with it."""
OTHER_KEY_PEM = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
PREFIXES = {"Task": "00T", "Event": "00U", "Opportunity": "006", "Quote": "0Q0", "Order": "801", "User": "005"}

SELECT = re.compile(
    r"^SELECT (?P<fields>[A-Za-z0-9_., ]+) FROM (?P<sobject>[A-Za-z0-9_]+)"
    r"(?: WHERE (?:SystemModstamp >= (?P<since>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)|Id IN \((?P<ids>[A-Za-z0-9',]*)\)"
    r"|(?P<active>IsActive = true AND UserType = 'Standard')"
    r"|IsDeleted = true AND SystemModstamp >= (?P<deleted_since>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)))?"
    r"(?P<ordered> ORDER BY SystemModstamp ASC, Id ASC)?$"
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sf_time(moment: datetime) -> str:
    """Salesforce's dateTime: milliseconds and a +0000 offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _errors(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": code}], status_code=status)


@dataclass
class FakeSalesforce:
    url: str
    batch_size: int = 2000
    """Records per batch: Salesforce may answer fewer than asked, and a test asks for small ones."""
    page_delay: float = 0.0
    outbound_url: str | None = None
    """Where Outbound Messages go (the workflow's endpoint); None: none are sent."""
    org_id: str = ORG_ID
    users: dict[str, str] = field(default_factory=dict)
    """User id -> email: what `Owner.Email` answers."""
    user_records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The User records themselves, as SOQL on `User` reads them (`UserRoleName` answers `UserRole.Name`)."""
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    deleted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The delete log, which the `deleted` resource answers from."""
    recycle_bin: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Deleted records, `IsDeleted` true and their SystemModstamp the deletion's: what `queryAll` adds."""
    log_purged_at: datetime | None = None
    """The delete log holds nothing older (its `earliestDateAvailable`)."""
    queries_all: list[str] = field(default_factory=list)
    """Every SOQL sent to `queryAll`."""
    read_by_id: list[str] = field(default_factory=list)
    """Every record id a query asked for by id (`Id IN (...)`), in order."""
    tokens: set[str] = field(default_factory=set)
    token_requests: dict[str, int] = field(default_factory=dict)
    """By grant type."""
    limited: int = 0
    """The next calls that answer REQUEST_LIMIT_EXCEEDED."""
    limited_answers: int = 0
    messages: list[bytes] = field(default_factory=list)
    """Every Outbound Message sent, in order, so a test can deliver one again."""
    held: list[bytes] = field(default_factory=list)
    hold: bool = False
    """Keep the next messages back (as a failing endpoint's retries do), delivered by `deliver_held`."""
    refuse_next_locator: bool = False
    """Answer the next `nextRecordsUrl` as a locator that has expired (they do after some idle minutes)."""
    refused_locators: int = 0
    pubsub: FakePubSub | None = None
    """Where the org's change events go, when a test runs the Pub/Sub API (pacer_testkit.fake_pubsub)."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _locators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    # ------------------------------------------------------------ what a CRM user does

    def user(self, email: str, **fields: Any) -> str:
        """A user with a Salesforce licence; `fields` as the User object names them (`FirstName`, `ManagerId`...)."""
        user_id = self._new_id("User")
        self.users[user_id] = email
        first, last = fields.pop("FirstName", email.split("@")[0].title()), fields.pop("LastName", "Example")
        self.user_records[user_id] = {
            "Id": user_id,
            "Email": email,
            "FirstName": first,
            "LastName": last,
            "Name": f"{first} {last}",
            "IsActive": True,
            "UserType": "Standard",
            "ManagerId": None,
            "TimeZoneSidKey": "America/Los_Angeles",
            "LocaleSidKey": "en_US",
            "UserRoleName": None,
            **fields,
        }
        return user_id

    async def create(self, sobject: str, fields: dict[str, Any], notify: bool = True) -> str:
        record_id = self._new_id(sobject)
        now = datetime.now(UTC)
        self.records.setdefault(sobject, {})[record_id] = {
            "CreatedDate": sf_time(now),
            **fields,
            "Id": record_id,
            "SystemModstamp": sf_time(now),
        }
        self._changed(sobject, "CREATE", record_id)
        if notify:
            await self._notify(sobject, record_id)
        return record_id

    async def update(self, sobject: str, record_id: str, notify: bool = True, **fields: Any) -> None:
        self.records[sobject][record_id].update(fields, SystemModstamp=sf_time(datetime.now(UTC)))
        self._changed(sobject, "UPDATE", record_id)
        if notify:
            await self._notify(sobject, record_id)

    def delete(self, sobject: str, record_id: str) -> None:
        """No Outbound Message: workflow rules do not fire on a deletion (a change event does)."""
        record, now = self.records[sobject].pop(record_id), sf_time(datetime.now(UTC))
        self.deleted.setdefault(sobject, []).append({"id": record_id, "deletedDate": now})
        self.recycle_bin.setdefault(sobject, {})[record_id] = {**record, "IsDeleted": True, "SystemModstamp": now}
        self._changed(sobject, "DELETE", record_id)

    def purge_delete_log(self) -> None:
        """What Salesforce's purge does once the log holds too many: the entries go, the Recycle Bin stays."""
        self.deleted.clear()
        self.log_purged_at = datetime.now(UTC)

    def change_unannounced(self, sobject: str, record_id: str, **fields: Any) -> None:
        """A change whose event Salesforce could not build: a gap event names the record, without its fields."""
        self.records[sobject][record_id].update(fields, SystemModstamp=sf_time(datetime.now(UTC)))
        self._changed(sobject, "GAP_UPDATE", record_id)

    def change_in_bulk(self, sobject: str, record_id: str, **fields: Any) -> None:
        """A change in a transaction too large for change events: an overflow event names the object only."""
        self.records[sobject][record_id].update(fields, SystemModstamp=sf_time(datetime.now(UTC)))
        self._changed(sobject, "GAP_OVERFLOW", record_id)

    def _changed(self, sobject: str, change_type: str, record_id: str) -> None:
        if self.pubsub is not None:
            self.pubsub.publish(sobject, change_type, [record_id])

    # ------------------------------------------------------------ what a test does to Salesforce

    def end_sessions(self) -> None:
        self.tokens.clear()

    def spend_limit(self, calls: int) -> None:
        self.limited = calls

    async def redeliver(self, index: int = -1) -> httpx.Response:
        return await self.deliver(self.messages[index])

    async def deliver_held(self) -> list[httpx.Response]:
        held, self.held = self.held, []
        return [await self.deliver(message) for message in held]

    async def deliver(self, message: bytes, url: str | None = None) -> httpx.Response:
        target = url or self.outbound_url
        assert target is not None
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.post(
                target, content=message, headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
            )

    def message(self, notifications: list[tuple[str, str, str]], org_id: str | None = None) -> bytes:
        """A `notifications` envelope, as the Outbound Messaging WSDL defines it: (notification id, type, record id),
        each sObject with the record's Id and SystemModstamp (the fields an admin picked)."""
        items = "".join(
            f"<Notification><Id>{escape(nid)}</Id>"
            f'<sObject xsi:type="sf:{escape(sobject)}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
            f"<sf:Id>{escape(rid)}</sf:Id>"
            f"<sf:SystemModstamp>{escape(self._modstamp(sobject, rid))}</sf:SystemModstamp>"
            "</sObject></Notification>"
            for nid, sobject, rid in notifications
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
            f"<OrganizationId>{escape(org_id or self.org_id)}</OrganizationId>"
            "<ActionId>04k5e000000CaRkAAK</ActionId>"
            '<SessionId xsi:nil="true"/>'
            f"<EnterpriseUrl>{escape(self.url)}/services/Soap/c/62.0/{escape(self.org_id[:15])}</EnterpriseUrl>"
            f"<PartnerUrl>{escape(self.url)}/services/Soap/u/62.0/{escape(self.org_id[:15])}</PartnerUrl>"
            f"{items}</notifications></soapenv:Body></soapenv:Envelope>"
        ).encode()

    # ------------------------------------------------------------ the API

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/services/oauth2/token", self._token, methods=["POST"]),
                Route(f"/services/data/{VERSION}/query", self._query, methods=["GET"]),
                Route(f"/services/data/{VERSION}/query/{{locator}}", self._more, methods=["GET"]),
                Route(f"/services/data/{VERSION}/queryAll", self._query_all, methods=["GET"]),
                Route(f"/services/data/{VERSION}/sobjects/{{sobject}}/deleted/", self._deleted, methods=["GET"]),
            ]
        )

    async def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}  # form-encoded, as OAuth posts
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                claims = jwt.decode(
                    form.get("assertion", ""),
                    _KEY.public_key(),
                    algorithms=["RS256"],
                    audience=AUDIENCE,
                    issuer=CLIENT_ID,
                    options={"require": ["exp", "iss", "sub", "aud"]},
                )
            except jwt.PyJWTError as error:
                return JSONResponse({"error": "invalid_grant", "error_description": str(error)}, status_code=400)
            if claims["sub"] != USERNAME:
                return JSONResponse(
                    {"error": "invalid_grant", "error_description": "user hasn't approved this consumer"},
                    status_code=400,
                )
        elif grant == "client_credentials":
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return JSONResponse(
                    {"error": "invalid_client", "error_description": "invalid client credentials"}, status_code=400
                )
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        self.token_requests[grant] = self.token_requests.get(grant, 0) + 1
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(24)}"
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "instance_url": self.url,
                "id": f"{self.url}/id/{self.org_id}/005000000000001AAA",
                "token_type": "Bearer",
                "issued_at": str(int(datetime.now(UTC).timestamp() * 1000)),
                "scope": "api",
            }
        )

    def _refused(self, request: Request) -> Response | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return _errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if self.limited > 0:
            self.limited -= 1
            self.limited_answers += 1
            return _errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        return None

    async def _query_all(self, request: Request) -> Response:
        """queryAll: as query, with the Recycle Bin's records too (the only ones `IsDeleted = true` selects)."""
        self.queries_all.append(request.query_params.get("q", ""))
        return await self._query(request, every=True)

    async def _query(self, request: Request, every: bool = False) -> Response:
        if refused := self._refused(request):
            return refused
        soql = request.query_params.get("q", "")
        parsed = SELECT.match(soql)
        if parsed is None or (parsed["deleted_since"] and not every):
            return _errors(400, "MALFORMED_QUERY", f"unexpected SOQL: {soql[:200]}")
        sobject = parsed["sobject"]
        fields = [f.strip() for f in parsed["fields"].split(",")]
        rows = list((self.user_records if sobject == "User" else self.records.get(sobject, {})).values())
        if every:
            rows += list(self.recycle_bin.get(sobject, {}).values())
        if deleted_since := parsed["deleted_since"]:
            moment = datetime.fromisoformat(deleted_since)
            rows = [r for r in rows if r.get("IsDeleted") and datetime.fromisoformat(r["SystemModstamp"]) >= moment]
        if parsed["active"]:
            rows = [r for r in rows if r["IsActive"] and r["UserType"] == "Standard"]
        if since := parsed["since"]:
            moment = datetime.fromisoformat(since)
            rows = [r for r in rows if datetime.fromisoformat(r["SystemModstamp"]) >= moment]
        if (ids := parsed["ids"]) is not None:
            wanted = {i.strip("'") for i in ids.split(",")}
            self.read_by_id.extend(sorted(wanted))
            rows = [r for r in rows if r["Id"] in wanted]
        if parsed["ordered"]:
            rows.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        snapshot = [self._row(sobject, r, fields) for r in rows]
        return await self._batch(snapshot, secrets.token_hex(8), 0)

    async def _more(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        locator, _, offset = request.path_params["locator"].rpartition("-")
        if self.refuse_next_locator:
            self.refuse_next_locator = False
            self.refused_locators += 1
            self._locators.pop(locator, None)
        if locator not in self._locators or not offset.isdigit():
            return _errors(404, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return await self._batch(self._locators[locator], locator, int(offset))

    async def _batch(self, snapshot: list[dict[str, Any]], locator: str, offset: int) -> Response:
        await asyncio.sleep(self.page_delay)
        chunk = snapshot[offset : offset + self.batch_size]
        done = offset + self.batch_size >= len(snapshot)
        body: dict[str, Any] = {"totalSize": len(snapshot), "done": done, "records": chunk}
        if not done:
            self._locators[locator] = snapshot
            body["nextRecordsUrl"] = f"/services/data/{VERSION}/query/{locator}-{offset + self.batch_size}"
        return JSONResponse(body)

    def _row(self, sobject: str, record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {
            "attributes": {"type": sobject, "url": f"/services/data/{VERSION}/sobjects/{sobject}/{record['Id']}"}
        }
        for name in fields:
            if name == "UserRole.Name":  # a user's role
                role = record.get("UserRoleName")
                row["UserRole"] = None if role is None else {"attributes": {"type": "UserRole"}, "Name": role}
            elif "." in name:  # a relationship: Owner.Email
                relation, inner = name.split(".", 1)
                owner = record.get(f"{relation}Id")
                row[relation] = (
                    None
                    if owner is None
                    else {"attributes": {"type": "User"}, inner: self.users.get(owner) if inner == "Email" else None}
                )
            else:
                row[name] = record.get(name)
        return row

    async def _deleted(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        try:
            start = datetime.fromisoformat(request.query_params["start"]).replace(second=0, microsecond=0)
            end = datetime.fromisoformat(request.query_params["end"]).replace(second=0, microsecond=0)
        except (KeyError, ValueError):
            return _errors(400, "INVALID_REPLICATION_DATE", "start and end are required ISO 8601 dateTimes")
        if start < datetime.now(UTC) - timedelta(days=15):
            return _errors(400, "INVALID_REPLICATION_DATE", "startDate before the earliest available")
        sobject = request.path_params["sobject"]
        found = [
            d
            for d in self.deleted.get(sobject, [])
            if start <= datetime.fromisoformat(d["deletedDate"]) < end + timedelta(minutes=1)
        ]
        return JSONResponse(
            {
                "deletedRecords": found,
                "earliestDateAvailable": sf_time(
                    max(datetime.now(UTC) - timedelta(days=15), self.log_purged_at or _EPOCH)
                ),
                "latestDateCovered": sf_time(end),
            }
        )

    # ------------------------------------------------------------ Outbound Messages

    async def _notify(self, sobject: str, record_id: str) -> None:
        if self.outbound_url is None:
            return
        message = self.message([(self._new_id("Notification"), sobject, record_id)])
        self.messages.append(message)
        if self.hold:
            self.held.append(message)
            return
        answer = await self.deliver(message)
        assert answer.status_code == 200, answer.text
        assert b"<Ack>true</Ack>" in answer.content, answer.text

    def _modstamp(self, sobject: str, record_id: str) -> str:
        return str(self.records.get(sobject, {}).get(record_id, {}).get("SystemModstamp", ""))

    def _new_id(self, sobject: str) -> str:
        prefix = PREFIXES.get(sobject, "04l")
        return f"{prefix}5e{next(self._ids):010d}AAA"


@asynccontextmanager
async def running_fake_salesforce(**options: Any) -> AsyncIterator[FakeSalesforce]:
    fake = FakeSalesforce(url="", **options)
    async with serve(fake.app()) as url:
        fake.url = url  # answered as the instance_url, read per request
        yield fake
