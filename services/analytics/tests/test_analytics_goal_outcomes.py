"""A team's goal outcomes equal an independent recount of goals.events, whatever order and how often they arrive."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from analytics_support import ZONES, AnalyticsWorld

from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAtRisk,
    GoalCancelled,
    GoalEvent,
    GoalMetric,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    MetricAggregation,
)
from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually

FIRST, LAST = date(2026, 6, 1), date(2026, 6, 30)
BOUNDS = [Decimal("0.5"), Decimal("0.8"), Decimal(1), Decimal("1.2")]
Timed = tuple[GoalEvent, datetime]


def goal_events(rng: random.Random, owner: str, n: int) -> list[Timed]:
    """One goal's events as goals would publish them, each at its own time; the period ends at a local midnight."""
    end_day = date(2026, 6, 20) + timedelta(days=rng.randrange(21))  # some end in July: outside the range
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=ZONES[owner]).astimezone(UTC)
    common: dict[str, Any] = {
        "goal_id": f"{owner}-{n}",
        "owner_id": owner,
        "title": f"goal {n}",
        "period_start": end - timedelta(days=7),
        "period_end": end,
    }
    target = Decimal(rng.randrange(10, 50))
    at = end - timedelta(days=7)
    metric = GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT)
    events: list[Timed] = [(GoalSet(**common, metric=metric, target=target, unit="calls", set_by="mia"), at)]
    actual = Decimal(0)
    for step in range(rng.randrange(4)):
        actual += rng.randrange(1, 15)
        progressed = GoalProgressed(**common, target=target, actual=actual, expected_by_now=target / 2)
        events.append((progressed, at + timedelta(hours=step)))
    ending = rng.choice(["achieved", "missed", "at_risk", "open", "cancelled"])
    late = end + timedelta(minutes=1)
    measured = {"target": target, "actual": actual}
    if ending in ("at_risk", "missed"):
        pace = {"expected_by_now": target, "pace_ratio": Decimal("0.5"), "level": Decimal("0.8")}
        events.append((GoalAtRisk(**common, **measured, **pace), at + timedelta(hours=5)))
    if ending == "achieved":
        actual = max(actual, target) + rng.randrange(10)
        reached = {"target": target, "actual": actual, "achieved_at": late, "attainment": actual / target}
        events.append((GoalAchieved(**common, **reached), late))
    elif ending == "missed":
        short = {"shortfall": target - actual, "attainment": actual / target}
        events.append((GoalMissed(**common, **measured, **short), late))
    elif ending == "cancelled":
        events.append((GoalCancelled(**common, cancelled_by="mia", reason="moved to another team"), late))
    return events


def recount(published: list[Timed], members: list[str]) -> dict[str, Any]:
    """The outcomes worked out from the raw events, without the service's code."""
    by_goal: dict[str, list[Timed]] = defaultdict(list)
    for data, at in published:
        by_goal[data.goal_id].append((data, at))
    result: dict[str, Any] = {"goals": 0, "achieved": 0, "missed": 0, "in_progress": 0, "at_risk": 0, "cancelled": 0}
    attainments = []
    for events in by_goal.values():
        first = events[0][0]
        if first.owner_id not in members:
            continue
        last_day = (first.period_end - timedelta(microseconds=1)).astimezone(ZONES[first.owner_id]).date()
        if not FIRST <= last_day <= LAST:
            continue
        types = {type(data) for data, _ in events}
        result["goals"] += 1
        if GoalCancelled in types:
            result["cancelled"] += 1
            continue
        status = "achieved" if GoalAchieved in types else "missed" if GoalMissed in types else "in_progress"
        result[status] += 1
        if status == "in_progress" and GoalAtRisk in types:
            result["at_risk"] += 1
        measured = [(at, data) for data, at in events if hasattr(data, "actual")]
        _, newest = max(measured, key=lambda pair: pair[0]) if measured else (None, None)
        attainment = (newest.actual / newest.target).quantize(Decimal("0.0001")) if newest else Decimal(0)  # type: ignore[attr-defined]
        attainments.append(attainment)
    edges: list[Decimal | None] = [None, *BOUNDS, None]
    result["distribution"] = [
        {
            "lower": lower,
            "upper": upper,
            "goals": sum(1 for a in attainments if (lower is None or a >= lower) and (upper is None or a < upper)),
        }
        for lower, upper in pairwise(edges)
    ]
    return result


def shown(body: dict[str, Any]) -> dict[str, Any]:
    counts = {k: body[k] for k in ("goals", "achieved", "missed", "in_progress", "at_risk", "cancelled")}
    counts["distribution"] = [
        {
            "lower": None if b["lower"] is None else Decimal(b["lower"]),
            "upper": None if b["upper"] is None else Decimal(b["upper"]),
            "goals": b["goals"],
        }
        for b in body["distribution"]
    ]
    return counts


async def test_team_outcomes_equal_a_recount_after_duplicates_and_reordering(analytics: AnalyticsWorld) -> None:
    rng = random.Random(4)
    published = [timed for owner in ("ann", "bob", "dan") for n in range(10) for timed in goal_events(rng, owner, n)]
    shuffled = published[:]
    rng.shuffle(shuffled)  # out of order, across goals and within each
    await analytics.publish(*shuffled, *rng.sample(published, 15))  # and some twice

    async def outcomes_of(team: str, who: tuple[str, str]) -> dict[str, Any]:
        response = await analytics.http.get(
            f"/v1/analytics/teams/{team}/outcomes",
            params={"from": FIRST.isoformat(), "to": LAST.isoformat()},
            headers=bearer(*who),
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    north, south = recount(published, assistants_of("north")), recount(published, assistants_of("south"))
    assert all(north[k] for k in ("achieved", "missed", "in_progress", "at_risk", "cancelled")), "every outcome occurs"

    async def own_of(assistant: str, who: tuple[str, str]) -> dict[str, Any]:
        response = await analytics.http.get(
            f"/v1/analytics/assistants/{assistant}/outcomes",
            params={"from": FIRST.isoformat(), "to": LAST.isoformat()},
            headers=bearer(*who),
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def matches() -> bool:
        assert shown(await outcomes_of("north", ("mia", "manager"))) == north
        assert shown(await outcomes_of("south", ("hana", "hr"))) == south
        # Each assistant's own page: her goals alone, read by herself and by her manager.
        assert shown(await own_of("ann", ("ann", "assistant"))) == recount(published, ["ann"])
        assert shown(await own_of("bob", ("mia", "manager"))) == recount(published, ["bob"])
        return True

    await eventually(matches, 120, "the outcomes to equal the recount of goals.events")
    body = await outcomes_of("north", ("mia", "manager"))
    assert body["assistant_ids"] == assistants_of("north")
    forbidden = await analytics.http.get(
        "/v1/analytics/teams/south/outcomes",
        params={"from": "2026-06-01", "to": "2026-06-30"},
        headers=bearer("mia", "manager"),
    )
    assert forbidden.status_code == 403
    colleague = await analytics.http.get(
        "/v1/analytics/assistants/bob/outcomes",
        params={"from": "2026-06-01", "to": "2026-06-30"},
        headers=bearer("ann", "assistant"),
    )
    assert colleague.status_code == 403, "a colleague's outcomes are not hers to read"
