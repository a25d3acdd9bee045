"""The tables keep RETENTION_DAYS of each assistant's days: an activity of an older day is reported (a metric) rather
than counted, and the days that fall behind the horizon as time goes on are purged, so the tables stay bounded and a
copy of a purged activity is not counted again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from analytics_support import ANALYTICS, ZONES, AnalyticsWorld, recorded

from pacer_testkit.clocked import FileClock
from pacer_testkit.stack import eventually
from pacer_testkit.world import RunningService

NOW = datetime(2026, 6, 15, 4, tzinfo=UTC)  # noon in Shanghai, where Ann lives
RETENTION_DAYS = 40


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    clock = FileClock(tmp_path / "clock")
    clock.set(NOW)
    return clock


@pytest.fixture
async def analytics(running_service: RunningService, clock: FileClock) -> AsyncIterator[AnalyticsWorld]:
    async with running_service(
        ANALYTICS,
        world=AnalyticsWorld,
        clock_file=clock.path,
        PACER_ANALYTICS_RETENTION_DAYS=str(RETENTION_DAYS),
        PACER_ANALYTICS_WARNING_TICK_SECONDS="0.5",  # the daily purge runs in the same check as the early warning
    ) as world:
        yield world


async def test_days_beyond_retention_are_reported_not_counted_and_purged_as_time_goes_on(
    analytics: AnalyticsWorld, clock: FileClock
) -> None:
    too_old = recorded("ann", NOW - timedelta(days=50))
    ten_days_ago, yesterday = recorded("ann", NOW - timedelta(days=10)), recorded("ann", NOW - timedelta(days=1))
    await analytics.send(too_old, ten_days_ago, yesterday)

    def day(activity_at: datetime) -> str:
        return activity_at.astimezone(ZONES["ann"]).date().isoformat()

    first, last = (NOW - timedelta(days=60)).date(), (NOW + timedelta(days=40)).date()
    service = analytics.service
    assert service is not None

    async def shown() -> dict[str, int]:
        return {d: p["count"] for d, p in (await analytics.days_shown("ann", "call", first, last)).items()}

    async def shows(expected: dict[str, int]) -> bool:
        return await shown() == expected

    async def reported(at_least: int) -> bool:
        return await service.metric("pacer_analytics_beyond_retention_total") >= at_least

    recent = {day(ten_days_ago.occurred_at): 1, day(yesterday.occurred_at): 1}
    await eventually(lambda: shows(recent), 120, "the two recent calls counted, the old one not")
    await eventually(lambda: reported(1), 60, "the old call reported")

    # 35 days later the call of ten days ago is 45 days old: its day is purged at Ann's next daily check.
    clock.set(NOW + timedelta(days=35))
    kept = {day(yesterday.occurred_at): 1}
    await eventually(lambda: shows(kept), 120, "the day beyond the horizon purged")
    # A copy of the purged call arriving now is beyond the horizon too: reported, never counted again.
    await analytics.send(ten_days_ago)
    await eventually(lambda: reported(2), 60, "the late copy reported")
    assert await shown() == kept
