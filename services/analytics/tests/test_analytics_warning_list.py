"""The early warnings where a manager reads them: the team's ActivityDropped, with counts equal to a recount."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from analytics_support import ANALYTICS, AnalyticsWorld, recorded, recount

from pacer_testkit.clocked import FileClock
from pacer_testkit.stack import bearer, eventually
from pacer_testkit.world import RunningService

# 01:00 on Wednesday 14 October in Shanghai, ann's zone: her last seven days are 7-13 October.
CHECK = datetime(2026, 10, 13, 17, tzinfo=UTC)


@pytest.fixture
def clock(tmp_path: Path) -> FileClock:
    clock = FileClock(tmp_path / "clock")
    clock.set(datetime(2026, 8, 1, tzinfo=UTC))
    return clock


@pytest.fixture
async def analytics(running_service: RunningService, clock: FileClock) -> AsyncIterator[AnalyticsWorld]:
    async with running_service(
        ANALYTICS, world=AnalyticsWorld, clock_file=clock.path, PACER_ANALYTICS_WARNING_TICK_SECONDS="0.5"
    ) as world:
        yield world


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


async def listed(analytics: AnalyticsWorld, team: str, who: tuple[str, str]) -> Any:
    return await analytics.http.get(
        f"/v1/analytics/teams/{team}/warnings", params={"from": "2026-10-01", "to": "2026-10-31"}, headers=bearer(*who)
    )


async def test_a_manager_lists_her_teams_warnings_with_recounted_numbers(
    analytics: AnalyticsWorld, clock: FileClock
) -> None:
    usual = [date(2026, 9, 12) + timedelta(days=n) for n in range(0, 24, 3)]
    await analytics.send(
        *(recorded("ann", noon(day), "call") for day in usual for _ in range(2)),  # 4 a week
        recorded("ann", noon(date(2026, 10, 12)), "call"),  # then one in a week
        *(recorded("dan", noon(day), "call") for day in usual for _ in range(2)),  # south: not mia's to see
    )
    await analytics.until_recounted(["ann", "dan"], ["call"], date(2026, 9, 1), date(2026, 10, 31))
    clock.set(CHECK)

    async def raised() -> Any:
        response = await listed(analytics, "north", ("mia", "manager"))
        assert response.status_code == 200, response.text
        return response.json()["warnings"] or None

    [warning] = await eventually(raised, 120, "north's warning to be listed")
    calls = {day: t.count for (who, kind, day), t in recount(analytics.activities).items() if who == "ann"}
    recent = sum(n for day, n in calls.items() if date(2026, 10, 7) <= day <= date(2026, 10, 13))
    usual_week = Decimal(sum(n for day, n in calls.items() if date(2026, 9, 9) <= day <= date(2026, 10, 6))) / 4
    assert {k: warning[k] for k in ("assistant_id", "kind", "week", "checked_on", "recent_count")} == {
        "assistant_id": "ann",
        "kind": "call",
        "week": "2026-W42",
        "checked_on": "2026-10-14",
        "recent_count": recent,
    }
    assert Decimal(warning["weekly_average"]) == usual_week
    # Dan's drop is south's: listed for max, never for mia.
    south = await eventually(lambda: _warnings_of(analytics, "south"), 120, "south's warning to be listed")
    assert [w["assistant_id"] for w in south] == ["dan"]
    for team, who in (("north", ("ann", "assistant")), ("north", ("max", "manager")), ("south", ("mia", "manager"))):
        assert (await listed(analytics, team, who)).status_code == 403, (team, who)


async def _warnings_of(analytics: AnalyticsWorld, team: str) -> Any:
    response = await listed(analytics, team, ("max", "manager") if team == "south" else ("mia", "manager"))
    assert response.status_code == 200, response.text
    return response.json()["warnings"] or None
