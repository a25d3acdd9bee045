"""Top movers of a team: its assistants ranked by how much their count of a kind changed from the month before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analytics_support import AnalyticsWorld, recorded, recount, retracted

from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, eventually

MAY, JUNE = datetime(2026, 5, 10, 12, tzinfo=UTC), datetime(2026, 6, 10, 12, tzinfo=UTC)


def moved(analytics: AnalyticsWorld, top: int) -> dict[str, Any]:
    """Risers and fallers worked out from the raw events: each assistant's May and June on their own days."""
    days = recount(analytics.activities)
    moves = []
    for who in assistants_of("north"):
        may, june = (
            sum(t.count for (w, kind, day), t in days.items() if (w, kind, day.month) == (who, "call", month))
            for month in (5, 6)
        )
        ratio = None if not may else f"{(june - may) / may:.4f}"
        moves.append(
            {"assistant_id": who, "previous": may, "current": june, "change": june - may, "change_ratio": ratio}
        )
    risers = sorted((m for m in moves if m["change"] > 0), key=lambda m: (-m["change"], m["assistant_id"]))
    fallers = sorted((m for m in moves if m["change"] < 0), key=lambda m: (m["change"], m["assistant_id"]))
    return {"risers": risers[:top], "fallers": fallers[:top]}


def as_shown(body: dict[str, Any]) -> dict[str, Any]:
    def move(m: dict[str, Any]) -> dict[str, Any]:
        ratio = m["change_ratio"]
        return {**m, "change_ratio": None if ratio is None else f"{float(ratio):.4f}"}

    return {"risers": [move(m) for m in body["risers"]], "fallers": [move(m) for m in body["fallers"]]}


async def test_movers_equal_a_recount_and_are_for_the_teams_manager(analytics: AnalyticsWorld) -> None:
    counts = {"ann": (5, 1), "bob": (1, 4), "cid": (0, 2), "dan": (0, 9)}  # dan is in south: never a mover of north
    sent = [
        recorded(who, month + timedelta(hours=n), "call")
        for who, (may, june) in counts.items()
        for month, times in ((MAY, may), (JUNE, june))
        for n in range(times)
    ]
    await analytics.send(*sent, *sent[:3], retracted(sent[0]))  # duplicates and a retraction

    async def movers(top: int, who: tuple[str, str] = ("mia", "manager")) -> Any:
        response = await analytics.http.get(
            "/v1/analytics/teams/north/movers",
            params={"kind": "call", "month": "2026-06", "top": top},
            headers=bearer(*who),
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def matches() -> bool:
        assert as_shown(await movers(3)) == moved(analytics, 3)
        return True

    await eventually(matches, 120, "the movers to equal the recount")
    assert [m["assistant_id"] for m in (await movers(1))["risers"]] == ["bob"]  # +3 before cid's +2
    assert [m["assistant_id"] for m in (await movers(1))["fallers"]] == ["ann"]
    assert (await movers(3, ("hana", "hr")))["assistant_ids"] == assistants_of("north")
    for who in (("ann", "assistant"), ("max", "manager")):
        response = await analytics.http.get(
            "/v1/analytics/teams/north/movers", params={"kind": "call", "month": "2026-06"}, headers=bearer(*who)
        )
        assert response.status_code == 403, who
