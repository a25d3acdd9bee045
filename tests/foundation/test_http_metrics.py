"""Every HTTP request is counted and timed under its route template and status, errors included."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, HTTPException
from prometheus_client import REGISTRY

from pacer_shared import metrics


def _count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("pacer_http_requests_total", labels) or 0.0


async def test_requests_are_counted_by_route_template_and_status() -> None:
    app = FastAPI()
    metrics.install(app)

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        if thing_id == "missing":
            raise HTTPException(404)
        return {"thing_id": thing_id}

    before = {
        "ok": _count("GET", "/v1/things/{thing_id}", "200"),
        "missing": _count("GET", "/v1/things/{thing_id}", "404"),
        "unmatched": _count("GET", "unmatched", "404"),
    }
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as http:
        assert (await http.get("/v1/things/a")).status_code == 200
        assert (await http.get("/v1/things/b")).status_code == 200
        assert (await http.get("/v1/things/missing")).status_code == 404
        assert (await http.get("/nowhere")).status_code == 404
        exposed = (await http.get("/metrics")).text

    assert _count("GET", "/v1/things/{thing_id}", "200") == before["ok"] + 2
    assert _count("GET", "/v1/things/{thing_id}", "404") == before["missing"] + 1
    assert _count("GET", "unmatched", "404") == before["unmatched"] + 1
    timed = 'pacer_http_request_duration_seconds_count{method="GET",route="/v1/things/{thing_id}",status="200"}'
    assert timed in exposed
