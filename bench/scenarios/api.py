"""API: requests per second and latency of GET /v1/teams/{team}/dashboard under concurrent load, against the same
query behind a bare FastAPI endpoint (bench/baselines/dashboard.py) on the same database, in the same run.

The load is locust, headless, in its own process (gevent must not share this event loop): a fixed number of users
reading dashboards back to back for a fixed time, on loopback only. Both endpoints run as one uvicorn process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.scenarios.common import Bench, Figure, cpu_seconds, note, result, scratch, services
from bench.scenarios.population import HR, goal_document, insert_goals, publish_roster
from pacer_testkit.roster import person
from pacer_testkit.stack import ROOT, ServiceProcess, eventually, free_port

BARE = ROOT / "bench" / "baselines" / "dashboard.py"
LOAD = ROOT / "bench" / "load" / "dashboard.py"


async def run(bench: Bench, users: int, seconds: int, teams: int, members: int, goals_each: int) -> dict[str, Any]:
    team_ids = [f"t{t}" for t in range(teams)]
    async with scratch(bench) as namespace:
        async with services(bench, namespace, {"goals": {}}) as running:
            goals = running["goals"]
            roster = [person(f"m{t}", "manager", team_id=f"t{t}") for t in range(teams)]
            roster += [person(f"a{t}-{i}", "assistant", f"m{t}", f"t{t}") for t in range(teams) for i in range(members)]
            await publish_roster(bench, namespace, roster, reaching=["goals"])
            now = datetime.now(UTC)
            await insert_goals(
                bench,
                namespace,
                (
                    goal_document(f"g{p.person_id}-{k}", p.person_id, start=now, end=now + timedelta(days=7))
                    for p in roster[teams:]
                    for k in range(goals_each)
                ),
            )
            bare = await _serve_bare(bench, f"{namespace}_goals")
            try:
                await _same_answer(goals.url, bare.url, team_ids[0], members * goals_each)
                note(f"api: {users} users for {seconds} s on each endpoint")
                pacer_load = await _load(bench, goals.url, _pid(goals), team_ids, users, seconds, "pacer")
                bare_load = await _load(bench, bare.url, bare.process.pid, team_ids, users, seconds, "bare")
            finally:
                await bare.stop()
        # The same service keeping no decoded goals: what every read costs when all of a team's goals changed
        # since the last one (slightly less: with the cache on, such a read also asks for the goals' stamps).
        async with services(bench, namespace, {"goals": {"PACER_GOALS_DASHBOARD_CACHE_GOALS": "0"}}) as running:
            cold = running["goals"]
            cold_load = await _load(bench, cold.url, _pid(cold), team_ids, users, seconds, "pacer-nothing-kept")
    return result(
        "api",
        [
            Figure(
                "team dashboard",
                "requests/s",
                pacer_load["requests_per_second"],
                bare_load["requests_per_second"],
                "bare FastAPI endpoint, same query",
                "ratio ≥ 0.7",
            ),
            Figure("team dashboard p50", "ms", pacer_load["p50_ms"], bare_load["p50_ms"], "bare FastAPI endpoint"),
            Figure("team dashboard p99", "ms", pacer_load["p99_ms"], bare_load["p99_ms"], "bare FastAPI endpoint"),
            Figure(
                "server CPU per dashboard request",
                "ms",
                pacer_load["cpu_ms_per_request"],
                bare_load["cpu_ms_per_request"],
                "bare FastAPI endpoint",
            ),
            Figure(
                "team dashboard, nothing kept between reads",
                "requests/s",
                cold_load["requests_per_second"],
                bare_load["requests_per_second"],
                "bare FastAPI endpoint",
            ),
            Figure(
                "server CPU per dashboard request, nothing kept",
                "ms",
                cold_load["cpu_ms_per_request"],
                bare_load["cpu_ms_per_request"],
                "bare FastAPI endpoint",
            ),
        ],
        load_tool="locust (FastHttpUser, as a library; bench/load/dashboard.py)",
        users=users,
        seconds=seconds,
        teams=teams,
        assistants_per_team=members,
        goals_per_assistant=goals_each,
        requests={"pacer": int(pacer_load["requests"]), "bare": int(bare_load["requests"])},
        nothing_kept="the goals service with PACER_GOALS_DASHBOARD_CACHE_GOALS=0: every read decodes every goal",
    )


def _pid(service: ServiceProcess) -> int:
    assert service.process is not None
    return service.process.pid


class _Bare:
    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url = process, url

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


async def _serve_bare(bench: Bench, database: str) -> _Bare:
    port = free_port()
    log = (bench.log_dir / f"bare-dashboard-{database}.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(BARE), str(port), bench.stack.mongo_url, database, stdout=log, stderr=log, cwd=ROOT
    )
    bare = _Bare(process, f"http://127.0.0.1:{port}")

    async def up() -> bool:
        if process.returncode is not None:
            raise AssertionError(f"the bare dashboard exited with {process.returncode}")
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(f"{bare.url}/healthz")).status_code == 200

    try:
        await eventually(up, timeout=60, what="the bare dashboard endpoint")
    except BaseException:
        await bare.stop()
        raise
    return bare


async def _same_answer(pacer_url: str, bare_url: str, team: str, goals: int) -> None:
    """Both endpoints answer the same question with the same goals before either is timed."""
    async with httpx.AsyncClient(timeout=30) as http:
        for url in (pacer_url, bare_url):
            answer = await http.get(f"{url}/v1/teams/{team}/dashboard", headers=HR)
            answer.raise_for_status()
            shown = sum(len(member["goals"]) for member in answer.json()["members"])
            if shown != goals:
                raise AssertionError(f"{url} shows {shown} goals for {team}, expected {goals}")


async def _load(
    bench: Bench, url: str, server_pid: int, teams: list[str], users: int, seconds: int, label: str
) -> dict[str, float]:
    """Locust's aggregated figures for `users` readers hitting `url` for `seconds`, and the server's CPU time per
    request: on two cores the load tool competes with the server, so requests per second vary from run to run
    by a fifth, while the CPU a request costs barely moves."""
    cpu_before = cpu_seconds(server_pid)
    env = {**os.environ, "BENCH_TEAMS": ",".join(teams), "BENCH_AUTHORIZATION": HR["Authorization"]}
    with (bench.log_dir / f"locust-{label}.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(LOAD), url, str(users), str(seconds),
            stdout=asyncio.subprocess.PIPE, stderr=log, env=env, cwd=ROOT,
        )  # fmt: skip
        try:
            async with asyncio.timeout(seconds + 90):
                out, _ = await process.communicate()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    if process.returncode != 0:
        raise AssertionError(f"the {label} load exited with {process.returncode}; see {log.name}")
    figures: dict[str, float] = json.loads(out)
    if figures["requests"] == 0 or figures["failures"] > 0:
        raise AssertionError(f"{label}: {figures['failures']} of {figures['requests']} requests failed; see {log.name}")
    figures["cpu_ms_per_request"] = round((cpu_seconds(server_pid) - cpu_before) * 1000 / figures["requests"], 2)
    return figures
