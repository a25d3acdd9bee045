"""A company with no HRIS: the connectors publish the roster from its Salesforce org's active users (a local fake
org, pacer_testkit.fake_salesforce), and the goals service's roster shows them, their managers, teams and
departures. Portal users and users already inactive are nobody's roster entry.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml

from pacer_shared.auth import Role
from pacer_testkit.fake_salesforce import CLIENT_ID, CLIENT_SECRET, FakeSalesforce, running_fake_salesforce
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import (
    ServiceProcess,
    Stack,
    bearer,
    publish_roster,
    roster_shows,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(300)]

CONNECTION = "sf-roster"


@dataclass
class World:
    org: FakeSalesforce
    goals: ServiceProcess
    li_lei: str
    portal: str
    retired: str

    async def person(self, person_id: str, **expected: Any) -> dict[str, Any]:
        return await roster_shows(self.goals.url, person_id, **expected)


def connection_file(folder: Path, org_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "id": CONNECTION,
        "crm": "salesforce",
        "poll_seconds": 1,
        "salesforce": {
            "flow": "client_credentials",
            "login_url": org_url,
            "allow_any_login_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "SF_CLIENT_SECRET",
        },
        "objects": [{"object": "Task", "kind": "call", "owner_field": "OwnerId", "occurred_at_field": "CreatedDate"}],
        "roster": {"roles": {"Sales Manager": "manager"}, "team_field": "Department"},
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(document))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("salesforce-roster")
    async with running_fake_salesforce() as org:
        mia = org.user("mia@example.com", FirstName="Mia", LastName="Manager", UserRoleName="Sales Manager")
        li_lei = org.user(
            "li.lei@example.com",
            FirstName="Lei",
            LastName="Li",
            ManagerId=mia,
            Department="north",
            TimeZoneSidKey="Asia/Shanghai",
            LocaleSidKey="zh_CN",
        )
        portal = org.user("customer@example.com", UserType="CspLitePortal")
        retired = org.user("gone@example.com", IsActive=False)
        connection_file(log_dir / "connections", org.url)
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        env = stack.service_env(
            namespace,
            "connectors",
            PACER_CONNECTORS_CONNECTIONS_DIR=str(log_dir / "connections"),
            PACER_CONNECTORS_RETRY_SECONDS="0.5",
            SF_CLIENT_SECRET=CLIENT_SECRET,
        )
        connectors = ServiceProcess("pacer_connectors.main", "connectors", env, log_dir / "connectors.log")
        goals.start()
        try:
            await goals.wait_ready()
            await publish_roster(stack, namespace, ROSTER, goals.url, ["mia", "ann"])
            connectors.start()
            await connectors.wait_ready()
            yield World(org, goals, li_lei, portal, retired)
        finally:
            connectors.stop()
            goals.stop()


async def test_the_orgs_active_users_become_the_roster(world: World) -> None:
    shown = await world.person(
        f"salesforce-{world.li_lei}", display_name="Lei Li", email="li.lei@example.com", manager_id="mia"
    )
    assert (shown["team_id"], shown["timezone"], shown["locale"], shown["role"]) == (
        "north",
        "Asia/Shanghai",
        "zh-CN",
        "assistant",
    )
    # Mia was in the roster already: she keeps her id and her chat handle, and her Salesforce role makes her a manager.
    mia = await world.person("mia", display_name="Mia Manager", role="manager", timezone="America/Los_Angeles")
    assert mia["chat"]["dingtalk"] == "mia-dt"
    async with httpx.AsyncClient(base_url=world.goals.url, timeout=10) as http:
        for nobody in (world.portal, world.retired):
            answer = await http.get(f"/v1/people/salesforce-{nobody}", headers=bearer("hana", Role.HR))
            assert answer.status_code == 404, "a portal user or a user inactive before is nobody's roster entry"


async def test_a_user_deactivated_in_the_org_leaves_the_roster(world: World) -> None:
    li_lei = f"salesforce-{world.li_lei}"
    await world.person(li_lei, active=True)
    world.org.user_records[world.li_lei]["IsActive"] = False
    await world.person(li_lei, active=False)
    world.org.user_records[world.li_lei]["IsActive"] = True  # rehired
    await world.person(li_lei, active=True)
