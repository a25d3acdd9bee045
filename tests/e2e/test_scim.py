"""Okta and Microsoft Entra provision the roster through the connectors' SCIM endpoint: the requests are the shapes
each provider documents, sent over HTTP to the connectors service run as its own process on the real stack, and
the goals service's roster (`/v1/people`) shows the people they make, change, move between teams and deactivate.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio

from pacer_shared.auth import Role
from pacer_shared.events.people import ChatHandles, PersonErased
from pacer_testkit.roster import ROSTER, person
from pacer_testkit.stack import (
    Record,
    ServiceProcess,
    Stack,
    bearer,
    eventually,
    producer,
    publish,
    read_topic,
    roster_reached,
    roster_shows,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(300)]

TOKEN = "scim-token-of-the-identity-provider-0123456789"
SCIM_JSON = "application/scim+json"
CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
# Someone the roster already has from a CSV import, with a chat handle SCIM knows nothing of.
ZOE = person("zoe", "assistant", "mia", "north", email="zoe.zhang@example.com", chat=ChatHandles(slack="U0ZOE"))


@dataclass
class World:
    stack: Stack
    namespace: str
    goals: ServiceProcess
    connectors: ServiceProcess
    scim: httpx.AsyncClient

    async def person_in_goals(self, person_id: str, **expected: Any) -> dict[str, Any]:
        """Wait until the goals service's roster shows this person with these fields."""
        return await roster_shows(self.goals.url, person_id, **expected)

    async def roster_records_until_left(self, person_id: str) -> list[dict[str, Any]]:
        """The person's PersonUpserted records on org.people, read until the one saying they left. The outbox
        publishes in the order changes committed, so every earlier change's record is among them."""

        def mine(records: list[Record]) -> list[dict[str, Any]]:
            return [r.json()["data"] for r in records if r.key == person_id.encode()]

        def left(records: list[Record]) -> bool:
            return any(data["active"] is False for data in mine(records))

        return mine(await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.org.people", left, timeout=60))


def okta_user(user_name: str, given: str, family: str) -> dict[str, Any]:
    """Okta's Create User body (developer.okta.com, "Okta and SCIM Version 2.0": Create Users)."""
    return {
        "schemas": [CORE_USER],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": f"00u{uuid.uuid4().hex[:17]}",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def entra_user(user_name: str, given: str, family: str) -> dict[str, Any]:
    """Microsoft Entra's Create User request (learn.microsoft.com, "Develop and plan provisioning for a SCIM
    endpoint": User operations, Create User)."""
    return {
        "schemas": [CORE_USER, ENTERPRISE],
        "externalId": f"{given.lower()}.{family.lower()}",
        "userName": user_name,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{given} {family}", "familyName": family, "givenName": given},
        "preferredLanguage": "zh-CN",
        "timezone": "Asia/Shanghai",
        ENTERPRISE: {"employeeNumber": "701984", "department": "Sales"},
    }


def operations(*ops: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(ops)}


def unique(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:6]}@example.com"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    namespace, log_dir = f"t{uuid.uuid4().hex[:10]}", tmp_path_factory.mktemp("scim")
    goals = ServiceProcess("pacer_goals.main", "goals", stack.service_env(namespace, "goals"), log_dir / "goals.log")
    env = stack.service_env(namespace, "connectors", PACER_CONNECTORS_SCIM_TOKEN=TOKEN)
    connectors = ServiceProcess("pacer_connectors.main", "connectors", env, log_dir / "connectors.log")
    goals.start()
    connectors.start()
    try:
        await goals.wait_ready()
        await connectors.wait_ready()
        async with producer(stack.kafka_bootstrap) as client:
            for member in [*ROSTER, ZOE]:
                await publish(client, f"{namespace}.org.people", member)
        for service in (goals, connectors):
            async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:
                await roster_reached(http, ["mia", "zoe"])
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": SCIM_JSON}
        async with httpx.AsyncClient(base_url=f"{connectors.url}/scim/v2", headers=headers, timeout=15) as scim:
            yield World(stack, namespace, goals, connectors, scim)
    finally:
        connectors.stop()
        goals.stop()


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == body["meta"]["location"]
    return body


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body: dict[str, Any] = response.json()
    return body


def refused(response: httpx.Response, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(SCIM_JSON)
    body: dict[str, Any] = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    assert body.get("scimType") == scim_type
    return body


async def test_okta_provisions_a_person_moves_them_into_a_team_and_deactivates_them(world: World) -> None:
    user_name = unique("li.na")
    # Okta first asks whether the user exists, then creates them.
    none = ok(await world.scim.get("/Users", params={"filter": f'userName eq "{user_name}"', "startIndex": 1}))
    assert (none["totalResults"], none["Resources"]) == (0, [])
    user = created(await world.scim.post("/Users", json=okta_user(user_name, "Na", "Li")))
    await world.person_in_goals(user["id"], display_name="Na Li", email=user_name, active=True, locale="en-US")
    found = ok(await world.scim.get("/Users", params={"filter": f'userName eq "{user_name.upper()}"'}))
    assert [r["id"] for r in found["Resources"]] == [user["id"]]  # userName matches whatever its case

    # Okta's Group Push: a group with the user, then a rename, then the user removed.
    group = created(
        await world.scim.post(
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": f"Okta Team {uuid.uuid4().hex[:4]}",
                "members": [{"value": user["id"], "display": user_name}],
            },
        )
    )
    await world.person_in_goals(user["id"], team_id=group["id"])
    renamed = ok(
        await world.scim.patch(
            f"/Groups/{group['id']}",
            json=operations({"op": "replace", "value": {"id": group["id"], "displayName": "Okta Team Renamed"}}),
        )
    )
    assert (renamed["displayName"], renamed["id"]) == ("Okta Team Renamed", group["id"])
    ok(
        await world.scim.patch(
            f"/Groups/{group['id']}", json=operations({"op": "remove", "path": f'members[value eq "{user["id"]}"]'})
        )
    )
    await world.person_in_goals(user["id"], team_id=None)

    # Okta deactivates with a replace of `active` in a value object and no path.
    deactivated = ok(
        await world.scim.patch(f"/Users/{user['id']}", json=operations({"op": "replace", "value": {"active": False}}))
    )
    assert deactivated["active"] is False
    await world.person_in_goals(user["id"], active=False)

    # The audit trail names the identity provider for each change, for hr to read.
    async with httpx.AsyncClient(base_url=world.connectors.url, timeout=10) as http:
        trail = await http.get(
            "/v1/audit", params={"resource": f"person/{user['id']}"}, headers=bearer("hana", Role.HR)
        )
    actions = [(r["actor"], r["action"]) for r in reversed(trail.json()["items"])]
    assert actions == [("identity-provider", "scim_user.created"), ("identity-provider", "scim_user.changed")]


async def test_entra_provisions_a_person_with_a_manager_changes_them_by_path_and_disables_them(world: World) -> None:
    manager = created(await world.scim.post("/Users", json={**entra_user(unique("wang.fang"), "Fang", "Wang")}))
    user_name = unique("chen.jie")
    user = created(await world.scim.post("/Users", json=entra_user(user_name, "Jie", "Chen")))
    await world.person_in_goals(user["id"], timezone="Asia/Shanghai", locale="zh-CN", manager_id=None)

    # Entra's PATCH: capitalised ops, a path per attribute, the manager's id as a bare string.
    new_address = unique("jie.chen")
    ok(
        await world.scim.patch(
            f"/Users/{user['id']}",
            json=operations(
                {"op": "Replace", "path": 'emails[type eq "work"].value', "value": new_address},
                {"op": "Replace", "path": "name.familyName", "value": "Chan"},
                {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]},
            ),
        )
    )
    await world.person_in_goals(user["id"], email=new_address, manager_id=manager["id"], display_name="Jie Chan")

    # Entra's groups: looked up by displayName without members, members added and removed with a value list.
    name = f"Entra Team {uuid.uuid4().hex[:4]}"
    group = created(
        await world.scim.post(
            "/Groups", json={"externalId": str(uuid.uuid4()), "displayName": name, "meta": {"resourceType": "Group"}}
        )
    )
    listed = ok(
        await world.scim.get("/Groups", params={"excludedAttributes": "members", "filter": f'displayName eq "{name}"'})
    )
    assert [g["id"] for g in listed["Resources"]] == [group["id"]]
    assert "members" not in listed["Resources"][0]
    member = [{"value": user["id"]}]
    ok(
        await world.scim.patch(
            f"/Groups/{group['id']}", json=operations({"op": "Add", "path": "members", "value": member})
        )
    )
    await world.person_in_goals(user["id"], team_id=group["id"])
    ok(
        await world.scim.patch(
            f"/Groups/{group['id']}", json=operations({"op": "Remove", "path": "members", "value": member})
        )
    )
    await world.person_in_goals(user["id"], team_id=None)

    # Entra disables with the string "False" (its known deviation from RFC 7644).
    disabled = ok(
        await world.scim.patch(
            f"/Users/{user['id']}", json=operations({"op": "Replace", "path": "active", "value": "False"})
        )
    )
    assert disabled["active"] is False
    await world.person_in_goals(user["id"], active=False)


async def test_a_person_already_in_the_roster_keeps_their_id_and_chat_handles(world: World) -> None:
    user = created(await world.scim.post("/Users", json=okta_user(ZOE.email, "Zoe", "Zhang")))
    assert user["id"] == "zoe"
    shown = await world.person_in_goals("zoe", display_name="Zoe Zhang")
    assert shown["chat"]["slack"] == "U0ZOE"


async def test_a_replace_that_changes_nothing_publishes_nothing_and_delete_publishes_a_leaver(world: World) -> None:
    body = okta_user(unique("zhao.lei"), "Lei", "Zhao")
    user = created(await world.scim.post("/Users", json=body))
    await world.person_in_goals(user["id"], active=True)
    ok(await world.scim.put(f"/Users/{user['id']}", json=body))
    ok(await world.scim.put(f"/Users/{user['id']}", json=body))

    deleted = await world.scim.delete(f"/Users/{user['id']}")
    assert deleted.status_code == 204
    await world.person_in_goals(user["id"], active=False)
    refused(await world.scim.get(f"/Users/{user['id']}"), 404)
    published = await world.roster_records_until_left(user["id"])
    assert [p["active"] for p in published] == [True, False]  # joined, left: the repeated PUTs said nothing


async def test_an_erased_person_s_scim_user_is_forgotten_and_not_provisioned_again(world: World) -> None:
    body = okta_user(unique("xu.ming"), "Ming", "Xu")
    user = created(await world.scim.post("/Users", json=body))
    group = created(
        await world.scim.post("/Groups", json={"displayName": "Erasure", "members": [{"value": user["id"]}]})
    )
    await world.person_in_goals(user["id"], team_id=group["id"])
    async with httpx.AsyncClient(base_url=world.connectors.url, timeout=15) as http:
        export = (await http.get(f"/v1/people/{user['id']}/export", headers=bearer("hana", Role.HR))).json()
    assert [u["_id"] for u in export["holdings"]["scim_users"]] == [user["id"]]

    async with producer(world.stack.kafka_bootstrap) as client:
        await publish(client, f"{world.namespace}.org.people", PersonErased(person_id=user["id"]))

    async def forgotten() -> bool:
        members = ok(await world.scim.get(f"/Groups/{group['id']}"))["members"]
        gone = (await world.scim.get(f"/Users/{user['id']}")).status_code == 404
        return gone and user["id"] not in [m["value"] for m in members] and len(members) == 1

    await eventually(forgotten, 60, "the SCIM user gone and a pseudonym in the group in their place")
    renamed = await world.scim.patch(
        f"/Groups/{group['id']}", json=operations({"op": "replace", "path": "displayName", "value": "Erased"})
    )
    assert ok(renamed)["displayName"] == "Erased"  # the pseudonym among its members does not block the group
    refused(await world.scim.post("/Users", json=body), 400, "invalidValue")


async def test_users_are_paged_by_start_index_and_count(world: World) -> None:
    for n in range(3):
        created(await world.scim.post("/Users", json=okta_user(unique(f"page{n}"), "Page", str(n))))
    everyone = ok(await world.scim.get("/Users", params={"count": 200}))
    total = everyone["totalResults"]
    assert total >= 3
    assert len(everyone["Resources"]) == total
    seen: list[str] = []
    for start in range(1, total + 1, 2):
        page = ok(await world.scim.get("/Users", params={"startIndex": start, "count": 2}))
        assert (page["startIndex"], page["totalResults"]) == (start, total)
        assert page["itemsPerPage"] <= 2
        seen += [r["id"] for r in page["Resources"]]
    assert seen == [r["id"] for r in everyone["Resources"]]


async def test_every_refusal_is_a_scim_error(world: World) -> None:
    user_name = unique("taken")
    created(await world.scim.post("/Users", json=okta_user(user_name, "Ta", "Ken")))
    refused(await world.scim.post("/Users", json=okta_user(user_name.upper(), "Ta", "Ken")), 409, "uniqueness")
    refused(await world.scim.get("/Users", params={"filter": 'userName sw "a"'}), 400, "invalidFilter")
    refused(await world.scim.get("/Users", params={"filter": 'title eq "a"'}), 400, "invalidFilter")
    refused(await world.scim.get("/Users", params={"startIndex": "first"}), 400, "invalidValue")
    refused(await world.scim.post("/Users", content=b"{not json"), 400, "invalidSyntax")
    refused(await world.scim.post("/Users", json={"schemas": [CORE_USER]}), 400, "invalidValue")
    stranger = {**okta_user(unique("no.boss"), "No", "Boss"), ENTERPRISE: {"manager": {"value": "nobody-knows"}}}
    refused(await world.scim.post("/Users", json=stranger), 400, "invalidValue")
    refused(await world.scim.patch("/Users/missing", json=operations({"op": "replace", "value": {}})), 404)
    user = created(await world.scim.post("/Users", json=okta_user(unique("ops"), "O", "Ps")))
    refused(
        await world.scim.patch(f"/Users/{user['id']}", json=operations({"op": "move", "path": "x"})),
        400,
        "invalidSyntax",
    )
    group = {"displayName": "Ghosts", "members": [{"value": "not-a-user"}]}
    refused(await world.scim.post("/Groups", json=group), 400, "invalidValue")
    refused(await world.scim.get("/Nowhere"), 404)
    for method, path, allow in [("DELETE", "/ServiceProviderConfig", "GET"), ("PUT", "/Users", "GET, POST")]:
        wrong_method = await world.scim.request(method, path, json={})
        refused(wrong_method, 405)
        assert wrong_method.headers["Allow"] == allow

    # No token, a wrong one, and a person's own JWT (even an admin's) are all refused: SCIM has its own token.
    async with httpx.AsyncClient(base_url=f"{world.connectors.url}/scim/v2", timeout=10) as anyone:
        for headers in [{}, {"Authorization": "Bearer not-the-token"}, bearer("ada", Role.ADMIN)]:
            answer = refused(await anyone.get("/Users", headers=headers), 401)
            assert answer["detail"]
        refused(await anyone.get("/ServiceProviderConfig"), 401)


async def test_discovery_says_what_the_endpoint_supports(world: World) -> None:
    config = ok(await world.scim.get("/ServiceProviderConfig"))
    assert config["patch"]["supported"] is True
    assert config["filter"]["supported"] is True
    assert config["bulk"]["supported"] is False
    types = ok(await world.scim.get("/ResourceTypes"))
    assert {t["name"] for t in types["Resources"]} == {"User", "Group"}
    schemas = ok(await world.scim.get("/Schemas"))
    assert {CORE_USER, ENTERPRISE} <= {s["id"] for s in schemas["Resources"]}
    user_schema = ok(await world.scim.get(f"/Schemas/{CORE_USER}"))
    assert "userName" in {a["name"] for a in user_schema["attributes"]}
