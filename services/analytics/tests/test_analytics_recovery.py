"""A worker killed with SIGKILL rebuilds its tables from the changelog topics and shows the same numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from analytics_support import ANALYTICS, AnalyticsWorld, recorded, recount, retracted

from pacer_testkit.stack import ServiceProcess

FIRST, LAST = date(2026, 9, 1), date(2026, 9, 30)


async def test_a_killed_worker_recovers_its_tables_and_goes_on_counting_once(analytics: AnalyticsWorld) -> None:
    start = datetime(2026, 9, 7, 8, tzinfo=UTC)
    before = [
        recorded(("ann", "bob")[n % 2], start + timedelta(hours=7 * n), quantity=str(n % 3 + 1)) for n in range(30)
    ]
    await analytics.send(*before, retracted(before[0]), retracted(before[1]))
    await analytics.until_recounted(["ann", "bob"], ["call"], FIRST, LAST)
    shown_before = {who: await analytics.days_shown(who, "call", FIRST, LAST) for who in ("ann", "bob")}

    analytics.service.kill()
    restarted = ServiceProcess(ANALYTICS, "analytics", analytics.service.env, analytics.service.log_path).start()
    try:
        await restarted.wait_ready(120)
        analytics.http.base_url = restarted.url  # type: ignore[assignment]
        # Ready means rebuilt: the very first answer already has every number, not a partial table.
        assert {who: await analytics.days_shown(who, "call", FIRST, LAST) for who in ("ann", "bob")} == shown_before

        # Redelivered and corrected events after the restart still count once, and retractions still find their
        # activity in the rebuilt state.
        await analytics.send(*before[5:10], retracted(before[2]), recorded("ann", start + timedelta(days=3)))
        await analytics.until_recounted(["ann", "bob"], ["call"], FIRST, LAST)
        assert sum(t.count for t in recount(analytics.activities).values()) == 30 - 3 + 1
    finally:
        restarted.stop()
