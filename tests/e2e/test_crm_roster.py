"""A company with no HRIS: the connectors publish the roster from its Zoho CRM's active users (a local fake Zoho,
pacer_testkit.fake_zoho), and the goals service's roster shows them, their managers, teams and departures; a new
user's calls count for them at once, under the person the roster made of them. The connector starts before the
roster has reached it, so a user the roster knows by address is first published under an id of the CRM's own,
which is retired once the address is known.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml

from pacer_shared.auth import Role
from pacer_testkit.fake_zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho, running_fake_zoho
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import (
    ServiceProcess,
    Stack,
    bearer,
    eventually,
    publish_roster,
    roster_shows,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(300)]

CONNECTION = "zoho-roster"
MIA = "4150868000000300001"
"""Mia's CRM user: the roster already has her (by address), as a manager."""
LI_LEI = "4150868000000300002"
"""A CRM user the roster does not know: the roster from the CRM makes a person of him."""
GONE = "4150868000000300003"


def zoho_user(user_id: str, email: str, first: str, last: str, **fields: Any) -> dict[str, Any]:
    """A user as Zoho's users API shows one (https://www.zoho.com/deluge/help/crm/get-user-data.html)."""
    return {
        "id": user_id,
        "email": email,
        "first_name": first,
        "last_name": last,
        "full_name": f"{first} {last}",
        "status": "active",
        "role": {"name": "Sales Rep", "id": "4150868000000026011"},
        "profile": {"name": "Standard", "id": "4150868000000026014"},
        "time_zone": "Asia/Shanghai",
        "locale": "zh_CN",
        "language": "zh_CN",
        "confirm": True,
        **fields,
    }


@dataclass
class World:
    zoho: FakeZoho
    goals: ServiceProcess
    connectors: ServiceProcess

    async def person(self, person_id: str, **expected: Any) -> dict[str, Any]:
        return await roster_shows(self.goals.url, person_id, **expected)


def connection_file(folder: Path, zoho_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "id": CONNECTION,
        "crm": "zoho",
        "poll_seconds": 1,
        "zoho": {
            "accounts_url": zoho_url,
            "allow_any_accounts_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "ZOHO_CLIENT_SECRET",
            "refresh_token_env": "ZOHO_REFRESH_TOKEN",
        },
        "objects": [{"object": "Calls", "kind": "call"}],
        "roster": {"roles": {"Sales Manager": "manager"}, "team_field": "Team"},
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(document))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("crm-roster")
    async with running_fake_zoho() as zoho:
        zoho.users[MIA] = zoho_user(MIA, "mia@example.com", "Mia", "Manager", role={"name": "Sales Manager"})
        zoho.users[LI_LEI] = zoho_user(
            LI_LEI, "li.lei@example.com", "Lei", "Li", Reporting_To={"name": "Mia Manager", "id": MIA}, Team="north"
        )
        zoho.users[GONE] = zoho_user(GONE, "gone@example.com", "Left", "Long Ago", status="disabled")
        connection_file(log_dir / "connections", zoho.url)
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        env = stack.service_env(
            namespace,
            "connectors",
            PACER_CONNECTORS_CONNECTIONS_DIR=str(log_dir / "connections"),
            PACER_CONNECTORS_RETRY_SECONDS="0.5",
            ZOHO_CLIENT_SECRET=CLIENT_SECRET,
            ZOHO_REFRESH_TOKEN=REFRESH_TOKEN,
        )
        connectors = ServiceProcess("pacer_connectors.main", "connectors", env, log_dir / "connectors.log")
        goals.start()
        connectors.start()
        try:
            await goals.wait_ready()
            await connectors.wait_ready()
            world = World(zoho, goals, connectors)
            # Before the roster reaches them, Mia's CRM user can only be a person of the CRM's own.
            await world.person(f"zoho-{MIA}", active=True)
            await publish_roster(stack, namespace, ROSTER, goals.url, ["mia", "ann"])
            yield world
        finally:
            connectors.stop()
            goals.stop()


async def test_the_crm_s_active_users_become_the_roster_and_their_calls_count_at_once(world: World) -> None:
    li_lei = f"zoho-{LI_LEI}"
    shown = await world.person(li_lei, display_name="Lei Li", email="li.lei@example.com", manager_id="mia")
    assert (shown["team_id"], shown["timezone"], shown["locale"], shown["role"]) == (
        "north",
        "Asia/Shanghai",
        "zh-CN",
        "assistant",
    )
    # Mia was in the roster already: she keeps her id and her chat handle, and her CRM role makes her a manager.
    mia = await world.person("mia", display_name="Mia Manager", role="manager")
    assert mia["chat"]["dingtalk"] == "mia-dt"
    await world.person(f"zoho-{MIA}", active=False)  # once her address was known, the CRM's own id for her retired
    async with httpx.AsyncClient(base_url=world.goals.url, timeout=10) as http:
        gone = await http.get(f"/v1/people/zoho-{GONE}", headers=bearer("hana", Role.HR))
        assert gone.status_code == 404  # a disabled user is nobody's roster entry

    now = datetime.now(UTC)
    goal = {
        "owner_id": li_lei,
        "title": f"calls {uuid.uuid4().hex[:6]}",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 100,
        "unit": "calls",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=world.goals.url, timeout=10) as http:
        created = await http.post("/v1/goals", json=goal, headers=bearer("mia", Role.MANAGER))
        assert created.status_code == 201, created.text
        goal_id = created.json()["goal_id"]
        owner = {"id": LI_LEI, "name": "Lei Li", "email": "li.lei@example.com"}
        await world.zoho.create("Calls", {"Subject": "first call", "Owner": owner}, notify=False)

        async def counted() -> bool:
            response = await http.get(f"/v1/goals/{goal_id}", headers=bearer("hana", Role.HR))
            return response.status_code == 200 and float(response.json()["actual"]) == 1

        await eventually(counted, 60, "Li Lei's call to count in his goal")


async def test_a_user_deactivated_in_the_crm_leaves_the_roster(world: World) -> None:
    li_lei = f"zoho-{LI_LEI}"
    await world.person(li_lei, active=True)
    world.zoho.users[LI_LEI]["status"] = "disabled"
    await world.person(li_lei, active=False)
    world.zoho.users[LI_LEI]["status"] = "active"  # rehired
    await world.person(li_lei, active=True)
