"""Top movers of a team: its current assistants' counts of a kind in a month against the month before."""

from __future__ import annotations

from datetime import date, timedelta

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days
from pacer_analytics.domain.movers import Move, movers
from pacer_analytics.domain.series import month_bounds
from pacer_analytics.service.access import readable_team
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.series import refuse
from pacer_shared.auth import Principal


async def of_team(
    analytics: Analytics, principal: Principal, team_id: str, kind: str, month: date, top: int
) -> tuple[list[Move], list[Move], list[str]]:
    """Each assistant on their own days; a month in progress counts its days so far."""
    if month.year == 1 and month.month == 1:
        refuse("query.month", "there is no month before January of year 1")
    members = sorted(m["_id"] for m in await readable_team(analytics.runtime.people, principal, team_id))
    previous_first, last = month_bounds(month)
    first = month.replace(day=1)
    view = await analytics.read(ask_days(Ask(), members, [kind], previous_first, last))

    def count(member: str, since: date, until: date) -> int:
        return sum(totals.count for _, totals in view.daily.of(member, kind, since, until))

    moves = [
        Move(member, count(member, previous_first, first - timedelta(days=1)), count(member, first, last))
        for member in members
    ]
    risers, fallers = movers(moves, top)
    return risers, fallers, members
