"""Every HTTP request is counted and timed under its route template and status, errors included, except under
private paths; the counts are served on a port of their own, never by the API; access logs skip private paths."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from prometheus_client import REGISTRY

from pacer_shared import metrics
from pacer_shared.logs import PrivateAccessLogs


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
        assert (await http.get("/metrics")).status_code == 404, "the API's port serves no metrics"
    async with metrics.serving("127.0.0.1", 0) as port, httpx.AsyncClient() as scraper:
        exposed = (await scraper.get(f"http://127.0.0.1:{port}/metrics")).text

    assert _count("GET", "/v1/things/{thing_id}", "200") == before["ok"] + 2
    assert _count("GET", "/v1/things/{thing_id}", "404") == before["missing"] + 1
    assert _count("GET", "unmatched", "404") == before["unmatched"] + 2, "/nowhere and /metrics"
    timed = 'pacer_http_request_duration_seconds_count{method="GET",route="/v1/things/{thing_id}",status="200"}'
    assert timed in exposed


async def test_requests_under_a_private_path_are_not_counted_at_all() -> None:
    app = FastAPI()
    metrics.install(app, private_paths=["/v1/secret"])

    @app.post("/v1/secret")
    async def secret() -> None:
        return None

    @app.get("/v1/secretary")
    async def secretary() -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as http:
        before = _count("GET", "/v1/secretary", "200")
        assert (await http.post("/v1/secret")).status_code == 200
        assert (await http.get("/v1/secretary")).status_code == 200, "a longer name is not under the prefix"
    async with metrics.serving("127.0.0.1", 0) as port, httpx.AsyncClient() as scraper:
        exposed = (await scraper.get(f"http://127.0.0.1:{port}/metrics")).text
    assert 'route="/v1/secret"' not in exposed, "a counter per private route times each request to the scrape"
    assert _count("GET", "/v1/secretary", "200") == before + 1


def test_access_logs_drop_private_paths_by_path_never_by_query_string() -> None:
    private = PrivateAccessLogs()
    private.prefixes.add("/v1/anonymous")

    def logged(path: str) -> bool:
        record = logging.LogRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("1.2.3.4:5", "GET", path, "1.1", 200),
            None,
        )
        return private.filter(record)

    assert not logged("/v1/anonymous")
    assert not logged("/v1/anonymous/thread?x=1")
    assert logged("/healthz?next=/v1/anonymous"), "a query string naming the path hides nothing"
    assert logged("/v1/anonymousness")


def test_a_stalled_event_loop_fails_the_scrape_as_a_hung_process_should() -> None:
    guard = metrics._WhileTheLoopRuns()
    assert any(family.name == "pacer_http_requests" for family in guard.collect())
    guard.last_beat -= metrics.LOOP_STALL_SECONDS + 1
    with pytest.raises(RuntimeError, match="the event loop has not run"):
        list(guard.collect())
