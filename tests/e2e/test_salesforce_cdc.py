"""Salesforce Change Data Capture feeds goals through the connectors service: the connector subscribes to a local
Pub/Sub API (pacer_testkit.fake_pubsub, gRPC and Avro) of a local org (pacer_testkit.fake_salesforce), beside the
real broker and the goals service. Its catch-up pass runs once an hour here, so what reaches goals within the test's
deadline came by change events: creates, edits, deletions, gap events, an overflow, a restart after SIGKILL that
resumes after the stored replay id, and a replay id the stream no longer keeps.
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

from pacer_shared.auth import Role
from pacer_testkit.fake_pubsub import FakePubSub, running_fake_pubsub
from pacer_testkit.fake_salesforce import CLIENT_ID, CLIENT_SECRET, FakeSalesforce, running_fake_salesforce
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

CONNECTION = "sf-cdc"


@dataclass
class World:
    stack: Stack
    namespace: str
    org: FakeSalesforce
    pubsub: FakePubSub
    goals: ServiceProcess
    connectors: ServiceProcess
    ann: str
    deals_goal: str

    def won_by_ann(self) -> Decimal:
        deals = self.org.records.get("Opportunity", {}).values()
        return sum((Decimal(str(d["Amount"])) for d in deals if d["OwnerId"] == self.ann and d["IsWon"]), Decimal(0))

    async def total_reaches_org(self, what: str) -> None:
        want = self.won_by_ann()

        async def equal() -> Decimal | None:
            async with httpx.AsyncClient(base_url=self.goals.url, timeout=15) as http:
                response = await http.get(f"/v1/goals/{self.deals_goal}", headers=bearer("hana", Role.HR))
            seen = Decimal(str(response.json()["actual"]))
            return seen if seen == want else None

        await eventually(equal, 60, f"ann's won amount to equal the org's ({want} USD) {what}")

    async def subscribed(self, count: int) -> None:
        async def enough() -> int | None:
            return self.pubsub.subscriptions if self.pubsub.subscriptions >= count else None

        await eventually(enough, 60, f"subscription number {count} to the change events")

    async def win(self, amount: int) -> str:
        fields = {"Name": f"deal {uuid.uuid4().hex[:4]}", "IsWon": True, "Amount": amount, "OwnerId": self.ann}
        return await self.org.create("Opportunity", fields, notify=False)


def connector_process(stack: Stack, namespace: str, log_dir: Path, org: FakeSalesforce, target: str) -> ServiceProcess:
    folder = log_dir / "connections"
    folder.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "id": CONNECTION,
        "crm": "salesforce",
        "poll_seconds": 3600,
        "salesforce": {
            "flow": "client_credentials",
            "login_url": org.url,
            "allow_any_login_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "SF_CLIENT_SECRET",
            "organization_id": org.org_id,
            "change_data_capture": {"pubsub_url": target, "allow_insecure": True},
        },
        "objects": [
            {
                "object": "Opportunity",
                "kind": "deal_closed",
                "when": {"field": "IsWon", "is_any_of": [True]},
                "owner_field": "OwnerId",
                "occurred_at_field": "CreatedDate",
                "amount_field": "Amount",
                "currency": "USD",
            },
        ],
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(document))
    env = stack.service_env(
        namespace,
        "connectors",
        PACER_CONNECTORS_CONNECTIONS_DIR=str(folder),
        PACER_CONNECTORS_RETRY_SECONDS="0.5",
        SF_CLIENT_SECRET=CLIENT_SECRET,
    )
    return ServiceProcess(
        "pacer_connectors.main", "connectors", env, log_dir / f"connectors-{uuid.uuid4().hex[:4]}.log"
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("salesforce-cdc")
    async with running_fake_salesforce() as org, running_fake_pubsub(org) as pubsub:
        ann = org.user("ann@example.com")
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        connectors = connector_process(stack, namespace, log_dir, org, pubsub.target)
        world: World | None = None
        goals.start()
        try:
            await goals.wait_ready()
            async with producer(stack.kafka_bootstrap) as client:
                for person in ROSTER:
                    await publish(client, f"{namespace}.org.people", person)
            async with httpx.AsyncClient(base_url=goals.url, timeout=10) as http:
                await roster_reached(http, ["ann", "mia"])
            now = datetime.now(UTC)
            body = {
                "owner_id": "ann",
                "title": "won deals",
                "metric": {"kinds": ["deal_closed"], "aggregation": "sum_amount", "currency": "USD"},
                "target": 1_000_000,
                "unit": "USD",
                "start": (now - timedelta(hours=1)).isoformat(),
                "end": (now + timedelta(hours=2)).isoformat(),
            }
            async with httpx.AsyncClient(base_url=goals.url, timeout=15) as http:
                response = await http.post("/v1/goals", json=body, headers=bearer("mia", Role.MANAGER))
            assert response.status_code == 201, response.text
            world = World(stack, namespace, org, pubsub, goals, connectors, ann, str(response.json()["goal_id"]))
            connectors.start()
            await connectors.wait_ready()
            await world.subscribed(1)
            yield world
        finally:
            if world is not None:
                world.connectors.stop()
            connectors.stop()
            goals.stop()


async def test_creates_edits_and_deletions_arrive_by_change_events(world: World) -> None:
    first = await world.win(1200)
    await world.win(300)
    await world.total_reaches_org("after two won deals")

    await world.org.update("Opportunity", first, notify=False, Amount=1500)
    await world.total_reaches_org("after an edit")

    world.org.delete("Opportunity", first)
    await world.total_reaches_org("after a deletion")


async def test_an_unreadable_change_event_is_skipped_and_the_stream_goes_on(world: World) -> None:
    world.pubsub.publish_garbage("Opportunity")
    await world.win(250)
    await world.total_reaches_org("after an event that is not Avro of its schema")


async def test_a_gap_event_reads_the_record_it_names(world: World) -> None:
    deal = await world.win(700)
    await world.total_reaches_org("before the gap")
    world.org.change_unannounced("Opportunity", deal, Amount=900, Name="renamed in bulk")
    await world.total_reaches_org("after a gap event, which carries no fields")


async def test_a_restart_resumes_after_the_last_batch_applied_and_publishes_each_change_once(world: World) -> None:
    subscriptions = world.pubsub.subscriptions
    world.connectors.stop(signal.SIGKILL)
    missed = [await world.win(100 + n) for n in range(5)]  # while the connector is down
    delivered = len(world.pubsub.delivered)
    world.connectors = connector_process(
        world.stack, world.namespace, world.connectors.log_path.parent, world.org, world.pubsub.target
    )
    world.connectors.start()
    await world.subscribed(subscriptions + 1)
    await world.total_reaches_org("after a restart")

    # Its first pass reads them too; the change events must still have been replayed from the stored replay id.
    async def replayed() -> bool | None:
        return set(missed) <= set(world.pubsub.delivered[delivered:]) or None

    await eventually(replayed, 60, "the changes made while the connector was down to be replayed to it")
    assert world.pubsub.refused_replays == 0

    published = await read_topic(
        world.stack.kafka_bootstrap,
        f"{world.namespace}.sales.activity",
        lambda records: all(any(m in r.json()["data"]["activity_id"] for r in records) for m in missed),
        60,
    )
    recorded: dict[str, int] = {}
    for record in published:
        event = record.json()
        if event["type"] == "SalesActivityRecorded":
            recorded[event["data"]["activity_id"]] = recorded.get(event["data"]["activity_id"], 0) + 1
    assert all(count == 1 for count in recorded.values()), f"a change was published twice: {recorded}"


async def test_a_replay_id_the_stream_no_longer_keeps_starts_a_catch_up_pass(world: World) -> None:
    world.pubsub.outage()

    async def ended() -> bool | None:
        return world.pubsub.streams == 0 or None

    await eventually(ended, 30, "the connector's stream to end")
    await world.win(4000)  # its change event is lost with the stream's memory
    world.pubsub.forget_all()
    refused = world.pubsub.refused_replays
    world.pubsub.restore()

    async def asked() -> bool | None:
        return world.pubsub.refused_replays > refused or None

    await eventually(asked, 60, "the connector to ask for a forgotten replay id")
    await world.total_reaches_org("by the catch-up pass the refusal starts (the next one is an hour away)")

    await world.win(50)
    await world.total_reaches_org("by change events again, from the tip")


async def test_an_overflow_event_starts_a_catch_up_pass(world: World) -> None:
    deal = await world.win(10)
    await world.total_reaches_org("before the overflow")
    world.org.change_in_bulk("Opportunity", deal, Amount=20)
    await world.total_reaches_org("after an overflow event, by a catch-up pass")
