"""Funnels of an assistant or a team: the count of each kind of the chain in a period, a team's added up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pacer_analytics.adapters.daily import DailyTotals
from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_days
from pacer_analytics.domain.funnel import Step, funnel
from pacer_analytics.service.access import readable_assistant, readable_team
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.series import refuse, within_limits
from pacer_shared.auth import Principal


@dataclass(frozen=True)
class FunnelRequest:
    kinds: list[str] | None
    first: date
    last: date


@dataclass(frozen=True)
class Funnel:
    kinds: list[str]
    steps: list[Step]
    assistant_ids: list[str]


def _chain(analytics: Analytics, request: FunnelRequest) -> list[str]:
    within_limits(analytics, request.first, request.last)
    kinds = request.kinds or analytics.settings.funnel_kinds
    if len(kinds) < 2:
        refuse("query.kinds", "a funnel needs at least two kinds")
    if len(set(kinds)) != len(kinds):
        refuse("query.kinds", "each kind once")
    return kinds


def _count(daily: DailyTotals, members: list[str], kind: str, first: date, last: date) -> int:
    return sum(totals.count for member in members for _, totals in daily.of(member, kind, first, last))


async def _funnel(analytics: Analytics, kinds: list[str], members: list[str], request: FunnelRequest) -> Funnel:
    view = await analytics.read(ask_days(Ask(), members, kinds, request.first, request.last))
    chain = [(kind, _count(view.daily, members, kind, request.first, request.last)) for kind in kinds]
    return Funnel(kinds, funnel(chain), members)


async def of_assistant(analytics: Analytics, principal: Principal, assistant_id: str, request: FunnelRequest) -> Funnel:
    kinds = _chain(analytics, request)
    await readable_assistant(analytics.runtime.people, principal, assistant_id)
    return await _funnel(analytics, kinds, [assistant_id], request)


async def of_team(analytics: Analytics, principal: Principal, team_id: str, request: FunnelRequest) -> Funnel:
    """The team's current assistants, each counted on their own days."""
    kinds = _chain(analytics, request)
    members = sorted(m["_id"] for m in await readable_team(analytics.runtime.people, principal, team_id))
    return await _funnel(analytics, kinds, members, request)
