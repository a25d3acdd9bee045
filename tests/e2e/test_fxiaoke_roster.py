"""A company with no HRIS: the connectors publish the roster from its Fxiaoke (纷享销客) company's members (a local fake
Fxiaoke, pacer_testkit.fake_fxiaoke, answering `/cgi/user/list` as Fxiaoke documents it), and the goals service's
roster shows them, their managers (`leaderId`) and departures (`isStop`). A member's follow-ups count for them at
once. Fxiaoke gives no time zone or locale, and often no address: what it does not say stays as the roster has it,
and a member with no address whom the roster does not know is nobody's roster entry, their records reported as
unmapped, never guessed.
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
from pacer_testkit.fake_fxiaoke import (
    APP_ID,
    APP_SECRET,
    PERMANENT_CODE,
    QUOTA_EXCEEDED,
    FakeFxiaoke,
    running_fake_fxiaoke,
)
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

CONNECTION = "fx-roster"
MIA = "FSUID_MIA"
"""The roster has her by address: she keeps her id, and her position makes her a manager."""
LI_LEI = "FSUID_LILEI"
"""A member the roster does not know: the roster from the CRM makes a person of him."""
ANN = "FSUID_ANN"
"""A member with no address in Fxiaoke, whom the connection's people table names: the roster's address stays hers."""
NO_ADDRESS = "FSUID_NOADDR"
"""A member with no address whom nobody names: no roster entry, and their records are reported as unmapped."""
STOPPED = "FSUID_STOPPED"


@dataclass
class World:
    fx: FakeFxiaoke
    goals: ServiceProcess
    connectors: ServiceProcess

    async def person(self, person_id: str, **expected: Any) -> dict[str, Any]:
        return await roster_shows(self.goals.url, person_id, **expected)

    async def status(self) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.connectors.url, timeout=15) as http:
            response = await http.get(f"/v1/connections/{CONNECTION}", headers=bearer("hana", Role.HR))
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body


def connection_file(folder: Path, fxiaoke_url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        "id": CONNECTION,
        "crm": "fxiaoke",
        "poll_seconds": 1,
        "fxiaoke": {
            "base_url": fxiaoke_url,
            "allow_any_base_url": True,
            "app_id": APP_ID,
            "app_secret_env": "FXIAOKE_APP_SECRET",
            "permanent_code_env": "FXIAOKE_PERMANENT_CODE",
            "current_open_user_id": MIA,
        },
        "objects": [
            {
                "object": "ActiveRecordObj",
                "kind": "lead_followed_up",
                "owner_field": "owner",
                "occurred_at_field": "create_time",
            }
        ],
        "people": {"table": {ANN: "ann"}},
        "roster": {"roles": {"销售经理": "manager"}, "team_field": "mainDepartmentId", "timezone": "Asia/Shanghai"},
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("fxiaoke-roster")
    async with running_fake_fxiaoke() as fx:
        fx.user(MIA, "Mia Manager", "mia@example.com", position="销售经理")
        fx.user(LI_LEI, "Lei Li", "li.lei@example.com", position="销售", leaderId=MIA, mainDepartmentId=1001)
        fx.user(ANN, "Ann Assistant", None, position="销售", leaderId=MIA, mainDepartmentId=1001)
        fx.user(NO_ADDRESS, "Wang Fang", None, position="销售", leaderId=MIA)
        fx.user(STOPPED, "Left Long Ago", "gone@example.com", isStop=True)
        connection_file(log_dir / "connections", fx.url)
        goals = ServiceProcess(
            "pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log"
        )
        env = stack.service_env(
            namespace,
            "connectors",
            PACER_CONNECTORS_CONNECTIONS_DIR=str(log_dir / "connections"),
            PACER_CONNECTORS_RETRY_SECONDS="0.5",
            FXIAOKE_APP_SECRET=APP_SECRET,
            FXIAOKE_PERMANENT_CODE=PERMANENT_CODE,
        )
        connectors = ServiceProcess("pacer_connectors.main", "connectors", env, log_dir / "connectors.log")
        goals.start()
        try:
            await goals.wait_ready()
            await publish_roster(stack, namespace, ROSTER, goals.url, ["mia", "ann"])
            connectors.start()
            await connectors.wait_ready()
            yield World(fx, goals, connectors)
        finally:
            connectors.stop()
            goals.stop()


async def test_the_company_s_members_become_the_roster_and_their_follow_ups_count_at_once(world: World) -> None:
    li_lei = f"fxiaoke-{LI_LEI}"
    shown = await world.person(li_lei, display_name="Lei Li", email="li.lei@example.com", manager_id="mia")
    # No zone or locale in Fxiaoke's member list: the connection file's zone, and the default locale.
    assert (shown["team_id"], shown["timezone"], shown["locale"], shown["role"]) == (
        "1001",
        "Asia/Shanghai",
        "en",
        "assistant",
    )
    # Mia was in the roster already: she keeps her id, her chat handle and her zone; her position makes her a manager.
    mia = await world.person("mia", display_name="Mia Manager", role="manager")
    assert (mia["chat"]["dingtalk"], mia["timezone"]) == ("mia-dt", "Europe/Berlin")
    # Ann has no address in Fxiaoke; the people table says who she is, and the roster's address and locale stay hers.
    ann = await world.person("ann", manager_id="mia", team_id="1001")
    assert (ann["email"], ann["locale"], ann["timezone"]) == ("ann@example.com", "zh-CN", "Asia/Shanghai")
    async with httpx.AsyncClient(base_url=world.goals.url, timeout=10) as http:
        for nobody in (NO_ADDRESS, STOPPED):
            answer = await http.get(f"/v1/people/fxiaoke-{nobody}", headers=bearer("hana", Role.HR))
            assert answer.status_code == 404, f"{nobody}: a stopped member or one with no address is no roster entry"

    now = datetime.now(UTC)
    goal = {
        "owner_id": li_lei,
        "title": f"follow-ups {uuid.uuid4().hex[:6]}",
        "metric": {"kinds": ["lead_followed_up"], "aggregation": "count"},
        "target": 100,
        "unit": "follow-ups",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(hours=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=world.goals.url, timeout=10) as http:
        created = await http.post("/v1/goals", json=goal, headers=bearer("mia", Role.MANAGER))
        assert created.status_code == 201, created.text
        goal_id = created.json()["goal_id"]
        world.fx.create("ActiveRecordObj", {"owner": [LI_LEI], "content": "called back"})
        world.fx.create("ActiveRecordObj", {"owner": [NO_ADDRESS], "content": "by the member with no address"})

        async def counted() -> bool:
            response = await http.get(f"/v1/goals/{goal_id}", headers=bearer("hana", Role.HR))
            return response.status_code == 200 and float(response.json()["actual"]) == 1

        await eventually(counted, 60, "Li Lei's follow-up to count in his goal")

    async def reported() -> dict[str, int] | None:
        unmapped: dict[str, int] = (await world.status())["unmapped_users"]
        return unmapped if unmapped.get(NO_ADDRESS) == 1 else None

    unmapped = await eventually(reported, 30, "the member with no address to be reported as unmapped")
    assert LI_LEI not in unmapped


async def test_a_member_stopped_in_fxiaoke_leaves_the_roster_through_an_expired_token_and_a_spent_quota(
    world: World,
) -> None:
    li_lei = f"fxiaoke-{LI_LEI}"
    await world.person(li_lei, active=True)
    errors_before, lists_before = (await world.status())["errors"], world.fx.user_lists
    # Every token expires, then the next call is refused for the quota: errorCodes in HTTP 200 bodies, both.
    world.fx.expire_tokens()
    world.fx.throttle(1)
    world.fx.users[LI_LEI]["isStop"] = True
    await world.person(li_lei, active=False)
    assert (await world.status())["errors"] > errors_before, "the refused pass is counted"
    # The log names the refusal with Fxiaoke's errorCode and the call's traceId, which the operator can quote to it.
    refusals = [
        line for line in world.connectors.log_path.read_text().splitlines() if f"errorCode {QUOTA_EXCEEDED}" in line
    ]
    assert refusals, "the quota refusal is logged"
    assert "traceId" in refusals[-1], refusals[-1]
    assert world.fx.user_lists > lists_before
    world.fx.users[LI_LEI]["isStop"] = False  # rehired
    await world.person(li_lei, active=True)
