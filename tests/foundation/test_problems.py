"""What a client is told when a request fails for a reason that is not its own."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pymongo.errors import AutoReconnect

from pacer_shared.problems import PROBLEM_JSON, install


def _app() -> FastAPI:
    app = FastAPI()
    install(app)

    @app.get("/paused")
    async def paused() -> None:
        raise AutoReconnect("connection pool paused")  # what PyMongo raises during an election

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    return app


async def test_a_database_that_cannot_be_reached_is_a_503_to_retry_not_a_500() -> None:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://pacer") as http:
        paused = await http.get("/paused")
        broken = await http.get("/broken")

    assert paused.status_code == 503
    assert paused.headers["content-type"] == PROBLEM_JSON
    assert paused.headers["retry-after"] == "1"
    assert paused.json()["title"] == "Service unavailable"
    assert "connection pool" not in paused.text  # the driver's words stay in the log
    assert broken.status_code == 500
