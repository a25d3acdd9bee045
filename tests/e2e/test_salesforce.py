"""A Salesforce org feeds goals through the connectors service: the connector runs as its own process against a
local fake Salesforce (pacer_testkit.fake_salesforce), the real broker and the goals service, and the goals' totals
must equal what the org holds after a backfill killed half-way, Outbound Messages (redelivered, late, from another
org), edits, deletions, an ended session and a spent API limit.

Two connections to the one org: `sf-main` by the JWT bearer flow (calls and won opportunities, with Outbound
Messages) and `sf-visits` by the client credentials flow (events).
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role
from pacer_testkit.fake_salesforce import (
    CLIENT_ID,
    CLIENT_SECRET,
    PRIVATE_KEY_PEM,
    USERNAME,
    FakeSalesforce,
    running_fake_salesforce,
)
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import (
    ServiceProcess,
    Stack,
    bearer,
    eventually,
    producer,
    publish,
    read_topic,
    roster_reached,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(600)]

MAIN, VISITS = "sf-main", "sf-visits"
BACKFILL = 2_100
"""Past Salesforce's 2,000 records a batch; the fake answers 200 a batch, so the backfill follows nextRecordsUrl."""
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class World:
    stack: Stack
    namespace: str
    org: FakeSalesforce
    goals: ServiceProcess
    connectors: ServiceProcess
    ann: str
    bob: str
    calls_goal: str
    deals_goal: str
    visits_goal: str

    async def goal_total(self, goal_id: str) -> Decimal:
        async with httpx.AsyncClient(base_url=self.goals.url, timeout=15) as http:
            response = await http.get(f"/v1/goals/{goal_id}", headers=bearer("hana", Role.HR))
        response.raise_for_status()
        return Decimal(str(response.json()["actual"]))

    def held_by_org(self) -> tuple[Decimal, Decimal, Decimal]:
        """Ann's calls (tasks of subtype Call), her won opportunities' amounts and her events, as the org holds them."""
        tasks = self.org.records.get("Task", {}).values()
        deals = self.org.records.get("Opportunity", {}).values()
        events = self.org.records.get("Event", {}).values()
        return (
            Decimal(sum(t["OwnerId"] == self.ann and t["TaskSubtype"] == "Call" for t in tasks)),
            sum((Decimal(str(d["Amount"])) for d in deals if d["OwnerId"] == self.ann and d["IsWon"]), Decimal(0)),
            Decimal(sum(e["OwnerId"] == self.ann for e in events)),
        )

    async def totals_reach(self, what: str) -> None:
        want = self.held_by_org()

        async def equal() -> tuple[Decimal, Decimal, Decimal] | None:
            seen = (
                await self.goal_total(self.calls_goal),
                await self.goal_total(self.deals_goal),
                await self.goal_total(self.visits_goal),
            )
            return seen if seen == want else None

        await eventually(equal, 90, f"goals to equal the org (calls, won amount, visits = {want}) {what}")

    async def status(self, connection: str = MAIN) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.connectors.url, timeout=15) as http:
            response = await http.get(f"/v1/connections/{connection}", headers=bearer("hana", Role.HR))
        return response.json() if response.status_code == 200 else {}

    async def connected(self) -> None:
        """The connectors running: the module's first test starts them itself (to kill them half-way), so a test
        run on its own starts them here."""
        if self.connectors.process is None:
            self.connectors.start()
        await self.connectors.wait_ready()

    @property
    def outbound_url(self) -> str:
        return f"{self.connectors.url}/v1/connections/{MAIN}/salesforce/outbound"


def connection_files(folder: Path, org_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    main: dict[str, Any] = {
        "id": MAIN,
        "crm": "salesforce",
        "poll_seconds": 1,
        "salesforce": {
            "flow": "jwt_bearer",
            "login_url": org_url,
            "allow_any_login_url": True,
            "client_id": CLIENT_ID,
            "username": USERNAME,
            "private_key_env": "SF_PRIVATE_KEY",
            "organization_id": "00D5e000000KQ2e",  # the 15-character form: messages carry the 18-character one
            "limit_backoff_seconds": 0.2,
        },
        "objects": [
            {
                "object": "Task",
                "kind": "call",
                "when": {"field": "TaskSubtype", "is_any_of": ["Call"]},
                "owner_field": "OwnerId",
                "occurred_at_field": "CreatedDate",
            },
            {
                "object": "Opportunity",
                "kind": "deal_closed",
                "when": {"field": "IsWon", "is_any_of": [True]},
                "owner_field": "OwnerId",
                "occurred_at_field": "CreatedDate",  # CloseDate is a date (noon UTC), maybe outside the test's goal
                "amount_field": "Amount",
                "currency": "USD",
            },
        ],
    }
    visits: dict[str, Any] = {
        "id": VISITS,
        "crm": "salesforce",
        "poll_seconds": 1,
        "salesforce": {
            "flow": "client_credentials",
            "login_url": org_url,
            "allow_any_login_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "SF_CLIENT_SECRET",
            "limit_backoff_seconds": 0.2,
        },
        "objects": [
            {
                "object": "Event",
                "kind": "customer_visit",
                "owner_field": "OwnerId",
                "occurred_at_field": "StartDateTime",
            }
        ],
    }
    (folder / f"{MAIN}.yaml").write_text(yaml.safe_dump(main))
    (folder / f"{VISITS}.yaml").write_text(yaml.safe_dump(visits))


def connector_process(
    stack: Stack, namespace: str, log_dir: Path, org: FakeSalesforce, port: int | None = None
) -> ServiceProcess:
    folder = log_dir / "connections"
    connection_files(folder, org.url)
    env = stack.service_env(
        namespace,
        "connectors",
        PACER_CONNECTORS_CONNECTIONS_DIR=str(folder),
        PACER_CONNECTORS_RETRY_SECONDS="0.5",
        SF_PRIVATE_KEY=PRIVATE_KEY_PEM,
        SF_CLIENT_SECRET=CLIENT_SECRET,
    )
    process = ServiceProcess(
        "pacer_connectors.main", "connectors", env, log_dir / f"connectors-{uuid.uuid4().hex[:4]}.log"
    )
    if port is not None:  # the same address again: the org's Outbound Messages keep going there
        process.port, process.url = port, f"http://127.0.0.1:{port}"
        process.env["PACER_CONNECTORS_HTTP_PORT"] = str(port)
    return process


async def set_goal(goals: ServiceProcess, kind: str, aggregation: str, currency: str | None = None) -> str:
    now = datetime.now(UTC)
    body = {
        "owner_id": "ann",
        "title": f"{kind} {uuid.uuid4().hex[:6]}",
        "metric": {"kinds": [kind], "aggregation": aggregation, **({"currency": currency} if currency else {})},
        "target": 1_000_000,
        "unit": currency or "count",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=goals.url, timeout=15) as http:
        response = await http.post("/v1/goals", json=body, headers=bearer("mia", Role.MANAGER))
    assert response.status_code == 201, response.text
    return str(response.json()["goal_id"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("salesforce")
    async with running_fake_salesforce(batch_size=200) as org:
        ann, bob = org.user("ann@example.com"), org.user("bob@example.com")
        for n in range(BACKFILL):  # history the connector has never seen; every third is an email, not a call
            subtype = "Email" if n % 3 == 0 else "Call"
            await org.create("Task", {"Subject": f"task {n}", "TaskSubtype": subtype, "OwnerId": ann if n % 2 else bob})
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        connectors = connector_process(stack, namespace, log_dir, org)
        org.outbound_url = f"{connectors.url}/v1/connections/{MAIN}/salesforce/outbound"
        world: World | None = None
        goals.start()
        try:
            await goals.wait_ready()
            async with producer(stack.kafka_bootstrap) as client:
                for person in ROSTER:
                    await publish(client, f"{namespace}.org.people", person)
            async with httpx.AsyncClient(base_url=goals.url, timeout=10) as http:
                await roster_reached(http, ["ann", "bob", "mia"])
            world = World(
                stack,
                namespace,
                org,
                goals,
                connectors,
                ann,
                bob,
                await set_goal(goals, "call", "count"),
                await set_goal(goals, "deal_closed", "sum_amount", "USD"),
                await set_goal(goals, "customer_visit", "count"),
            )
            yield world
        finally:
            connectors.stop()
            if world is not None:
                world.connectors.stop()
            goals.stop()


async def test_a_backfill_killed_half_way_resumes_and_publishes_each_record_once(world: World) -> None:
    world.org.page_delay = 0.4  # slow batches, so the kill lands between the first committed one and the last
    world.connectors.start()

    async def half_way() -> dict[str, Any] | None:
        body = await world.status()
        return body if body.get("backfilling") and body.get("records_seen", 0) >= 400 else None

    seen = await eventually(half_way, 120, "the backfill to be half-way")
    world.connectors.stop(signal.SIGKILL)
    assert seen["records_seen"] < BACKFILL
    world.org.page_delay = 0.0
    world.connectors = connector_process(
        world.stack, world.namespace, world.connectors.log_path.parent, world.org, world.connectors.port
    )
    world.connectors.start()
    await world.connected()
    await world.totals_reach("after the backfill resumed")

    # Later passes re-read the newest second of changes: they must publish nothing more.
    first = await eventually(lambda: _caught_up_after(world, ""), 60, "a clean pass after the restart")
    await eventually(lambda: _caught_up_after(world, first), 60, "another pass, which re-reads the newest second")
    calls = sum(t["TaskSubtype"] == "Call" for t in world.org.records["Task"].values())

    published = await read_topic(
        world.stack.kafka_bootstrap, f"{world.namespace}.sales.activity", lambda records: len(records) >= calls, 60
    )
    recorded: dict[str, set[str]] = {}
    for record in published:
        event = record.json()
        recorded.setdefault(event["data"]["activity_id"], set()).add(event["id"])
    assert {record.json()["type"] for record in published} == {"SalesActivityRecorded"}
    assert len(recorded) == calls, "a task that is no call was counted, or a call was missed"
    assert all(len(ids) == 1 for ids in recorded.values()), "a record re-read after the kill was published again"
    assert all(key.startswith("salesforce:Task:00T") for key in recorded)
    # One token per process, however many batches: the first process's and the restarted one's.
    assert world.org.token_requests[JWT_GRANT] == 2
    assert world.org.token_requests["client_credentials"] >= 1


async def test_a_run_whose_query_locator_expired_starts_again_and_misses_nothing(world: World) -> None:
    org = world.org
    await world.connected()
    emails = [t for t in org.records["Task"].values() if t["OwnerId"] == world.ann and t["TaskSubtype"] == "Email"]
    org.refuse_next_locator = True
    for task in emails:  # some 350 changes since the last pass, more than one batch: the run pages
        await org.update("Task", task["Id"], notify=False, TaskSubtype="Call")
    await world.totals_reach("after a run restarted on an expired locator")
    assert org.refused_locators == 1


async def test_outbound_messages_edits_and_deletions_keep_goals_equal_to_the_org(world: World) -> None:
    org = world.org
    await world.connected()
    won = await org.create("Opportunity", {"Name": "Acme", "IsWon": True, "Amount": 1200, "OwnerId": world.ann})
    await org.create("Opportunity", {"Name": "Globex", "IsWon": False, "Amount": 800, "OwnerId": world.ann})
    call = await org.create("Task", {"Subject": "follow-up", "TaskSubtype": "Call", "OwnerId": world.ann})
    await world.totals_reach("after creates announced by Outbound Messages")

    # A message held back (the endpoint's retries) arrives after a newer one: the newer state stands.
    org.hold = True
    await org.update("Opportunity", won, Amount=1500)
    org.hold = False
    await org.update("Opportunity", won, Amount=1700)
    late = await org.deliver_held()
    assert [answer.status_code for answer in late] == [200]
    assert b"<Ack>true</Ack>" in late[0].content
    await world.totals_reach("after a late message")

    read = len(org.read_by_id)
    again = await org.redeliver()
    assert org.read_by_id[read:] == [], "a Notification/Id already applied is acknowledged, not read again"
    assert again.status_code == 200
    assert again.headers["content-type"].startswith("text/xml")
    assert b"<Ack>true</Ack>" in again.content

    org.delete("Task", call)  # no message: found by the deleted resource
    lost = next(t for t in org.records["Task"].values() if t["OwnerId"] == world.ann and t["TaskSubtype"] == "Call")
    org.delete("Task", lost["Id"])
    await org.update("Opportunity", won, IsWon=False)
    await world.totals_reach("after deletions and a deal no longer won")
    status = await world.status()
    assert status["activities_retracted"] >= 4  # two Amount edits, two deletions, the deal no longer won


async def test_a_deletion_the_delete_log_no_longer_holds_is_found_in_the_recycle_bin(world: World) -> None:
    """Salesforce purges the delete log early once it grows past a limit; the Recycle Bin keeps the record, and
    queryAll (IsDeleted = true) finds it."""
    org = world.org
    await world.connected()
    call = await org.create(
        "Task", {"Subject": "logged twice", "TaskSubtype": "Call", "OwnerId": world.ann}, notify=False
    )
    await world.totals_reach("with the call to delete")
    org.delete("Task", call)
    org.purge_delete_log()  # at once: no pass reads the log in between
    await world.totals_reach("after a deletion whose delete log entry was purged")
    assert any("FROM Task WHERE IsDeleted = true" in soql for soql in org.queries_all)


async def test_a_pass_more_than_fifteen_days_after_the_last_reads_deletions_from_the_recycle_bin(world: World) -> None:
    """The delete log answers for 15 days at most: a connector stopped longer asks queryAll for what came before."""
    org = world.org
    await world.connected()
    last_pass = (datetime.now(UTC) - timedelta(days=20)).replace(microsecond=0)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(world.stack.mongo_url)
    cursors = client[f"{world.namespace}_connectors"]["sync_cursors"]
    asked = f"SystemModstamp >= {(last_pass - timedelta(seconds=1)).strftime('%Y-%m-%dT%H:%M:%SZ')}"

    async def read_back() -> bool:
        if any(asked in soql for soql in org.queries_all):
            return True
        # The cursor as a connector stopped 20 days ago left it (again, should a pass in flight overwrite it).
        await cursors.update_one({"_id": f"{MAIN}:Opportunity:deleted"}, {"$set": {"since": last_pass}})
        return False

    try:
        await eventually(read_back, 60, "a queryAll of the deletions since the pass 20 days ago")
    finally:
        await client.close()
    call = await org.create("Task", {"Subject": "after the stop", "TaskSubtype": "Call", "OwnerId": world.ann})
    await world.totals_reach("with a call after the long stop")
    org.delete("Task", call)
    await world.totals_reach("after the long stop, a deletion found by the delete log as before")


async def test_messages_from_another_org_or_not_soap_are_refused(world: World) -> None:
    org = world.org
    before = world.held_by_org()
    stranger = await org.create(
        "Opportunity", {"Name": "Initech", "IsWon": True, "Amount": 999, "OwnerId": world.ann}, notify=False
    )
    forged = org.message([("04l5e0000099999AAA", "Opportunity", stranger)], org_id="00D5e000000ZZZZEAG")
    refused = await org.deliver(forged, world.outbound_url)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"

    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        b"<soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'><soapenv:Body>&lol2;"
        b"</soapenv:Body></soapenv:Envelope>"
    )
    for body in (bomb, b"not xml at all", b"<a/>"):
        answer = await org.deliver(body, world.outbound_url)
        assert answer.status_code == 400, body
        assert answer.headers["content-type"] == "application/problem+json"
    async with httpx.AsyncClient(timeout=15) as http:
        unknown = await http.post(f"{world.connectors.url}/v1/connections/nope/salesforce/outbound", content=forged)
    assert unknown.status_code == 404
    # The opportunity is real, so the next poll counts it: the refusal only kept the forged message out.
    assert world.held_by_org() != before
    await world.totals_reach("with the refused message's record found by polling")


async def test_an_ended_session_and_a_spent_api_limit_are_ridden_out(world: World) -> None:
    org = world.org
    await world.connected()
    tokens = dict(org.token_requests)
    org.end_sessions()
    org.spend_limit(2)
    await org.create("Task", {"Subject": "after the limit", "TaskSubtype": "Call", "OwnerId": world.ann}, notify=False)
    await org.create("Event", {"Subject": "visit", "StartDateTime": _now(), "OwnerId": world.ann}, notify=False)
    await world.totals_reach("after INVALID_SESSION_ID and REQUEST_LIMIT_EXCEEDED")
    assert org.token_requests[JWT_GRANT] == tokens[JWT_GRANT] + 1, "one new assertion after the session ended"
    assert org.token_requests["client_credentials"] == tokens["client_credentials"] + 1
    assert org.limited_answers >= 2
    visits = await world.status(VISITS)
    assert visits["crm"] == "salesforce"
    assert visits["activities_recorded"] >= 1

    # A message that arrives while the limit is spent is not acknowledged, so Salesforce delivers it again.
    org.spend_limit(1_000)
    deal = await org.create(
        "Opportunity", {"Name": "Umbrella", "IsWon": True, "Amount": 300, "OwnerId": world.ann}, notify=False
    )
    message = org.message([("04l5e0000077777AAA", "Opportunity", deal)])
    failed = await org.deliver(message, world.outbound_url)
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    org.spend_limit(0)
    delivered = await org.deliver(message, world.outbound_url)
    assert delivered.status_code == 200
    assert b"<Ack>true</Ack>" in delivered.content
    await world.totals_reach("after a message refused for the spent limit came again")


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


async def _caught_up_after(world: World, moment: str) -> str | None:
    later = (await world.status()).get("caught_up_at")
    return later if later is not None and later > moment else None
