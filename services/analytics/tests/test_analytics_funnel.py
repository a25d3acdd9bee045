"""Funnels count each kind of the chain as an independent recount of the raw events does, a team's added up."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics_support import AnalyticsWorld, recorded, recount, retracted

from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually

CHAIN = ["call", "quote_sent", "order_processed", "deal_closed"]
FIRST, LAST = date(2026, 4, 1), date(2026, 4, 30)


def recounted(analytics: AnalyticsWorld, members: list[str], kinds: list[str]) -> list[dict[str, Any]]:
    """Each kind's count in the period from the raw events, and the conversions worked out here."""
    days = recount(analytics.activities)
    counts = [
        sum(t.count for (who, what, day), t in days.items() if who in members and what == kind and FIRST <= day <= LAST)
        for kind in kinds
    ]
    return [
        {
            "kind": kind,
            "count": count,
            "conversion": None if n == 0 or not counts[n - 1] else round(Decimal(count) / counts[n - 1], 4),
            "from_first": round(Decimal(count) / counts[0], 4) if counts[0] else None,
        }
        for n, (kind, count) in enumerate(zip(kinds, counts, strict=True))
    ]


def steps(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "kind": s["kind"],
            "count": s["count"],
            "conversion": None if s["conversion"] is None else Decimal(s["conversion"]),
            "from_first": None if s["from_first"] is None else Decimal(s["from_first"]),
        }
        for s in body["steps"]
    ]


async def funnel(analytics: AnalyticsWorld, path: str, who: tuple[str, str], **params: Any) -> Any:
    response = await analytics.http.get(
        path, params={"from": FIRST.isoformat(), "to": LAST.isoformat(), **params}, headers=bearer(*who)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_funnels_equal_a_recount_after_duplicates_retractions_and_reordering(analytics: AnalyticsWorld) -> None:
    rng = random.Random(3)
    start = datetime(2026, 3, 28, tzinfo=UTC)  # a few days before the period, to test its edges
    weights = {"call": 12, "quote_sent": 6, "order_processed": 3, "deal_closed": 2, "report_prepared": 4}
    activities = [
        recorded(who, start + timedelta(hours=rng.randrange(24 * 38)), kind)
        for who in ("ann", "bob", "dan")
        for kind, times in weights.items()
        for _ in range(times + rng.randrange(3))
    ]
    rng.shuffle(activities)
    gone = activities[:5]
    await analytics.send(retracted(gone[0]), *activities, *activities[10:20], *(retracted(a) for a in gone[1:]))

    north = assistants_of("north")

    async def matches() -> bool:
        ann = await funnel(analytics, "/v1/analytics/assistants/ann/funnel", ("ann", "assistant"))
        team = await funnel(analytics, "/v1/analytics/teams/north/funnel", ("mia", "manager"))
        assert steps(ann) == recounted(analytics, ["ann"], CHAIN), "ann"
        assert steps(team) == recounted(analytics, north, CHAIN), "north"
        assert team["assistant_ids"] == north
        return True

    await eventually(matches, 120, "the funnels to equal the recount of the raw events")

    # Another chain, asked for by name: its own order, any kinds.
    chain = ["report_prepared", "call", "deal_closed"]
    dan = await funnel(analytics, "/v1/analytics/assistants/dan/funnel", ("hana", "hr"), kinds=chain)
    assert dan["kinds"] == chain
    assert steps(dan) == recounted(analytics, ["dan"], chain)


async def test_a_funnel_refuses_a_chain_it_cannot_count(analytics: AnalyticsWorld) -> None:
    for params in (
        {"kinds": ["call"]},
        {"kinds": ["call", "call"]},
        {"kinds": ["call", "Not A Kind!"]},
        {"from": "2026-05-01", "to": "2026-04-01"},
    ):
        response = await analytics.http.get(
            "/v1/analytics/teams/north/funnel",
            params={"from": FIRST.isoformat(), "to": LAST.isoformat(), **params},
            headers=bearer("hana", "hr"),
        )
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        field = "query.to" if "to" in params else "query.kinds"
        assert field in [e["field"] for e in response.json()["errors"]], (params, response.text)
