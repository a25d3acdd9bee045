"""Backfill: a CRM connected with its history. N SalesActivityRecorded for A assistants are published before any
goal exists, while goals is stopped; goals starts, stores them as activities, then a goal is set for every assistant
over the whole history and counts what is stored, until every event is in its goal's progress. The clock starts
when goals begins on the backlog (ready, or the first activity stored), as the minimum pipeline's starts at its first
batch: it measures reading the history, not how fast the scenario publishes it.

Reported: the minutes of each phase and of the whole, the goals service's RSS at the end, and the minimum pipeline
(bare consumer, JSON parse, one bulk upsert per batch) over the same topic in the same run as the baseline.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.scenarios.common import (
    Bench,
    Figure,
    cpu_seconds,
    note,
    reading_a_backlog,
    result,
    rss_mib,
    scratch,
    services,
)
from bench.scenarios.ingest import consume_all, minimum_pipeline, set_goals
from bench.scenarios.kafka import event, produce
from bench.scenarios.population import publish_roster
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.mongo import create_client
from pacer_testkit.roster import person
from pacer_testkit.stack import eventually

HISTORY = timedelta(days=30)


async def run(bench: Bench, events: int, assistants: int) -> dict[str, Any]:
    async with scratch(bench) as namespace, services(bench, namespace, {"goals": {}}) as running:
        goals_service = running["goals"]
        assert goals_service.process is not None
        roster = [person(f"a{i}", "assistant", team_id=f"t{i % 20}") for i in range(assistants)]
        await publish_roster(bench, namespace, roster, reaching=["goals"])
        now = datetime.now(UTC)
        step = HISTORY / max(events, 1)
        topic = f"{namespace}.sales.activity"
        # A generator: at full size the messages never sit in memory all at once.
        history = (
            (
                f"a{n % assistants}".encode(),
                event(
                    SalesActivityRecorded(
                        activity_id=f"act-{n}",
                        assistant_id=f"a{n % assistants}",
                        kind="call",
                        occurred_at=now - HISTORY + step * n,
                        source_system="bench",
                    )
                ),
            )
            for n in range(events)
        )
        client = create_client(bench.stack.mongo_url, "bench")
        try:
            database = client[f"{namespace}_goals"]

            async def stored(at_least: int) -> bool:
                return await database["activities"].count_documents({}, limit=at_least) >= at_least

            produce_seconds, started = await reading_a_backlog(
                goals_service, lambda: produce(bench.stack, topic, history), lambda: stored(1)
            )
            cpu_before = cpu_seconds(goals_service.process.pid)

            async def all_stored() -> bool:
                return await stored(events)

            await eventually(all_stored, timeout=300 + events / 20, what="every activity stored")
            stored_seconds = time.perf_counter() - started
            note(f"backfill: {events:,} activities stored in {stored_seconds:.1f} s; now the goals")
            await set_goals(goals_service.url, assistants, events, now - HISTORY - timedelta(minutes=1), now)

            async def all_counted() -> bool:
                pipeline = [{"$group": {"_id": None, "n": {"$sum": "$activity_count"}}}]
                total = [d async for d in await database["goals"].aggregate(pipeline)]
                return bool(total) and total[0]["n"] >= events

            await eventually(all_counted, timeout=300 + events / 20, what="every activity in its goal's progress")
            pacer_seconds = time.perf_counter() - started
            goals_cpu = cpu_seconds(goals_service.process.pid) - cpu_before
            rss = rss_mib(goals_service.process.pid)
            note(f"backfill: counted into new goals after {pacer_seconds:.1f} s; now the minimum pipeline")
            minimum = await consume_all(
                bench.stack, topic, events, minimum_pipeline(client[f"{namespace}_baseline"]["progress"])
            )
        finally:
            await client.close()
    rate = events / pacer_seconds
    return result(
        "backfill",
        [Figure("history counted into new goals", "events/s", rate, events / minimum, "minimum pipeline")],
        events=events,
        assistants=assistants,
        # Four places: a quick run takes seconds, which two would round to nothing.
        minutes=round(pacer_seconds / 60, 4),
        minutes_storing_activities=round(stored_seconds / 60, 4),
        minutes_counting_into_goals=round((pacer_seconds - stored_seconds) / 60, 4),
        produce_seconds=round(produce_seconds, 2),
        goals_rss_mib=round(rss),
        goals_cpu_ms_per_event=round(goals_cpu * 1000 / events, 3),
    )
