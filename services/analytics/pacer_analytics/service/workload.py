"""An assistant's workload, for themselves, their manager, hr and admins only: never listed or ranked for a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_workload
from pacer_analytics.domain.series import Granularity
from pacer_analytics.domain.workload import WorkloadPeriod, with_team_median, workload
from pacer_analytics.service.access import readable_assistant
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.series import within_limits
from pacer_shared.auth import Principal


@dataclass(frozen=True)
class Workload:
    team_id: str | None
    team_size: int
    """The team's current assistants the median is taken over."""
    median_shown: bool
    periods: list[WorkloadPeriod]


async def of_assistant(
    analytics: Analytics, principal: Principal, assistant_id: str, granularity: Granularity, first: date, last: date
) -> Workload:
    """The assistant's periods, each against the median of their team's assistants in the same period (themselves
    included), on each one's own calendar days. The median of fewer than WORKLOAD_MIN_TEAM assistants is withheld:
    with two, an assistant could work out their colleague's load from their own and the median."""
    within_limits(analytics, first, last)
    person = await readable_assistant(analytics.runtime.people, principal, assistant_id)
    hours = analytics.settings.hours()
    team_id = person.get("team_id")
    members = (
        [m["_id"] for m in await analytics.runtime.people.team(team_id) if m.get("role") == "assistant"]
        if team_id
        else []
    )
    shown = len(members) >= analytics.settings.workload_min_team
    view = await analytics.read(ask_workload(Ask(), {assistant_id, *(members if shown else [])}, first, last))

    def periods_of(who: str) -> list[WorkloadPeriod]:
        return workload(granularity, first, last, view.workload.of(who, first, last), hours)

    mine = periods_of(assistant_id)
    if shown:
        mine = with_team_median(mine, [periods_of(member) for member in sorted(members)])
    return Workload(team_id, len(members), shown, mine)
