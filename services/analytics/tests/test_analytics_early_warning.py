"""ActivityDropped: the last seven days of a kind against the four weeks before, once per assistant, kind and week,
also across a restart; the numbers it carries equal a recount of the raw events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from analytics_support import ANALYTICS, AnalyticsWorld, recorded, recount

from pacer_testkit.clocked import FileClock
from pacer_testkit.stack import ServiceProcess, read_topic
from pacer_testkit.world import RunningService

FIRST, LAST = date(2026, 8, 1), date(2026, 10, 31)
# 01:00 on Wednesday 14 October in Shanghai (ann's zone): her last seven days are 7-13 October, the four weeks
# before them 9 September - 6 October. A day later both windows move by a day; every activity below stays inside.
CHECK = datetime(2026, 10, 13, 17, tzinfo=UTC)


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    clock = FileClock(tmp_path / "clock")
    clock.set(datetime(2026, 8, 1, tzinfo=UTC))  # before any activity: nothing can have dropped yet
    return clock


@pytest.fixture
async def analytics(running_service: RunningService, clock: FileClock) -> AsyncIterator[AnalyticsWorld]:
    async with running_service(
        ANALYTICS, world=AnalyticsWorld, clock_file=clock.path, PACER_ANALYTICS_WARNING_TICK_SECONDS="0.5"
    ) as world:
        yield world


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)  # noon in Shanghai, the same day


def expected(analytics: AnalyticsWorld, assistant: str, kind: str, checked_on: date) -> dict[str, Any]:
    """The warning's numbers recounted from the raw events: seven days before the check, four weeks before those."""
    days = {
        day: t.count
        for (who, what, day), t in recount(analytics.activities).items()
        if (who, what) == (assistant, kind)
    }

    def total(first: date, last: date) -> int:
        return sum(count for day, count in days.items() if first <= day <= last)

    recent = total(checked_on - timedelta(days=7), checked_on - timedelta(days=1))
    average = Decimal(total(checked_on - timedelta(days=35), checked_on - timedelta(days=8))) / 4
    return {"recent_count": recent, "weekly_average": average, "ratio": (recent / average).quantize(Decimal("0.0001"))}


def shown(event: dict[str, Any]) -> dict[str, Any]:
    data = event["data"]
    return {
        "recent_count": data["recent_count"],
        "weekly_average": Decimal(data["weekly_average"]),
        "ratio": Decimal(data["ratio"]),
    }


async def warnings(analytics: AnalyticsWorld, until: Any) -> list[dict[str, Any]]:
    records = await read_topic(
        analytics.stack.kafka_bootstrap,
        analytics.topic("analytics.events"),
        lambda found: until([r.json() for r in found]),
        120,
    )
    return [r.json() for r in records]


def about(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "ActivityDropped" and (e["subject"], e["data"]["kind"]) == ("ann", kind)]


async def test_a_drop_is_warned_once_a_week_with_recounted_numbers_also_after_a_restart(
    analytics: AnalyticsWorld, clock: FileClock
) -> None:
    usual = [date(2026, 9, 12) + timedelta(days=n) for n in range(0, 24, 3)]  # 8 days between 12 Sep and 5 Oct
    await analytics.send(
        *(recorded("ann", noon(day), "call") for day in usual for _ in range(2)),  # 16 in four weeks: 4 a week
        recorded("ann", noon(date(2026, 10, 12)), "call"),  # then one in a week: a quarter of it
        *(recorded("ann", noon(day), "quote_sent") for day in usual),  # 2 a week
        recorded("ann", noon(date(2026, 10, 12)), "quote_sent"),  # half a usual week: not below half
        *(recorded("bob", noon(date(2026, 9, 1) + timedelta(days=n)), "call") for n in range(45)),  # steady
    )
    await analytics.until_recounted(["ann", "bob"], ["call", "quote_sent"], FIRST, LAST)

    clock.set(CHECK)
    found = await warnings(analytics, lambda events: about(events, "call"))
    [call] = about(found, "call")
    assert shown(call) == expected(analytics, "ann", "call", date(2026, 10, 14))
    assert shown(call)["ratio"] == Decimal("0.25")
    assert call["data"]["week"] == "2026-W42"
    assert (call["data"]["recent_from"], call["data"]["recent_to"]) == ("2026-10-07", "2026-10-13")
    assert call["source"] == "/pacer/analytics"

    # Killed once the week's warning is in the warned table's changelog: the restart must not repeat it. (Killed
    # between the send and that record, it would send the event again with the same id, which consumers drop.)
    await read_topic(
        analytics.stack.kafka_bootstrap, analytics.topic("pacer-analytics-streams-warned-changelog"), bool, 120
    )
    analytics.service.kill()
    restarted = ServiceProcess(
        ANALYTICS, "analytics", analytics.service.env, analytics.service.log_path, clock.path
    ).start()
    try:
        await restarted.wait_ready(120)
        analytics.http.base_url = restarted.url  # type: ignore[assignment]
        # Late quotes in the four weeks raise ann's usual week to 3: her one quote is now a third of it.
        await analytics.send(*(recorded("ann", noon(date(2026, 9, 20)), "quote_sent") for _ in range(4)))
        await analytics.until_recounted(["ann"], ["quote_sent"], FIRST, LAST)
        clock.set(CHECK + timedelta(days=1))  # Thursday: the same ISO week, checked again

        found = await warnings(analytics, lambda events: about(events, "quote_sent"))
        [quote] = about(found, "quote_sent")
        assert shown(quote) == expected(analytics, "ann", "quote_sent", date(2026, 10, 15))
        assert quote["data"]["week"] == "2026-W42"
        # The same check looked at calls first (kinds in order) and found the week's warning in the rebuilt table.
        assert about(found, "call") == [call], "warned once in the week, also after a restart"
        assert not [e for e in found if e["subject"] != "ann"], "bob's steady calls never dropped"
    finally:
        restarted.stop()
