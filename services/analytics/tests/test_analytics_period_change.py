"""Period over period: a month against the month before and a quarter against the same quarter a year earlier, per
assistant and team, equal to a recount of the raw events on each assistant's own days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics_support import AnalyticsWorld, recorded, recount, retracted

from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually


def counted(analytics: AnalyticsWorld, who: list[str], first: date, last: date) -> tuple[int, Decimal]:
    days = recount(analytics.activities)
    found = [t for (w, kind, day), t in days.items() if w in who and kind == "call" and first <= day <= last]
    return sum(t.count for t in found), sum((t.quantity for t in found), Decimal(0))


def expected(analytics: AnalyticsWorld, who: list[str], period: str) -> dict[str, Any]:
    spans = {
        "2026-Q2": ((date(2026, 4, 1), date(2026, 6, 30)), (date(2025, 4, 1), date(2025, 6, 30)), "2025-Q2"),
        "2026-06": ((date(2026, 6, 1), date(2026, 6, 30)), (date(2026, 5, 1), date(2026, 5, 31)), "2026-05"),
    }
    now, before, compared_with = spans[period]
    (count, quantity), (previous, previous_quantity) = counted(analytics, who, *now), counted(analytics, who, *before)
    return {
        "period": period,
        "compared_with": compared_with,
        "count": count,
        "previous": previous,
        "count_change": count - previous,
        "ratio": None if not previous else (Decimal(count - previous) / previous).quantize(Decimal("0.0001")),
        "quantity_change": quantity - previous_quantity,
    }


def as_shown(body: dict[str, Any]) -> dict[str, Any]:
    ratio = body["count_change_ratio"]
    return {
        "period": body["period"],
        "compared_with": body["compared_with"],
        "count": body["current"]["count"],
        "previous": body["previous"]["count"],
        "count_change": body["count_change"],
        "ratio": None if ratio is None else Decimal(ratio),
        "quantity_change": Decimal(body["quantity_change"]),
    }


async def test_this_quarter_against_the_same_quarter_last_year_and_this_month_against_the_last(
    analytics: AnalyticsWorld,
) -> None:
    def calls(who: str, first: datetime, times: int, quantity: str = "1") -> list[Any]:
        return [recorded(who, first + timedelta(hours=n), "call", quantity) for n in range(times)]

    sent = [
        *calls("ann", datetime(2025, 5, 10, 4, tzinfo=UTC), 4),  # Q2 last year
        *calls("ann", datetime(2026, 5, 10, 4, tzinfo=UTC), 3, "2"),  # May this year
        *calls("ann", datetime(2026, 6, 10, 4, tzinfo=UTC), 3),  # June
        *calls("bob", datetime(2025, 6, 30, 21, tzinfo=UTC), 2),  # 23:00 on 30 June in Berlin: Q2 2025
        *calls("bob", datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 1),  # 00:30 on 1 April in Berlin: Q2 2026
        *calls("cid", datetime(2026, 4, 1, 2, tzinfo=UTC), 2),  # 22:00 on 31 March in New York: Q1, not counted
        *calls("dan", datetime(2026, 6, 1, 14, tzinfo=UTC), 7),  # south's
    ]
    await analytics.send(*sent, *sent[:2], retracted(sent[0]))  # duplicates, and one of last year's taken back
    north = assistants_of("north")

    async def change(path: str, period: str, who: tuple[str, str] = ("hana", "hr")) -> Any:
        response = await analytics.http.get(
            f"/v1/analytics/{path}/period-change", params={"kind": "call", "period": period}, headers=bearer(*who)
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def matches() -> bool:
        for period in ("2026-Q2", "2026-06"):
            for assistant in north:
                assert as_shown(await change(f"assistants/{assistant}", period)) == expected(
                    analytics, [assistant], period
                ), (assistant, period)
            assert as_shown(await change("teams/north", period)) == expected(analytics, north, period), period
        return True

    await eventually(matches, 120, "each period's change to equal the recount")
    quarter = await change("teams/north", "2026-Q2", ("mia", "manager"))
    # ann 3 + 3 and bob 1 against ann 3 (one taken back) and bob 1 (his second was 00:00 on 1 July in Berlin)
    assert (quarter["current"]["count"], quarter["previous"]["count"]) == (7, 4)
    assert quarter["current"]["start"] == "2026-04-01"
    assert quarter["previous"]["start"] == "2025-04-01"
    assert quarter["assistant_ids"] == north


async def test_period_change_is_refused_to_others_and_bad_periods_name_the_field(analytics: AnalyticsWorld) -> None:
    refused = [
        ("assistants/ann", ("bob", "assistant")),
        ("assistants/ann", ("max", "manager")),
        ("teams/north", ("ann", "assistant")),
        ("teams/north", ("max", "manager")),
    ]
    for path, who in refused:
        response = await analytics.http.get(
            f"/v1/analytics/{path}/period-change", params={"kind": "call", "period": "2026-Q2"}, headers=bearer(*who)
        )
        assert response.status_code == 403, (path, who)
    for period in ("2026-Q5", "2026-13", "Q2", "0001-Q1"):
        response = await analytics.http.get(
            "/v1/analytics/assistants/ann/period-change",
            params={"kind": "call", "period": period},
            headers=bearer("hana", "hr"),
        )
        assert response.status_code == 422, (period, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "query.period" in [e["field"] for e in response.json()["errors"]], (period, response.text)
