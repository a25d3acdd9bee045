"""What every scenario shares: where it runs, the namespace it cleans up, service processes, its figures."""

from __future__ import annotations

import asyncio
import contextlib
import operator
import os
import re
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from pacer_shared.mongo import create_client
from pacer_testkit.stack import ServiceProcess, Stack


@dataclass(frozen=True)
class Bench:
    """Where a run happens: the servers, where service logs go, and whether sizes are tiny."""

    stack: Stack
    log_dir: Path
    quick: bool


def note(message: str) -> None:
    """Progress on stderr, so a long run shows where it is."""
    print(f"[bench] {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- figures


TARGET = re.compile(r"(?P<ratio>ratio )?(?P<op>[<>≤≥]) (?P<bound>[\d.]+)(?: \w+)?")
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "≤": operator.le,
    "≥": operator.ge,
}


@dataclass(frozen=True)
class Figure:
    """One line of the results table: Pacer's number, the baseline measured in the same run, their ratio."""

    name: str
    unit: str
    pacer: float
    baseline: float
    baseline_is: str
    target: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "figure": self.name,
            "unit": self.unit,
            "pacer": tidy(self.pacer),
            "baseline": tidy(self.baseline),
            "baseline_is": self.baseline_is,
            "ratio": round(self.pacer / self.baseline, 3),
            "target": self.target,
            "met": self.met(),
        }

    def met(self) -> bool | None:
        """Whether the target holds: "ratio ≥ 0.5" judges the ratio, "< 500 ms" Pacer's own figure."""
        found = TARGET.fullmatch(self.target)
        if found is None:
            return None
        judged = self.pacer / self.baseline if found["ratio"] else self.pacer
        return COMPARE[found["op"]](judged, float(found["bound"]))


def result(scenario: str, figures: Sequence[Figure], **details: Any) -> dict[str, Any]:
    return {"scenario": scenario, "figures": [f.row() for f in figures], "details": details}


def tidy(value: float) -> float:
    """Enough digits to read, not more."""
    if abs(value) >= 100:
        return round(value)
    return round(value, 2 if abs(value) >= 1 else 4)


def percentiles(samples: Sequence[float], points: Sequence[int] = (50, 95, 99)) -> dict[int, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {p: cuts[p - 1] for p in points}


# ---------------------------------------------------------------- namespaces and services


@asynccontextmanager
async def scratch(bench: Bench) -> AsyncIterator[str]:
    """A topic prefix and database names of the scenario's own, removed afterwards (the stack may be shared)."""
    namespace = f"bench{uuid.uuid4().hex[:6]}"
    try:
        yield namespace
    finally:
        await _forget(bench.stack, namespace)


async def _forget(stack: Stack, namespace: str) -> None:
    client = create_client(stack.mongo_url, "bench")
    try:
        for name in await client.list_database_names():
            if name.startswith(f"{namespace}_"):
                await client.drop_database(name)
    finally:
        await client.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    try:
        if mine := [t for t in await admin.list_topics() if t.startswith(f"{namespace}.")]:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


@asynccontextmanager
async def services(
    bench: Bench, namespace: str, wanted: Mapping[str, Mapping[str, str]]
) -> AsyncIterator[dict[str, ServiceProcess]]:
    """Pacer's services as their own processes, as in production, started together and stopped by PID."""
    started: dict[str, ServiceProcess] = {}
    try:
        for name, extra in wanted.items():
            # The outbox poll is the default again: the test kit's shorter one is not what users run.
            quiet = {"PACER_LOG_LEVEL": "WARNING", "PACER_OUTBOX_POLL_INTERVAL_MS": "200"}
            env = bench.stack.service_env(namespace, name, **{**quiet, **extra})
            log = bench.log_dir / f"{name}-{namespace}.log"
            started[name] = ServiceProcess(f"pacer_{name}.main", name, env, log).start()
        begun = time.perf_counter()
        await asyncio.gather(*(service.wait_ready(240) for service in started.values()))
        note(f"{', '.join(started)} ready in {time.perf_counter() - begun:.0f} s")
        yield started
    finally:
        # In a thread: a stopping service may still be posting to receivers served by this event loop.
        await asyncio.gather(*(asyncio.to_thread(service.stop) for service in started.values()))


async def reading_a_backlog(
    service: ServiceProcess, write: Callable[[], Awaitable[float]], begun: Callable[[], Awaitable[bool]]
) -> tuple[float, float]:
    """Stop the service, have `write` publish the backlog (it returns the seconds that took), start the service again.

    Returns those seconds and the moment (`time.perf_counter`) the service began on the backlog: when it answered
    ready or `begun()` first held, whichever came first. Timed from there the service reads a backlog, as the
    baselines do (their clock starts at their first batch), instead of keeping pace with how fast this load
    generator publishes.
    """
    await asyncio.to_thread(service.stop)
    written = await write()
    service.start()
    deadline = time.monotonic() + 240
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if await begun():
                return written, time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"{service.url}/readyz")).status_code == 200:
                    return written, time.perf_counter()
            await asyncio.sleep(0.05)  # polled: neither the first count nor readiness is announced
    raise AssertionError(f"{service.service} did not start on the backlog; log: {service.log_tail()}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (the machine is shared: wall time alone misleads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident set size of a process, from the kernel's own accounting."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
