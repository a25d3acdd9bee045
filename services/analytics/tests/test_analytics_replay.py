"""A worker that starts on a long history replays it before it checks anyone: no ActivityDropped for an assistant
whose recent days were simply not read yet, and still the warning for one whose activity really stopped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from analytics_support import ANALYTICS, AnalyticsWorld, recorded

from pacer_shared.events import wrap
from pacer_testkit.clocked import FileClock
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import Stack, create_topics, producer, read_topic
from pacer_testkit.world import RunningService

# 01:00 on 14 October in Shanghai (ann), 19:00 on 13 October in Berlin (bob).
CHECK = datetime(2026, 10, 13, 17, tzinfo=UTC)
# Both histories start on the first day of their four usual weeks, so a check that ran on the first days read
# would already see a usual week and nothing in the last seven days.
ANN_DAYS = [date(2026, 9, 9) + timedelta(days=n) for n in range(35)]  # up to 13 October: her last days are busy
ANN_PER_DAY = 40  # 1,400 events: a history long enough that the worker spends several ticks replaying it
BOB_DAYS = [date(2026, 9, 8) + timedelta(days=n) for n in range(28)]  # up to 5 October, then nothing


def noon(day: date) -> datetime:
    """04:00 UTC: noon in Shanghai, the same calendar day in UTC and Berlin, whatever the roster says yet."""
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    clock = FileClock(tmp_path / "clock")
    clock.set(CHECK)
    return clock


async def publish_history(stack: Stack, namespace: str) -> list[Any]:
    """The history a new deployment finds on sales.activity: the roster and two assistants' months of calls."""
    topic, people_topic = f"{namespace}.sales.activity", f"{namespace}.org.people"
    await create_topics(stack.kafka_bootstrap, [topic, people_topic], partitions=3)
    history = [
        *(recorded("ann", noon(day)) for day in ANN_DAYS for _ in range(ANN_PER_DAY)),
        *(recorded("bob", noon(day)) for day in BOB_DAYS for _ in range(4)),
    ]
    async with producer(stack.kafka_bootstrap) as client:
        people = [
            await client.send(people_topic, wrap(p, source="/tests", time=CHECK).to_json(), key=p.subject.encode())
            for p in ROSTER
        ]
        sent = [
            await client.send(topic, wrap(a, source="/tests", time=CHECK).to_json(), key=a.subject.encode())
            for a in history
        ]
        await asyncio.gather(*people, *sent)
    return history


@pytest.fixture
async def analytics(
    running_service: RunningService, clock: FileClock, stack: Stack, namespace: str
) -> AsyncIterator[AnalyticsWorld]:
    history = await publish_history(stack, namespace)
    async with running_service(
        ANALYTICS, world=AnalyticsWorld, clock_file=clock.path, PACER_ANALYTICS_WARNING_TICK_SECONDS="0.2"
    ) as world:
        world.activities.extend(history)
        yield world


@pytest.mark.timeout(900)
async def test_a_replayed_history_raises_no_warning_for_recent_days_not_read_yet(analytics: AnalyticsWorld) -> None:
    def dropped(records: list[Any]) -> list[dict[str, Any]]:
        return [r.json() for r in records if r.json()["type"] == "ActivityDropped"]

    found = await read_topic(
        analytics.stack.kafka_bootstrap,
        analytics.topic("analytics.events"),
        lambda records: any(e["subject"] == "bob" for e in dropped(records)),
        240,
    )
    [bob] = [e for e in dropped(found) if e["subject"] == "bob"]
    assert (bob["data"]["recent_count"], Decimal(bob["data"]["weekly_average"])) == (0, 28), "his calls really stopped"

    # Every day of ann's history is read by now; her check ran once, on this local day, whenever it ran.
    await analytics.until_recounted(["ann"], ["call"], ANN_DAYS[0], ANN_DAYS[-1], timeout=240)
    found = await read_topic(analytics.stack.kafka_bootstrap, analytics.topic("analytics.events"), bool, 30)
    assert [e for e in dropped(found) if e["subject"] == "ann"] == [], "ann's recent days were busy, only unread"
