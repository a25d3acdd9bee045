"""Leaderboards per team and month, by goal attainment or recognition points; no amounts, ever."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from pacer_incentives.domain.facts import fold
from pacer_incentives.domain.periods import Cadence, Period, in_zone
from pacer_incentives.domain.recognition import Standing, attainment_standings, points_standings
from pacer_incentives.service import inputs
from pacer_incentives.service.context import Incentives
from pacer_shared.mongo import Document, Session
from pacer_shared.people import is_assistant

Ranking = Literal["attainment", "points"]


async def leaderboard(incentives: Incentives, team_id: str, month: Period, by: Ranking) -> list[Standing]:
    members = sorted(p["_id"] for p in await incentives.runtime.people.assistants_in(team_id))
    if by == "points":
        grants = await incentives.recognitions.public_points(members, month.start, month.end)
        return points_standings(grants, members)
    return await attainment_of(incentives, await incentives.runtime.people.team(team_id), month)


def local_months(people: Iterable[Document], month: Period) -> dict[str, Period]:
    """Each assistant's calendar month in their own time zone."""
    return {p["_id"]: in_zone(Cadence.MONTHLY, month, p.get("timezone") or "UTC") for p in people if is_assistant(p)}


ZONES_APART = timedelta(hours=14)
"""The furthest a time zone is from UTC: every zone's month has ended this long after the UTC month."""


async def attainment_of(
    incentives: Incentives, people: Iterable[Document], month: Period, session: Session | None = None
) -> list[Standing]:
    """Attainment standings of these people's assistants, each one's goals counted in the month of their own time
    zone, as their goals are timed (a goal ending at midnight in Los Angeles on 1 April is a March goal)."""
    months = local_months(people, month)
    around = (month.start - ZONES_APART, month.end + ZONES_APART)
    records = await inputs.records_for(incentives, sorted(months), *around, session)
    return attainment_standings(months, fold(records))
