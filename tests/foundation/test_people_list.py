"""Every service lists its roster projection for hr and admins: by name, a page at a time, by team or role."""

from __future__ import annotations

from typing import Any

import httpx

from pacer_shared.events.people import PersonUpserted
from pacer_testkit.stack import ServiceProcess, Stack, bearer, eventually, producer, publish


def member(person_id: str, name: str, role: str, team_id: str) -> PersonUpserted:
    return PersonUpserted(
        person_id=person_id, display_name=name, email=f"{person_id}@example.com", role=role, team_id=team_id
    )


async def test_hr_pages_through_a_team_by_name_and_filters_by_role_while_others_are_refused(
    stack: Stack, namespace: str, probe: ServiceProcess
) -> None:
    team = [
        member("p4", "Dora", "assistant", "west"),
        member("p1", "Abe", "assistant", "west"),
        member("p3", "Cleo", "manager", "west"),
        member("p2", "Abe", "assistant", "west"),  # a namesake: the id orders them
        member("p5", "Bea", "assistant", "west"),
    ]
    elsewhere = member("p6", "Aaron", "assistant", "east")
    gone = member("p7", "Ada", "assistant", "west")
    async with producer(stack.kafka_bootstrap) as client:
        for person in [*team, elsewhere, gone]:
            await publish(client, f"{namespace}.org.people", person)
        await client.send_and_wait(f"{namespace}.org.people", None, key=b"p7")

    async with httpx.AsyncClient(base_url=probe.url) as http:

        async def listed(caller: str, as_role: str, **query: Any) -> httpx.Response:
            return await http.get("/v1/people", params=query, headers=bearer(caller, as_role))

        async def whole_team() -> list[dict[str, Any]] | None:
            answer = await listed("hana", "hr", team_id="west")
            items: list[dict[str, Any]] = answer.json()["items"]
            return items if len(items) == len(team) else None

        await eventually(whole_team, what="the west team to reach the roster")
        pages: list[list[str]] = []
        cursor: str | None = None
        while True:
            answer = await listed("hana", "hr", team_id="west", limit=2, **({"cursor": cursor} if cursor else {}))
            assert answer.status_code == 200, answer.text
            pages.append([p["person_id"] for p in answer.json()["items"]])
            cursor = answer.json()["next_cursor"]
            if cursor is None:
                break
        managers = await listed("ada", "admin", team_id="west", role="manager")
        everyone = await listed("ada", "admin")
        refused = {role: await listed("someone", role) for role in ("assistant", "manager")}
        bad_cursor = await listed("hana", "hr", cursor="not-a-cursor")

    assert pages == [["p1", "p2"], ["p5", "p3"], ["p4"]], "by name, namesakes by id, the tombstoned left out"
    assert [p["display_name"] for p in managers.json()["items"]] == ["Cleo"]
    assert managers.json()["items"][0] == {
        "person_id": "p3",
        "display_name": "Cleo",
        "role": "manager",
        "team_id": "west",
        "manager_id": None,
        "timezone": "UTC",
        "locale": "en",
    }
    assert [p["person_id"] for p in everyone.json()["items"]][:2] == ["p6", "p1"]
    assert {role: answer.status_code for role, answer in refused.items()} == {"assistant": 403, "manager": 403}
    assert bad_cursor.status_code == 422
    assert "cursor" in bad_cursor.json()["detail"]
