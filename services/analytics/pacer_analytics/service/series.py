"""Activity series: one assistant's, or a team's as the sum of its current assistants', per day, week or month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days
from pacer_analytics.domain.series import Granularity, MonthOverMonth, PeriodTotals, month_bounds, roll_up
from pacer_analytics.service.access import readable_assistant, readable_team
from pacer_analytics.service.context import Analytics
from pacer_shared.auth import Principal
from pacer_shared.problems import Unprocessable


@dataclass(frozen=True)
class SeriesRequest:
    kind: str
    granularity: Granularity
    first: date
    last: date


@dataclass(frozen=True)
class Series:
    periods: list[PeriodTotals]
    assistant_ids: list[str]


def within_limits(analytics: Analytics, first: date, last: date) -> None:
    """A range of days a request may ask for: `to` not before `from`, at most SERIES_MAX_DAYS long."""
    if last < first:
        refuse("query.to", "`to` is before `from`")
    if (last - first).days + 1 > analytics.settings.series_max_days:
        refuse("query.to", f"at most {analytics.settings.series_max_days} days per request")


def refuse(field: str, message: str) -> NoReturn:
    raise Unprocessable(f"{field}: {message}", errors=[{"field": field, "message": message, "type": "value_error"}])


async def of_assistant(analytics: Analytics, principal: Principal, assistant_id: str, request: SeriesRequest) -> Series:
    within_limits(analytics, request.first, request.last)
    await readable_assistant(analytics.runtime.people, principal, assistant_id)
    view = await analytics.read(ask_days(Ask(), [assistant_id], [request.kind], request.first, request.last))
    found = view.daily.of(assistant_id, request.kind, request.first, request.last)
    return Series(roll_up(request.granularity, request.first, request.last, found), [assistant_id])


async def of_team(analytics: Analytics, principal: Principal, team_id: str, request: SeriesRequest) -> Series:
    """Each assistant's days in their own time zone, added up: a team's day is its members' days."""
    within_limits(analytics, request.first, request.last)
    members = sorted(m["_id"] for m in await readable_team(analytics.runtime.people, principal, team_id))
    view = await analytics.read(ask_days(Ask(), members, [request.kind], request.first, request.last))
    found = [day for member in members for day in view.daily.of(member, request.kind, request.first, request.last)]
    return Series(roll_up(request.granularity, request.first, request.last, found), members)


@dataclass(frozen=True)
class AssistantSeries:
    assistant_id: str
    kind: str
    periods: list[PeriodTotals]


async def by_assistant(
    analytics: Analytics, principal: Principal, team_id: str, kinds: list[str], request: SeriesRequest
) -> list[AssistantSeries]:
    """Each of the team's assistants' own series of each kind, in one answer: a team page drawing one line per
    assistant asks once, and the trail records one read of the team, not one per person shown."""
    within_limits(analytics, request.first, request.last)
    members = sorted(m["_id"] for m in await readable_team(analytics.runtime.people, principal, team_id))
    view = await analytics.read(ask_days(Ask(), members, kinds, request.first, request.last))
    return [
        AssistantSeries(
            member,
            kind,
            roll_up(
                request.granularity,
                request.first,
                request.last,
                view.daily.of(member, kind, request.first, request.last),
            ),
        )
        for member in members
        for kind in kinds
    ]


async def month_over_month(
    analytics: Analytics,
    principal: Principal,
    kind: str,
    month: date,
    assistant_id: str | None = None,
    team_id: str | None = None,
) -> tuple[MonthOverMonth, list[str]]:
    """A month against the one before, for an assistant or a team; a month in progress counts its days so far."""
    if month.year == 1 and month.month == 1:
        refuse("query.month", "there is no month before January of year 1")
    first, last = month_bounds(month)
    request = SeriesRequest(kind, Granularity.MONTH, first, last)
    if assistant_id is not None:
        found = await of_assistant(analytics, principal, assistant_id, request)
    else:
        assert team_id is not None
        found = await of_team(analytics, principal, team_id, request)
    previous, current = found.periods
    return MonthOverMonth(current, previous), found.assistant_ids
