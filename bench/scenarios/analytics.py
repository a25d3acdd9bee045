"""Analytics: how fast its faust worker takes in sales activity against a bare faust agent that only counts the same
topic (the engine's own limit), the p99 of a 90-day team series, and its RSS after a first and a last number of
events (the tables have no window yet, so growth is expected and reported as measured).

One analytics process reads the first checkpoint's events (RSS), then the rest (RSS again): its rate is the second
batch over the seconds from its publication starting until analytics' consumer group has committed everything on
sales.activity and on both re-keying topics (every event reached the daily totals; the broker's committed offsets
move every few seconds, which a large batch makes small). The series is then read as the team's manager reads it.
With analytics stopped, the bare agent (bench/baselines/faust_counter.py) reads the whole topic from the start on
the same broker and says how long it took from its first event to its last.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench.scenarios.common import Bench, Figure, note, percentiles, result, rss_mib, scratch, services
from bench.scenarios.kafka import event, lag_meter, produce
from bench.scenarios.population import publish_roster
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.roster import person
from pacer_testkit.stack import ROOT, bearer, create_topics, eventually

COUNTER = ROOT / "bench" / "baselines" / "faust_counter.py"
DAYS = 90
TEAM = "t0"
FIRST_DAY = date(2026, 6, 1)


async def run(bench: Bench, checkpoints: list[int], assistants: int, requests: int) -> dict[str, Any]:
    first, last = sorted(checkpoints)[0], sorted(checkpoints)[-1]
    async with scratch(bench) as namespace:
        sales = f"{namespace}.sales.activity"
        await create_topics(bench.stack.kafka_bootstrap, [sales], partitions=3)  # as the services make it
        async with services(bench, namespace, {"analytics": {}}) as running:
            service = running["analytics"]
            assert service.process is not None
            roster = [person("m0", "manager", team_id=TEAM)]
            roster += [person(f"a{i}", "assistant", "m0", TEAM) for i in range(assistants)]
            await publish_roster(bench, namespace, roster, reaching=["analytics"])
            group = f"{namespace}.pacer-analytics-streams"
            stages = [sales, f"{group}-activity-by-id", f"{group}-contribution-by-assistant"]
            async with lag_meter(bench.stack, {group: stages}) as behind:

                async def caught_up() -> bool:
                    return await behind() == 0

                rss = []
                seconds = 0.0
                for start, end in ((0, first), (first, last)):
                    began = time.perf_counter()
                    await produce(bench.stack, sales, _sales(range(start, end), assistants))
                    await eventually(caught_up, 600 + end / 50, f"{end:,} events in analytics")
                    seconds = time.perf_counter() - began
                    rss.append(rss_mib(service.process.pid))
                    note(f"analytics: {end:,} events read, RSS {rss[-1]:.0f} MiB")
            pacer_rate = (last - first) / seconds
            note(f"analytics: {pacer_rate:,.0f} events/s")
            series, healthz = await _api(service.url, requests)
        bare = await _bare(bench, namespace, sales, last)
        bare_rate = bare["events"] / bare["seconds"]
        note(f"analytics: bare faust agent {bare_rate:,.0f} events/s")
    return result(
        "analytics",
        [
            Figure("analytics events/s", "events/s", pacer_rate, bare_rate, "bare faust agent", "ratio ≥ 0.5"),
            Figure(
                f"team series p99, {DAYS} days × {assistants} assistants", "ms", series[99], healthz[99], "/healthz p99"
            ),
            Figure(
                f"analytics RSS after {last:,} events", "MiB", rss[-1], rss[0], f"RSS after {first:,}", "ratio < 1.2"
            ),
        ],
        checkpoints=[first, last],
        assistants=assistants,
        events_timed={"analytics": last - first, "bare": bare["events"]},
        series_ms={str(p): round(v, 1) for p, v in series.items()},
        healthz_ms={str(p): round(v, 1) for p, v in healthz.items()},
        rss_mib=[round(r, 1) for r in rss],
    )


async def _bare(bench: Bench, namespace: str, topic: str, events: int) -> dict[str, float]:
    log = open(bench.log_dir / f"faust-counter-{namespace}.log", "wb")  # noqa: SIM115, ASYNC230
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(COUNTER),
        bench.stack.kafka_bootstrap,
        topic,
        f"{namespace}.bare-counter",
        str(events),
        stdout=asyncio.subprocess.PIPE,
        stderr=log,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(600 + events / 1000):
            async for line in process.stdout:  # faust prints its banner on stdout first
                if line.startswith(b'{"events"'):
                    return dict(json.loads(line))
        raise RuntimeError("the bare faust agent stopped before counting every event")
    finally:
        process.terminate()
        await process.wait()
        log.close()


async def _api(url: str, requests: int) -> tuple[dict[int, float], dict[int, float]]:
    """The 90-day daily team series as its manager reads it, back to back, and /healthz the same way."""
    params = {"kind": "call", "from": FIRST_DAY.isoformat(), "to": (FIRST_DAY + timedelta(days=DAYS - 1)).isoformat()}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def timed(path: str, **options: Any) -> list[float]:
            samples = []
            for _ in range(requests):
                began = time.perf_counter()
                response = await http.get(path, **options)
                samples.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()
            return samples

        series = await timed(f"/v1/analytics/teams/{TEAM}/series", params=params, headers=bearer("m0", "manager"))
        healthz = await timed("/healthz")
    return percentiles(series), percentiles(healthz)


def _sales(numbers: range, assistants: int) -> Iterator[tuple[bytes, bytes]]:
    """Spread over the 90 days, generated as they are published."""
    for n in numbers:
        day = FIRST_DAY + timedelta(days=n % DAYS)
        sale = SalesActivityRecorded(
            activity_id=f"act-{n}",
            assistant_id=f"a{n % assistants}",
            kind="call",
            occurred_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            source_system="bench",
        )
        yield sale.assistant_id.encode(), event(sale)
