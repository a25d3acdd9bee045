"""Pacer's benchmarks: Pacer's figure beside the raw limit of the same broker and database, in one run.

    make bench                                  # the full sizes, on a local stack of its own (profile `bench`)
    python bench/run.py --quick                 # tiny sizes (what CI runs to keep this working)
    python bench/run.py --kafka HOST:PORT --mongo URL   # against servers you already run
    python bench/run.py --scenarios latency,api # some of them

Writes bench/results/<date>.json and .md and prints the table. Nothing here asserts a timing: the numbers are for
people to read. Each scenario lives in bench/scenarios/ and says there what it measures and against what.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "deploy" / "local"), str(ROOT / "tests")]

import localstack  # noqa: E402

from bench import report  # noqa: E402
from bench.scenarios import analytics, api, backfill, console_ui, deadline, fanout, ingest, latency, memory  # noqa: E402
from bench.scenarios.common import Bench, note  # noqa: E402
from pacer_testkit.stack import Stack  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BENCH_STACK = localstack.StackConfig(
    profile="bench", kafka_port=39092, mongo_port=57017, smtp_port=31025, sink_http_port=38025
)


@dataclass(frozen=True)
class Sizes:
    events: int
    assistants: int
    deadline_sizes: list[int]
    latency_rate: float
    latency_seconds: float
    latency_share: float
    api_users: int
    api_seconds: int
    memory_events: list[int]
    fanout_events: int
    analytics_events: list[int]
    analytics_requests: int
    backfill_events: int
    backfill_assistants: int

    @classmethod
    def of(cls, args: argparse.Namespace) -> Sizes:
        quick = args.quick

        def pick(name: str, full: Any, tiny: Any) -> Any:
            given = getattr(args, name)
            return given if given is not None else (tiny if quick else full)

        def counts(text: str) -> list[int]:
            return [int(n) for n in text.split(",")]

        return cls(
            events=pick("events", 200_000, 500),
            assistants=pick("assistants", 1000, 20),
            deadline_sizes=counts(pick("deadline_sizes", "10000,100000,1000000", "200,2000")),
            latency_rate=pick("latency_rate", 200.0, 200.0),
            latency_seconds=pick("latency_seconds", 60.0, 2.0),
            latency_share=pick("latency_share", 0.05, 0.05),
            api_users=pick("api_users", 16, 4),
            api_seconds=pick("api_seconds", 30, 3),
            memory_events=counts(pick("memory_events", "10000,1000000", "100,1000")),
            fanout_events=pick("fanout_events", 1000, 20),
            analytics_events=counts(pick("analytics_events", "10000,1000000", "1000,5000")),
            analytics_requests=pick("analytics_requests", 200, 20),
            backfill_events=pick("backfill_events", 5_000_000, 2000),
            backfill_assistants=pick("backfill_assistants", 2000, 20),
        )


def scenarios(bench: Bench, sizes: Sizes) -> dict[str, Callable[[], Awaitable[dict[str, Any]]]]:
    quick = bench.quick
    return {
        "ingest": lambda: ingest.run(bench, sizes.events, sizes.assistants),
        "backfill": lambda: backfill.run(bench, sizes.backfill_events, sizes.backfill_assistants),
        "latency": lambda: latency.run(bench, sizes.latency_rate, sizes.latency_seconds, sizes.latency_share),
        "deadline": lambda: deadline.run(bench, sizes.deadline_sizes, min(1000, min(sizes.deadline_sizes) // 2)),
        "api": lambda: api.run(
            bench,
            sizes.api_users,
            sizes.api_seconds,
            teams=3 if quick else 50,
            members=5 if quick else 20,
            goals_each=2 if quick else 3,
        ),
        "memory": lambda: memory.run(bench, sizes.memory_events, assistants=20 if quick else 1000),
        "fanout": lambda: fanout.run(bench, sizes.fanout_events, people=20 if quick else 200),
        "analytics": lambda: analytics.run(
            bench, sizes.analytics_events, assistants=20, requests=sizes.analytics_requests
        ),
        "console": lambda: console_ui.run(
            bench, assistants=5 if quick else 50, goals_each=2 if quick else 3, runs=2 if quick else 10
        ),
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the benchmarks still run")
    parser.add_argument("--kafka", help="bootstrap servers of a broker you run (with --mongo: no stack is started)")
    parser.add_argument("--mongo", help="URL of a MongoDB-compatible server you run")
    parser.add_argument(
        "--scenarios",
        help="comma-separated: ingest,latency,deadline,api,memory,fanout,analytics,console (default: these), backfill",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results go (bench/results)")
    parser.add_argument("--events", type=int, help="ingest: SalesActivityRecorded published (200000)")
    parser.add_argument("--assistants", type=int, help="ingest: assistants with a goal (1000)")
    parser.add_argument("--deadline-sizes", help="deadline: active-goal counts (10000,100000,1000000)")
    parser.add_argument("--latency-rate", type=float, help="latency: offered sales events per second (200)")
    parser.add_argument("--latency-seconds", type=float, help="latency: how long the rate is offered (60)")
    parser.add_argument("--latency-share", type=float, help="latency: share of events completing a goal (0.05)")
    parser.add_argument("--api-users", type=int, help="api: concurrent dashboard readers (16)")
    parser.add_argument("--api-seconds", type=int, help="api: seconds of load on each endpoint (30)")
    parser.add_argument("--memory-events", help="memory: checkpoints in processed events (10000,1000000)")
    parser.add_argument("--fanout-events", type=int, help="fan-out: GoalAchieved events (1000)")
    parser.add_argument(
        "--analytics-events", help="analytics: checkpoints in events; rates over the first (10000,1000000)"
    )
    parser.add_argument("--analytics-requests", type=int, help="analytics: team series requests timed (200)")
    parser.add_argument(
        "--backfill-events", type=int, help="backfill: history published before any goal exists (5000000)"
    )
    parser.add_argument("--backfill-assistants", type=int, help="backfill: assistants it belongs to (2000)")
    return parser.parse_args()


async def main() -> int:
    args = arguments()
    sizes = Sizes.of(args)
    config = None
    if args.kafka and args.mongo:
        stack = Stack(args.kafka, args.mongo, None, None)
    else:
        config = BENCH_STACK
        localstack.down(config, wipe=True)
        await asyncio.to_thread(localstack.up, config, ["kafka", "mongo"])
        stack = Stack.of(config)
    bench = Bench(stack, args.out / "logs", args.quick)
    bench.log_dir.mkdir(parents=True, exist_ok=True)
    available = scenarios(bench, sizes)
    # Backfill at full size takes most of an hour on a small host: it runs when named.
    chosen = args.scenarios.split(",") if args.scenarios else [name for name in available if name != "backfill"]
    if unknown := set(chosen) - set(available):
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "bench/run.py", *sys.argv[1:]]),
        "quick": args.quick,
        "sizes": sizes.__dict__,
        "scenarios": [],
    }

    async def timed(name: str) -> dict[str, Any]:
        note(f"{name} …")
        started = time.perf_counter()
        try:
            row = await available[name]()
        except Exception as error:  # one scenario failing must not cost the others' numbers
            summary = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
            row = {"scenario": name, "error": summary, "traceback": traceback.format_exc(limit=-4)[-3000:]}
            traceback.print_exc()
        row["seconds"] = round(time.perf_counter() - started)
        note(f"{name} done in {row['seconds']} s")
        return row

    try:
        results["machine"] = await report.machine(stack.mongo_url)
        # One after the other even at tiny sizes: services starting side by side starve each other on two cores.
        results["scenarios"] = [await timed(name) for name in chosen]
    finally:
        if config is not None:
            localstack.down(config, ["kafka", "mongo"], wipe=True)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = results["date"].replace(":", "")
    (args.out / f"{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (args.out / f"{stamp}.md").write_text(report.markdown(results))
    print(report.markdown(results))
    return 1 if any("error" in row for row in results["scenarios"]) else 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # asyncio.run cancels main(), whose `finally` stops the stack it started


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(asyncio.run(main()))
