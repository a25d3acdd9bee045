"""Console: the JavaScript a first visit loads (gzip), and the time until the team dashboard shows every row in
Chromium, against a static HTML page showing the same table from the same server, in the same run.

The goals service holds one team of assistants with their goals, the analytics service their activity (the
table's sparklines); the built console and the static page are served by one local server
(deploy/local/console.py), which also serves each API under its own path prefix (/goals/v1/...), as the Ingress does
in production: the console calls the APIs on its own origin, with no CORS preflight. frontend/scripts/
measure-dashboard.mjs drives Debian's Chromium with Playwright, a fresh context per run (nothing cached), and reads
the page's own clock when the table's last row is there. The first run of each is a warm-up and is left out.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import re
import statistics
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from bench.scenarios.common import Bench, Figure, note, result, scratch, services
from bench.scenarios.population import goal_document, insert_goals, publish_roster
from pacer_testkit.roster import person
from pacer_testkit.stack import ROOT, bearer, eventually, free_port

sys.path.insert(0, str(ROOT / "deploy" / "local"))  # as bench/run.py does: the local console server
import console

MEASURE = ROOT / "frontend" / "scripts" / "measure-dashboard.mjs"
TEAM = "t0"


def rows_per_page() -> int:
    """The team table pages its rows (its charts and at-risk list take every goal): the first page is what a
    manager sees, so that is the table both pages must show."""
    source = (ROOT / "frontend" / "src" / "pages" / "TeamDashboard.tsx").read_text()
    found = re.search(r"const ROWS_PER_PAGE = (\d+);", source)
    assert found, "TeamDashboard.tsx no longer says how many rows a page holds"
    return int(found[1])


async def run(bench: Bench, assistants: int, goals_each: int, runs: int) -> dict[str, Any]:
    dist = await asyncio.to_thread(console.build)
    initial_js = _initial_javascript(dist)
    manager = person("m0", "manager", team_id=TEAM)
    roster = [manager, *(person(f"a{i:02d}", "assistant", "m0", TEAM) for i in range(assistants))]
    rows = min(assistants * goals_each, rows_per_page())
    async with scratch(bench) as namespace:
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        async with services(bench, namespace, {"goals": {}, "analytics": {}}) as running:
            goals = running["goals"]
            await publish_roster(bench, namespace, roster, reaching=["goals", "analytics"])
            now = datetime.now(UTC)
            await insert_goals(
                bench,
                namespace,
                (
                    goal_document(f"g{p.person_id}-{k}", p.person_id, start=now, end=now + timedelta(days=7))
                    for p in roster[1:]
                    for k in range(goals_each)
                ),
            )
            headers = bearer("m0", "manager")
            board = await _dashboard(goals.url, headers, assistants * goals_each)
            # The dashboard reads goals and analytics; no other service is asked.
            upstreams = {"goals": goals.url, "analytics": running["analytics"].url}
            apis = {**dict.fromkeys(console.LOCAL_APIS, "/goals"), "analytics": "/analytics"}
            page = Route("/static-dashboard", lambda _request: HTMLResponse(_static_page(board, rows)))
            async with _ingress(upstreams) as prefixes:
                app = console.console_app(dist, console.runtime_config(apis), [page, *prefixes])
                server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
                serving = asyncio.create_task(server.serve())
                try:
                    await eventually(lambda: _up(origin), timeout=30, what="the console's server")
                    session = {
                        "token": headers["Authorization"].removeprefix("Bearer "),
                        "expires_at": int((time.time() + 3600) * 1000),
                        "person": {
                            "person_id": "m0",
                            "display_name": "M0",
                            "role": "manager",
                            "team_id": TEAM,
                            "locale": "en",
                        },
                    }
                    note(f"console: {runs} loads of each page in Chromium")
                    ours = await _measure(f"{origin}/team/{TEAM}", rows, runs + 1, json.dumps(session))
                    theirs = await _measure(f"{origin}/static-dashboard", rows, runs + 1, None)
                finally:
                    server.should_exit = True
                    await serving
    static_kb = len(gzip.compress(_static_page(board, rows).encode())) / 1024
    return result(
        "console",
        [
            Figure(
                "initial JavaScript of the console (gzip): entry and the dashboard's chunks",
                "KB",
                initial_js,
                static_kb,
                "the static page's HTML (gzip)",
                "≤ 300 KB",
            ),
            Figure(
                f"team dashboard ready, {assistants} assistants × {goals_each} goals, first {rows} rows (median)",
                "ms",
                statistics.median(ours[1:]),
                statistics.median(theirs[1:]),
                "static HTML page, same table",
                "ratio ≤ 1.5",
            ),
        ],
        browser="Debian's Chromium through Playwright (frontend/scripts/measure-dashboard.mjs), a new context per load",
        runs=runs,
        ready_ms={"console": ours[1:], "static": theirs[1:]},
    )


def _initial_javascript(dist: Any) -> float:
    """KB (gzip) of the scripts the dashboard needs before its first paint: the entry module and what index.html
    preloads, and the dashboard page's own chunk with the chunks it imports (each page is a chunk of its own)."""
    index = (dist / "index.html").read_text()
    sources = re.findall(r'<script[^>]+type="module"[^>]+src="([^"]+)"', index)
    sources += re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"', index)
    assert sources, "index.html loads no module script"
    files = {dist / src.lstrip("/") for src in sources}
    pages = sorted((dist / "assets").glob("TeamDashboard-*.js"))
    assert len(pages) == 1, "the build has no chunk of the dashboard's own (or several)"
    wanted = pages
    while wanted:
        chunk = wanted.pop()
        if chunk not in files:
            files.add(chunk)
            # Static imports only (`from"./x.js"`): what a dynamic import() loads comes later, like the charts.
            wanted += [chunk.parent / name for name in re.findall(r'from\s*"\./([^"]+\.js)"', chunk.read_text())]
    return sum(len(gzip.compress(path.read_bytes())) for path in files) / 1024


@asynccontextmanager
async def _ingress(upstreams: Mapping[str, str]) -> AsyncIterator[list[BaseRoute]]:
    """Each API under its own path prefix of the console's origin, the prefix stripped: what the production Ingress
    does (deploy/k8s/base/ingress.yaml), so the browser makes the requests it makes there, with no CORS preflight."""
    async with httpx.AsyncClient(timeout=30) as http:

        def prefix(name: str, upstream: str) -> Route:
            async def forward(request: Request) -> Response:
                headers = {k: v for k, v in request.headers.items() if k not in HOP_BY_HOP}
                answer = await http.request(
                    request.method,
                    f"{upstream}/{request.path_params['path']}",
                    params=request.query_params,
                    headers=headers,
                    content=await request.body(),
                )
                # httpx decoded the body: its length and encoding headers no longer describe what is sent on.
                kept = {k: v for k, v in answer.headers.items() if k not in {*HOP_BY_HOP, "content-encoding"}}
                return Response(answer.content, answer.status_code, kept)

            return Route(f"/{name}/{{path:path}}", forward, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])

        yield [prefix(name, upstream.rstrip("/")) for name, upstream in upstreams.items()]


HOP_BY_HOP = {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"}


async def _dashboard(url: str, headers: dict[str, str], rows: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:

        async def complete() -> dict[str, Any] | None:
            board: dict[str, Any] = (await http.get(f"/v1/teams/{TEAM}/dashboard")).json()
            return board if sum(len(m["goals"]) for m in board.get("members", [])) >= rows else None

        return await eventually(complete, timeout=60, what="every goal on the dashboard")


async def _up(origin: str) -> bool:
    async with httpx.AsyncClient(timeout=2) as http:
        return (await http.get(f"{origin}/config.json")).status_code == 200


def _static_page(board: dict[str, Any], rows: int) -> str:
    """The dashboard table's first page as plain HTML, the same rows and columns, no script at all."""
    shown = [(member, goal) for member in board["members"] for goal in member["goals"]][:rows]
    cells = "".join(
        f"<tr><td>{html.escape(member['display_name'])}</td><td>{html.escape(goal['title'])}</td>"
        f"<td>{goal['actual']} / {goal['target']} {html.escape(goal['unit'])}</td><td>{goal['status']}</td></tr>"
        for member, goal in shown
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Team</title></head><body>'
        '<table data-testid="team-table"><thead><tr><th>Assistant</th><th>Goal</th><th>Progress</th><th>Status</th>'
        f"</tr></thead><tbody>{cells}</tbody></table></body></html>"
    )


async def _measure(url: str, rows: int, runs: int, session: str | None) -> list[float]:
    node = await asyncio.create_subprocess_exec(
        "node",
        str(MEASURE),
        url,
        str(rows),
        str(runs),
        *([session] if session else []),
        cwd=ROOT / "frontend",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await node.communicate()
    if node.returncode != 0:
        raise RuntimeError(f"measuring {url} failed: {err.decode()[-2000:]}")
    times: list[float] = json.loads(out.decode().strip().splitlines()[-1])["ms"]
    return times
