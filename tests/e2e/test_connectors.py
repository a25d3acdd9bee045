"""A Zoho CRM feeds goals through the connectors service: the connector runs as its own process against a local
fake Zoho (pacer_testkit.fake_zoho), the real broker and the goals service, and the goals' totals must equal what
the fake CRM holds after a backfill killed half-way, callbacks, edits, deletions, redeliveries, an expired token
and rate limits.
"""

from __future__ import annotations

import json
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
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from crm import ZohoUser
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role
from pacer_shared.events.people import PersonErased
from pacer_shared.kafka import partitions_of
from pacer_testkit.fake_fxiaoke import APP_ID, APP_SECRET, PERMANENT_CODE, FakeFxiaoke, running_fake_fxiaoke
from pacer_testkit.fake_zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho, running_fake_zoho
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
    run_pacer,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(600)]

CONNECTION = "zoho-main"
CHANNEL_TOKEN = "channel-token-of-zoho-main"
BACKFILL = 2_100
"""More records than Zoho's `page` paging reaches (2,000): the backfill must follow `page_token`."""
ANN = {"id": "4150868000000225013", "email": "ann@example.com", "name": "Ann"}
BOB = {"id": "4150868000000225014", "email": "bob@example.com", "name": "Bob"}
FXIAOKE = "fxiaoke-main"
VISITS = "zoho-visits"
VISITS_CHANNEL = 1_006_800_212
VISITS_CHANNEL_HOURS = 0.004
"""A channel of 14.4 seconds, renewed at half its life, while the connection polls once an hour."""
DAN_FS = "FSUID_0D2A"
STRANGER = {"id": "4150868000000225099", "email": "temp.rep@example.com", "name": "Temp"}


@dataclass
class World:
    stack: Stack
    namespace: str
    zoho: FakeZoho
    fxiaoke: FakeFxiaoke
    visits: FakeZoho
    """A second Zoho account, whose connection has a short channel and a long poll."""
    goals: ServiceProcess
    connectors: ServiceProcess
    calls_goal: str
    deals_goal: str
    follow_ups_goal: str
    quotes_goal: str
    visits_goal: str

    async def goal_total(self, goal_id: str) -> Decimal:
        async with httpx.AsyncClient(base_url=self.goals.url, timeout=15) as http:
            response = await http.get(f"/v1/goals/{goal_id}", headers=bearer("hana", Role.HR))
        response.raise_for_status()
        return Decimal(str(response.json()["actual"]))

    async def totals_reach(self, what: str) -> None:
        """The goals' totals equal what the fake CRM holds for ann: her calls counted, her won deals' amounts."""
        calls, deals = self.zoho.records.get("Calls", {}), self.zoho.records.get("Deals", {})
        want_calls = Decimal(sum(r["Owner"]["id"] == ANN["id"] for r in calls.values()))
        want_amount = sum(
            (
                Decimal(str(r["Amount"]))
                for r in deals.values()
                if r["Owner"]["id"] == ANN["id"] and r["Stage"] == "Closed Won"
            ),
            Decimal(0),
        )

        async def equal() -> tuple[Decimal, Decimal] | None:
            seen = (await self.goal_total(self.calls_goal), await self.goal_total(self.deals_goal))
            return seen if seen == (want_calls, want_amount) else None

        await eventually(equal, 90, f"goals to equal the CRM ({want_calls} calls, {want_amount} CNY) {what}")

    async def status(self, role: Role = Role.HR, connection: str = CONNECTION) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.connectors.url, timeout=15) as http:
            return await http.get(f"/v1/connections/{connection}", headers=bearer("hana", role))

    async def connected(self) -> None:
        """The connectors running: the module's first test starts them itself (to kill them half-way), so a test
        run on its own starts them here."""
        if self.connectors.process is None:
            self.connectors.start()
            await self.connectors.wait_ready()

    def held_by_fxiaoke(self, crm_object: str) -> Decimal:
        """Dan's records of the object that stand in the fake Fxiaoke: neither voided nor deleted."""
        records = self.fxiaoke.records.get(crm_object, {}).values()
        return Decimal(sum(r["owner"] == [DAN_FS] and r["life_status"] == "normal" for r in records))

    async def follow_ups_reach(self, what: str, crm_object: str = "ActiveRecordObj") -> None:
        """Dan's goal for the object's kind equals what the fake Fxiaoke holds for him."""
        goal = self.follow_ups_goal if crm_object == "ActiveRecordObj" else self.quotes_goal
        want = self.held_by_fxiaoke(crm_object)

        async def equal() -> bool:
            return await self.goal_total(goal) == want

        await eventually(equal, 90, f"dan's {crm_object} to count {want} {what}")


def fxiaoke_file(folder: Path, fxiaoke_url: str) -> None:
    document: dict[str, Any] = {
        "id": FXIAOKE,
        "crm": "fxiaoke",
        "poll_seconds": 1,
        "fxiaoke": {
            "base_url": fxiaoke_url,
            "allow_any_base_url": True,
            "app_id": APP_ID,
            "app_secret_env": "FXIAOKE_APP_SECRET",
            "permanent_code_env": "FXIAOKE_PERMANENT_CODE",
            "current_open_user_id": "FSUID_ADMIN",
        },
        "objects": [
            {
                "object": "ActiveRecordObj",
                "kind": "lead_followed_up",
                "owner_field": "owner",
                "occurred_at_field": "create_time",
            },
            {"object": "QuoteObj", "kind": "quote_sent", "owner_field": "owner", "occurred_at_field": "create_time"},
        ],
        "people": {"by_email": False, "table": {DAN_FS: "dan"}},
    }
    (folder / f"{FXIAOKE}.yaml").write_text(yaml.safe_dump(document))


def zoho_settings(zoho_url: str, notify_url: str, channel_id: int) -> dict[str, Any]:
    """A connection file's `zoho` for the fake Zoho at `zoho_url`, its channel calling `notify_url` back."""
    return {
        "accounts_url": zoho_url,
        "allow_any_accounts_url": True,
        "client_id": CLIENT_ID,
        "client_secret_env": "ZOHO_CLIENT_SECRET",
        "refresh_token_env": "ZOHO_REFRESH_TOKEN",
        "notify_url": notify_url,
        "channel_id": channel_id,
        "channel_token_env": "ZOHO_CHANNEL_TOKEN",
    }


def connection_file(folder: Path, notify_url: str, zoho_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "id": CONNECTION,
        "crm": "zoho",
        "poll_seconds": 1,
        "zoho": zoho_settings(zoho_url, notify_url, 1_006_800_211),
        "objects": [
            {"object": "Calls", "kind": "call"},
            {
                "object": "Deals",
                "kind": "deal_closed",
                "when": {"field": "Stage", "is_any_of": ["Closed Won"]},
                "amount_field": "Amount",
                "currency": "CNY",
            },
            {"object": "Surveys", "kind": "customer_rating", "score_field": "Satisfaction"},
        ],
        "people": {"table": {BOB["id"]: "bob"}},
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(document))


def visits_file(folder: Path, notify_url: str, zoho_url: str) -> None:
    document: dict[str, Any] = {
        "id": VISITS,
        "crm": "zoho",
        "poll_seconds": 3600,
        "zoho": {**zoho_settings(zoho_url, notify_url, VISITS_CHANNEL), "channel_hours": VISITS_CHANNEL_HOURS},
        "objects": [{"object": "Events", "kind": "customer_visit"}],
    }
    (folder / f"{VISITS}.yaml").write_text(yaml.safe_dump(document))


def connector_process(
    stack: Stack, namespace: str, log_dir: Path, zoho: FakeZoho, fxiaoke: FakeFxiaoke, port: int | None = None
) -> ServiceProcess:
    folder = log_dir / "connections"
    env = stack.service_env(
        namespace,
        "connectors",
        PACER_CONNECTORS_CONNECTIONS_DIR=str(folder),
        PACER_CONNECTORS_RETRY_SECONDS="0.5",
        ZOHO_CLIENT_SECRET=CLIENT_SECRET,
        ZOHO_REFRESH_TOKEN=REFRESH_TOKEN,
        ZOHO_CHANNEL_TOKEN=CHANNEL_TOKEN,
        FXIAOKE_APP_SECRET=APP_SECRET,
        FXIAOKE_PERMANENT_CODE=PERMANENT_CODE,
    )
    process = ServiceProcess(
        "pacer_connectors.main", "connectors", env, log_dir / f"connectors-{uuid.uuid4().hex[:4]}.log"
    )
    if port is not None:  # the same address again, which the CRM's channel calls back
        process.port, process.url = port, f"http://127.0.0.1:{port}"
        process.env["PACER_CONNECTORS_HTTP_PORT"] = str(port)
    connection_file(folder, f"{process.url}/v1/connections/{CONNECTION}/zoho/notify", zoho.url)
    fxiaoke_file(folder, fxiaoke.url)
    return process


async def set_goal(
    goals: ServiceProcess,
    kinds: list[str],
    aggregation: str,
    currency: str | None = None,
    owner: tuple[str, str] = ("ann", "mia"),
) -> str:
    now = datetime.now(UTC)
    body = {
        "owner_id": owner[0],
        "title": f"{kinds[0]} {uuid.uuid4().hex[:6]}",
        "metric": {"kinds": kinds, "aggregation": aggregation, **({"currency": currency} if currency else {})},
        "target": 1_000_000,
        "unit": "CNY" if currency else "calls",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=goals.url, timeout=15) as http:
        response = await http.post("/v1/goals", json=body, headers=bearer(owner[1], Role.MANAGER))
    assert response.status_code == 201, response.text
    return str(response.json()["goal_id"])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("connectors")
    async with running_fake_zoho() as zoho, running_fake_fxiaoke() as fxiaoke, running_fake_zoho() as visits:
        for n in range(BACKFILL):  # history the connector has never seen, as an account has on day one
            await zoho.create("Calls", {"Subject": f"call {n}", "Owner": ANN if n % 3 else BOB}, notify=False)
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        connectors = connector_process(stack, namespace, log_dir, zoho, fxiaoke)
        visits_file(log_dir / "connections", f"{connectors.url}/v1/connections/{VISITS}/zoho/notify", visits.url)
        world: World | None = None
        goals.start()
        try:
            await goals.wait_ready()
            async with producer(stack.kafka_bootstrap) as client:
                for person in ROSTER:
                    await publish(client, f"{namespace}.org.people", person)
            async with httpx.AsyncClient(base_url=goals.url, timeout=10) as http:
                await roster_reached(http, ["ann", "bob", "mia", "dan", "max"])
            world = World(
                stack,
                namespace,
                zoho,
                fxiaoke,
                visits,
                goals,
                connectors,
                await set_goal(goals, ["call"], "count"),
                await set_goal(goals, ["deal_closed"], "sum_amount", "CNY"),
                await set_goal(goals, ["lead_followed_up"], "count", owner=("dan", "max")),
                await set_goal(goals, ["quote_sent"], "count", owner=("dan", "max")),
                await set_goal(goals, ["customer_visit"], "count"),
            )
            yield world
        finally:
            connectors.stop()
            if world is not None:
                world.connectors.stop()  # the process started after the kill
            goals.stop()


async def test_a_backfill_killed_half_way_resumes_and_publishes_each_record_once(world: World) -> None:
    # Slow pages, so the kill lands between the backfill's first committed page and its last.
    world.zoho.page_delay = 0.4
    world.connectors.start()

    async def half_way() -> dict[str, Any] | None:
        response = await world.status()
        body = response.json() if response.status_code == 200 else {}
        return body if body.get("backfilling") and body.get("records_seen", 0) >= 400 else None

    seen = await eventually(half_way, 120, "the backfill to be half-way")
    world.connectors.stop(signal.SIGKILL)
    assert seen["records_seen"] < BACKFILL
    world.zoho.page_delay = 0.0
    world.connectors = connector_process(
        world.stack, world.namespace, world.connectors.log_path.parent, world.zoho, world.fxiaoke, world.connectors.port
    )
    world.connectors.start()
    await world.connectors.wait_ready()
    await world.totals_reach("after the backfill resumed")

    # The pass after the first clean one re-reads the newest second of changes: it must publish nothing.
    first = await eventually(lambda: _caught_up_after(world, ""), 60, "a clean pass after the restart")
    await eventually(lambda: _caught_up_after(world, first), 60, "another pass, which re-reads the newest second")
    held = await messages_on(world.stack.kafka_bootstrap, f"{world.namespace}.sales.activity")

    def every_call_published(records: list[Any]) -> bool:
        return len(records) >= held

    published = await read_topic(
        world.stack.kafka_bootstrap, f"{world.namespace}.sales.activity", every_call_published, 60
    )
    recorded: dict[str, set[str]] = {}
    for record in published:
        event = record.json()
        recorded.setdefault(event["data"]["activity_id"], set()).add(event["id"])
    assert {record.json()["type"] for record in published} == {"SalesActivityRecorded"}, "a re-read retracted"
    assert len(recorded) == BACKFILL
    assert all(len(ids) == 1 for ids in recorded.values()), "a record re-read after the kill was published again"


async def test_callbacks_edits_deletions_and_redeliveries_keep_goals_equal_to_the_crm(world: World) -> None:
    await world.connected()
    await world.connectors.wait_ready()
    won = await world.zoho.create("Deals", {"Deal_Name": "Acme", "Stage": "Closed Won", "Amount": 1200, "Owner": ANN})
    await world.zoho.create("Deals", {"Deal_Name": "Globex", "Stage": "Negotiation", "Amount": 800, "Owner": ANN})
    call = await world.zoho.create("Calls", {"Subject": "follow-up", "Owner": ANN})
    await world.totals_reach("after creates")

    await world.zoho.update("Deals", won, Amount=1500)
    await world.zoho.update("Calls", call, Subject="follow-up, rescheduled")  # counts the same: publishes nothing
    await world.totals_reach("after edits")
    again = await world.zoho.redeliver()
    assert again.status_code == 200
    assert again.json() == {"changes": 0}

    await world.zoho.delete("Calls", call)
    lost = next(r for r in world.zoho.records["Calls"].values() if r["Owner"]["id"] == ANN["id"])
    await world.zoho.delete("Calls", lost["id"], notify=False)  # found by polling /Calls/deleted
    await world.totals_reach("after deletions")

    forged = {**world.zoho.callbacks[-1][1], "token": "guessed"}
    async with httpx.AsyncClient(timeout=15) as http:
        refused = await http.post(world.zoho.callbacks[-1][0], json=forged)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"


async def test_an_expired_token_and_rate_limits_are_ridden_out(world: World) -> None:
    await world.connected()
    await world.connectors.wait_ready()
    refreshes = world.zoho.token_refreshes
    world.zoho.expire_tokens()
    world.zoho.throttle(2)
    await world.zoho.create("Calls", {"Subject": "after the limit", "Owner": ANN})
    await world.totals_reach("after an expired token and two 429s")
    assert world.zoho.token_refreshes == refreshes + 1
    assert world.zoho.throttled_answers >= 2


async def test_a_call_logged_through_zohos_insert_api_counts_as_in_the_demo(world: World) -> None:
    """`PACER_DEMO_CRM=zoho make run` logs the demo's calls this way (deploy/local/crm.py)."""
    await world.connected()
    await world.connectors.wait_ready()
    user = ZohoUser(world.zoho.url)
    try:
        record_id = await user.log_call(ANN, "Call with cust-100", datetime.now(UTC).isoformat())
    finally:
        await user.aclose()
    assert world.zoho.records["Calls"][record_id]["Owner"] == ANN
    await world.totals_reach("after a call logged through the insert API")


async def test_status_shows_sync_lag_and_unmapped_users_to_hr_only(world: World) -> None:
    await world.connected()
    await world.zoho.create("Calls", {"Subject": "by a temp", "Owner": STRANGER})

    async def reported() -> dict[str, Any] | None:
        body = (await world.status()).json()
        return body if STRANGER["email"] in body.get("unmapped_users", {}) and not body["backfilling"] else None

    status = await eventually(reported, 60, "the unmapped user to be reported")
    assert status["lag_seconds"] is not None
    assert status["lag_seconds"] < 60
    assert status["activities_retracted"] >= 3
    assert (await world.status(Role.ASSISTANT)).status_code == 403
    shown = await run_pacer(
        world.stack,
        world.namespace,
        "connectors",
        "status",
        env={"PACER_CLI_SERVICE_URLS": json.dumps({"connectors": world.connectors.url})},
    )
    assert shown.returncode == 0, shown.stderr
    assert CONNECTION in shown.stdout
    assert f"{STRANGER['email']} (1)" in shown.stdout
    await world.totals_reach("with a stranger's call left out")


async def test_a_crm_satisfaction_field_is_published_as_a_customer_rating_not_dead_lettered(world: World) -> None:
    await world.connected()
    await world.zoho.create("Surveys", {"Subject": "after the visit", "Satisfaction": 4.6, "Owner": ANN})
    off_scale = await world.zoho.create("Surveys", {"Subject": "out of ten", "Satisfaction": 9, "Owner": ANN})

    def rated(records: list[Any]) -> bool:
        return any(r.json()["data"].get("kind") == "customer_rating" for r in records)

    published = await read_topic(world.stack.kafka_bootstrap, f"{world.namespace}.sales.activity", rated, 60)
    ratings = [r.json()["data"] for r in published if r.json()["data"].get("kind") == "customer_rating"]
    assert [(r["assistant_id"], r["score"], r["quantity"]) for r in ratings] == [("ann", 5, "1")], "4.6 is 5 stars"

    async def refused() -> list[str] | None:
        said = (await world.status()).json()["last_unreadable"]
        return said if any(f"Surveys {off_scale}: Satisfaction is 9" in line for line in said) else None

    await eventually(refused, 60, "the rating out of ten reported as unreadable, not guessed into 1-5")


async def _caught_up_after(world: World, moment: str) -> str | None:
    """When the connection's last clean pass ended, if after `moment` (ISO 8601, UTC)."""
    later = (await world.status()).json().get("caught_up_at")
    return later if later is not None and later > moment else None


async def messages_on(bootstrap: str, topic: str) -> int:
    """How many messages the topic holds: every partition's end offset (nothing is deleted in a test)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        partitions = await partitions_of(admin, [topic])
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()
        await admin.close()


async def test_fxiaoke_follow_ups_feed_goals_voided_ones_are_retracted_and_errors_come_from_error_codes(
    world: World,
) -> None:
    await world.connected()
    fx = world.fxiaoke
    issued = fx.tokens_issued  # this connector process's, if it asked already
    follow_ups = [fx.create("ActiveRecordObj", {"owner": [DAN_FS], "content": f"call back {n}"}) for n in range(150)]
    fx.create("ActiveRecordObj", {"owner": ["FSUID_TEMP"], "content": "by a temp"})
    await world.follow_ups_reach("after a backfill of two pages")

    fx.void("ActiveRecordObj", follow_ups[0])
    fx.update("ActiveRecordObj", follow_ups[1], content="call back tomorrow")  # counts the same
    await world.follow_ups_reach("after one was voided")

    tokens_before, errors_before = fx.tokens_issued, (await world.status(connection=FXIAOKE)).json()["errors"]
    assert tokens_before - issued <= 1, "one token for a backfill and the passes after: the token endpoint has a limit"
    fx.expire_tokens()
    fx.throttle(1)
    fx.create("ActiveRecordObj", {"owner": [DAN_FS], "content": "after the quota"})
    await world.follow_ups_reach("after an expired token and a quota error, both answered with HTTP 200")
    status = (await world.status(connection=FXIAOKE)).json()
    assert fx.tokens_issued == tokens_before + 1, "the expired token was replaced, once"
    assert status["errors"] > errors_before
    assert status["unmapped_users"] == {"FSUID_TEMP": 1}


async def test_a_zoho_channel_shorter_than_the_poll_is_renewed_before_it_lapses_and_callbacks_keep_counting(
    world: World,
) -> None:
    """Zoho drops a channel at its expiry (as short as an hour); the connection polls less often than half of it."""
    await world.connected()
    channels = world.visits.channels

    async def subscribed() -> datetime | None:
        channel = channels.get(VISITS_CHANNEL)
        return channel.expiry if channel is not None else None

    first = await eventually(subscribed, 60, "the visits connection to subscribe its channel")

    async def renewed() -> datetime | None:
        later = channels[VISITS_CHANNEL].expiry
        return later if later > first else None

    await eventually(renewed, 30, "the channel renewed, an hour's poll notwithstanding")
    assert datetime.now(UTC) < first, "renewed before the first subscription lapsed"

    async def lapsed() -> bool:
        return datetime.now(UTC) > first

    await eventually(lapsed, 30, "the first subscription's expiry to pass")
    callbacks = len(world.visits.callbacks)
    await world.visits.create("Events", {"Event_Title": "site visit", "Owner": ANN})
    assert len(world.visits.callbacks) == callbacks + 1, "the channel was live: Zoho called back"

    async def counted() -> bool:
        return await world.goal_total(world.visits_goal) == 1

    await eventually(counted, 30, "the visit announced by the callback to count")
    again = await world.visits.redeliver()
    assert again.status_code == 200, again.text
    assert again.json() == {"changes": 0}


async def test_fxiaoke_records_edited_while_a_pass_pages_make_it_skip_no_other(world: World) -> None:
    """An edit lands between two pages of a pass, seconds after the records it passes: the record moves to the end
    of the listing. Paging by offset, the rows after it would shift back by one, and the one skipped would be older
    than the next pass's start (a second before the newest change read): lost for good. Paging by key, every row is
    read."""
    await world.connected()
    fx = world.fxiaoke
    await world.follow_ups_reach("before the edits")
    edited: list[str] = []

    def edit_the_first(rows: list[dict[str, Any]]) -> None:
        fx.later(5)  # a large tenant's pages take seconds
        fx.update("ActiveRecordObj", rows[0]["_id"], content="rescheduled while the connector pages")
        edited.append(rows[0]["_id"])

    fx.between_pages = edit_the_first
    for n in range(250):
        fx.create("ActiveRecordObj", {"owner": [DAN_FS], "content": f"visit report {n}"})
    await world.follow_ups_reach("after an edit between two pages of a pass")
    assert edited, "the fake edited a record between two pages"


async def test_fxiaoke_pages_past_the_offset_cap_and_through_a_millisecond_fuller_than_a_page(world: World) -> None:
    """Fxiaoke's offsets stop at 10,000 rows; the fake's cap is lowered to 200 so a few hundred rows pass it. An
    import's rows share one millisecond, more of them than a page holds."""
    await world.connected()
    fx = world.fxiaoke
    await world.follow_ups_reach("before the import")
    fx.deepest_offset = 200
    try:
        fx.import_rows("ActiveRecordObj", [{"owner": [DAN_FS], "content": f"imported {n}"} for n in range(230)])
        for n in range(220):
            fx.create("ActiveRecordObj", {"owner": [DAN_FS], "content": f"after the import {n}"})
        await world.follow_ups_reach("after 450 changes, past the offset cap, 230 of them in one millisecond")
    finally:
        fx.deepest_offset = 10_000


async def test_a_fxiaoke_record_voided_and_deleted_between_two_passes_is_retracted(world: World) -> None:
    """Fxiaoke deletes a voided record only; voided and deleted between two passes, no pass ever lists it voided."""
    await world.connected()
    fx = world.fxiaoke
    doomed = fx.create("ActiveRecordObj", {"owner": [DAN_FS], "content": "a visit logged by mistake"})
    await world.follow_ups_reach("with the record to delete")
    counted = await world.goal_total(world.follow_ups_goal)
    fx.void("ActiveRecordObj", doomed)
    fx.delete("ActiveRecordObj", doomed)  # at once: nothing is answered in between
    await world.follow_ups_reach("after a record was deleted outright")
    assert await world.goal_total(world.follow_ups_goal) == counted - 1


async def test_a_fxiaoke_backfill_killed_half_way_resumes_and_goals_equal_what_fxiaoke_holds(world: World) -> None:
    await world.connected()
    await world.connectors.wait_ready()
    fx = world.fxiaoke
    quotes = [fx.create("QuoteObj", {"owner": [DAN_FS], "name": f"quote {n}"}) for n in range(1_000)]
    for record_id in quotes[::50]:
        fx.void("QuoteObj", record_id)  # voided before the connector ever reads them: they count nothing
    fx.page_delay = 0.4  # slow pages, so the kill lands between the backfill's first committed page and its last

    async def half_way() -> dict[str, Any] | None:
        body = (await world.status(connection=FXIAOKE)).json()
        counted = await world.goal_total(world.quotes_goal)
        return body if body.get("backfilling") and counted >= 200 else None

    await eventually(half_way, 120, "the quotes' backfill to be half-way")
    world.connectors.stop(signal.SIGKILL)
    assert await world.goal_total(world.quotes_goal) < world.held_by_fxiaoke("QuoteObj")
    fx.page_delay = 0.0
    world.connectors = connector_process(
        world.stack, world.namespace, world.connectors.log_path.parent, world.zoho, world.fxiaoke, world.connectors.port
    )
    world.connectors.start()
    await world.connectors.wait_ready()
    await world.follow_ups_reach("after the backfill resumed", "QuoteObj")
    fx.void("QuoteObj", quotes[1])
    await world.follow_ups_reach("after a quote was voided", "QuoteObj")


CID = {"id": "4150868000000225020", "email": "cid@example.com", "name": "Cid Assistant"}


async def traces_of_cid(world: World) -> list[str]:
    """Where the connectors' database still names Cid: by id (a whole value) or by address."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(world.stack.mongo_url)
    found = []
    try:
        db = client[f"{world.namespace}_connectors"]
        for name in await db.list_collection_names():
            async for document in db[name].find({}):
                text = json.dumps(document, default=str)
                if '"cid"' in text or CID["email"] in text or CID["name"] in text:
                    found.append(f"{name}/{document['_id']}")
    finally:
        await client.close()
    return found


async def test_an_erased_person_is_not_named_by_the_connectors_again_whatever_the_crm_still_says(
    world: World,
) -> None:
    await world.connected()
    if world.connectors.process is None:  # run on its own
        world.connectors.start()
    await world.connectors.wait_ready()
    first = await world.zoho.create("Calls", {"Subject": "Cid's call", "Owner": CID})

    async def exported() -> list[Any] | None:
        async with httpx.AsyncClient(base_url=world.connectors.url, timeout=15) as http:
            response = await http.get("/v1/people/cid/export", headers=bearer("hana", Role.HR))
        records = response.json()["holdings"].get("crm_records", [])
        return records if any(r["counted"]["assistant_id"] == "cid" for r in records if r.get("counted")) else None

    await eventually(exported, 60, "Cid's call in the connectors' part of her export")

    async with producer(world.stack.kafka_bootstrap) as client:
        await publish(client, f"{world.namespace}.org.people", PersonErased(person_id="cid"))

    async def forgotten() -> bool:
        return not await traces_of_cid(world)

    await eventually(forgotten, 60, "no trace of Cid in the connectors' database")

    # The CRM still credits her: new and edited records publish nothing about her and report her by pseudonym only.
    moment = datetime.now(UTC).isoformat()
    await world.zoho.create("Calls", {"Subject": "Cid's next call", "Owner": CID})
    await world.zoho.update("Calls", first, Subject="Cid's call, edited")
    await eventually(lambda: _caught_up_after(world, moment), 60, "a pass after her erasure")
    unmapped = (await world.status()).json()["unmapped_users"]
    assert CID["email"] not in unmapped
    assert [user for user in unmapped if user.startswith("erased-")], unmapped
    assert not await traces_of_cid(world)
    topic = f"{world.namespace}.sales.activity"
    held = await messages_on(world.stack.kafka_bootstrap, topic)
    published = await read_topic(world.stack.kafka_bootstrap, topic, lambda records: len(records) >= held, 60)
    after = [r.json() for r in published if r.json()["time"] > moment]
    assert not [e for e in after if e["data"].get("assistant_id") == "cid"], "published about her again"
