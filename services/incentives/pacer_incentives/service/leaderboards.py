"""Leaderboards per team and month, by goal attainment or recognition points; no amounts, ever."""

from __future__ import annotations

from typing import Literal

from pacer_incentives.domain.facts import fold
from pacer_incentives.domain.periods import Period
from pacer_incentives.domain.recognition import Standing, attainment_standings, points_standings
from pacer_incentives.service import inputs
from pacer_incentives.service.context import RECOGNITIONS, Incentives

Ranking = Literal["attainment", "points"]


async def leaderboard(incentives: Incentives, team_id: str, month: Period, by: Ranking) -> list[Standing]:
    members = sorted(p["_id"] for p in await incentives.runtime.people.team(team_id) if p.get("role") == "assistant")
    if by == "points":
        grants = [
            (r["person_id"], r["points"])
            async for r in incentives.db[RECOGNITIONS].find(
                # A private award is the person's own business: it shows in nobody else's standings.
                {
                    "person_id": {"$in": members},
                    "granted_at": {"$gte": month.start, "$lt": month.end},
                    "private": {"$ne": True},
                }
            )
        ]
        return points_standings(grants, members)
    records = await inputs.records_for(incentives, members, month.start, month.end)
    return attainment_standings(members, fold(records), month.start, month.end)
