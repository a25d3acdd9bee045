"""Local mode's "sign in as": the roster to choose from and a token that works; refused in production."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from goals_support import GoalsWorld

from pacer_goals.main import build
from pacer_goals.settings import GoalsSettings
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import Stack, in_process


async def test_the_roster_pages_and_a_chosen_person_signs_in_with_their_role(world: GoalsWorld) -> None:
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await world.http.get("/v1/local-sign-in/people", params=params)).json()  # no token: not signed in
        seen += page["items"]
        if (cursor := page["next_cursor"]) is None:
            break
    assert [p["person_id"] for p in seen] == sorted(p.person_id for p in ROSTER)
    [ann] = [p for p in seen if p["person_id"] == "ann"]
    assert ann == {
        "person_id": "ann",
        "display_name": "Ann Assistant",
        "role": "assistant",
        "team_id": "north",
        "locale": "zh-CN",
    }

    signed_in = await world.http.post("/v1/local-sign-in", json={"person_id": "mia"})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    dashboard = await world.http.get("/v1/teams/north/dashboard", headers={"Authorization": f"Bearer {token}"})
    assert dashboard.status_code == 200, "the token carries mia's roster role: a manager sees her team"

    unknown = await world.http.post("/v1/local-sign-in", json={"person_id": "nobody"})
    assert unknown.status_code == 404
    assert (await world.http.post("/v1/local-sign-in", json={"person_id": ""})).status_code == 422


@pytest.fixture
async def production_goals(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    for key, value in stack.service_env(namespace, "goals").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PACER_ENVIRONMENT", "production")
    monkeypatch.setenv("PACER_JWT_SECRET", "a-production-secret-of-forty-characters!")
    monkeypatch.setenv("PACER_JWT_AUDIENCE", "pacer")
    monkeypatch.setenv("PACER_PSEUDONYM_KEY", "a-production-pseudonym-key-of-forty-chars")
    monkeypatch.setenv("PACER_SHREDDING_KEY", "a-production-shredding-key-of-forty-chars")
    monkeypatch.setenv("PACER_ALLOW_INSECURE_TRANSPORT", "true")  # the test broker has no TLS listener
    async with in_process(build(GoalsSettings())) as http:
        yield http


async def test_production_refuses_to_list_the_roster_or_sign_anyone_in(production_goals: httpx.AsyncClient) -> None:
    listed = await production_goals.get("/v1/local-sign-in/people")
    minted = await production_goals.post("/v1/local-sign-in", json={"person_id": "mia"})
    for refused in (listed, minted):
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert "only in local mode" in refused.json()["detail"]
    assert "access_token" not in minted.text
