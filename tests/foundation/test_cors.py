"""The console runs in a browser on its own origin locally: services answer it only when it is allowed."""

from __future__ import annotations

import httpx
import pytest

from pacer_goals.main import build
from pacer_goals.settings import GoalsSettings

CONSOLE = "http://127.0.0.1:8600"


def preflight(origin: str) -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}


async def call(settings: GoalsSettings, method: str, headers: dict[str, str]) -> httpx.Response:
    # Preflights and /healthz need nothing the lifespan starts.
    transport = httpx.ASGITransport(app=build(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://goals") as http:
        return await http.request(method, "/healthz", headers=headers)


async def test_an_allowed_origin_may_call_with_a_bearer_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_CORS_ALLOWED_ORIGINS", f'["{CONSOLE}"]')
    settings = GoalsSettings()
    allowed = await call(settings, "OPTIONS", preflight(CONSOLE))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == CONSOLE
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    answered = await call(settings, "GET", {"Origin": CONSOLE})
    assert answered.headers["access-control-allow-origin"] == CONSOLE


async def test_other_origins_and_the_default_allow_none() -> None:
    elsewhere = await call(GoalsSettings(cors_allowed_origins=[CONSOLE]), "OPTIONS", preflight("http://evil.example"))
    assert "access-control-allow-origin" not in elsewhere.headers
    by_default = await call(GoalsSettings(), "GET", {"Origin": CONSOLE})
    assert GoalsSettings().cors_allowed_origins == []
    assert "access-control-allow-origin" not in by_default.headers
