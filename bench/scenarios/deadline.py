"""Deadline scale: D goals due now among K active goals, for growing K; time from the deadline to the last GoalMissed.

One goals service sees the population grow: the active goals are bulk-inserted straight into its database (what
the API would do one by one), then D goals due in a few seconds. Cost should follow D, not K, so the baseline
is the same figure at the smallest K.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer

from bench.scenarios.common import Bench, Figure, note, result, scratch, services
from bench.scenarios.population import goal_documents, insert_goals
from pacer_testkit.stack import Stack


async def run(bench: Bench, sizes: Sequence[int], due: int) -> dict[str, Any]:
    lead = timedelta(seconds=2 if bench.quick else 5)  # time to insert the due goals before they are due
    rows: list[dict[str, Any]] = []
    settings = {"PACER_GOALS_DEADLINE_POLL_SECONDS": "0.2"}
    async with scratch(bench) as namespace, services(bench, namespace, {"goals": settings}):
        now = datetime.now(UTC)
        waiting = 0  # goals not due for a month, so far
        for size in sorted(sizes):
            started = time.perf_counter()
            more = range(waiting, size - due)
            later = now + timedelta(days=30)
            owners = ((f"g{i}", f"a{i % 1000}") for i in more)
            await insert_goals(bench, namespace, goal_documents(owners, start=now, end=later))
            waiting = max(waiting, size - due)
            insert_seconds = time.perf_counter() - started
            deadline_at = datetime.now(UTC) + lead
            prefix = f"due{size}-"
            owners = ((f"{prefix}{i}", f"a{i % 1000}") for i in range(due))
            await insert_goals(bench, namespace, goal_documents(owners, start=now, end=deadline_at))
            last = await _last_missed(bench.stack, f"{namespace}.goals.events", prefix, due)
            note(f"deadline: {size:,} active goals measured (inserting took {insert_seconds:.0f} s)")
            rows.append(
                {
                    "active_goals": size,
                    "due_goals": due,
                    "insert_seconds": round(insert_seconds, 1),
                    "seconds_from_deadline_to_last_goal_missed": round((last - deadline_at).total_seconds(), 3),
                }
            )
    smallest = rows[0]
    seconds = "seconds_from_deadline_to_last_goal_missed"
    figures = [
        Figure(
            f"deadline to the last of {due} GoalMissed, {row['active_goals']:,} active goals",
            "s",
            row[seconds],
            smallest[seconds],
            f"the same at {smallest['active_goals']:,} active goals",
            "ratio ≤ 1.5" if row is rows[-1] else "",
        )
        for row in rows
    ]
    return result("deadline", figures, sizes=rows)


async def _last_missed(stack: Stack, topic: str, prefix: str, due: int) -> datetime:
    """When the last of `due` goals whose id starts with `prefix` was called missed (the event's own time)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=stack.kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    missed: set[str] = set()
    last: datetime | None = None
    try:
        async with asyncio.timeout(120 + due / 10):
            while len(missed) < due:
                for messages in (await consumer.getmany(timeout_ms=1000)).values():
                    for message in messages:
                        envelope = json.loads(message.value)
                        if envelope["type"] == "GoalMissed" and envelope["data"]["goal_id"].startswith(prefix):
                            missed.add(envelope["data"]["goal_id"])
                            moment = datetime.fromisoformat(envelope["time"])
                            last = moment if last is None else max(last, moment)
    finally:
        await consumer.stop()
    assert last is not None
    return last
