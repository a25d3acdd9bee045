"""What a client is told when a request fails for a reason that is not its own."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field
from pymongo.errors import AutoReconnect

from pacer_shared.problems import PROBLEM_JSON, Unprocessable, install


class Reason(BaseModel):
    text: str = Field(min_length=3)


def _app() -> FastAPI:
    app = FastAPI()
    install(app)

    @app.get("/paused")
    async def paused() -> None:
        raise AutoReconnect("connection pool paused")  # what PyMongo raises during an election

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    @app.post("/reasons")
    async def reasons(body: Reason) -> None:
        raise Unprocessable(
            "end: a goal's period is at most 366 days",
            field="body.end",
            code="goal_period_too_long",
            ctx={"max_days": 366},
        )

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


async def test_a_refusal_names_its_field_with_a_stable_code_and_its_values_for_a_client_to_word() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://pacer") as http:
        short = await http.post("/reasons", json={"text": "x"})
        domain = await http.post("/reasons", json={"text": "long enough"})

    assert short.status_code == domain.status_code == 422
    [field] = short.json()["errors"]
    assert (field["field"], field["type"], field["ctx"]) == ("body.text", "string_too_short", {"min_length": 3})
    assert domain.json()["detail"] == "end: a goal's period is at most 366 days"
    assert domain.json()["errors"] == [
        {
            "field": "body.end",
            "message": "a goal's period is at most 366 days",
            "type": "goal_period_too_long",
            "ctx": {"max_days": 366},
        }
    ]
