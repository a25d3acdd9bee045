"""Goal outcomes of an assistant, or of a team's assistants, whose goal periods ended (or end) within a range of
days."""

from __future__ import annotations

from datetime import date

from pacer_analytics.adapters.org_tables import Ask
from pacer_analytics.adapters.view import ask_people
from pacer_analytics.domain.outcome import GoalState, Outcomes, outcomes
from pacer_analytics.service.access import readable_assistant, readable_team
from pacer_analytics.service.context import Analytics
from pacer_analytics.service.series import within_limits
from pacer_shared.auth import Principal


async def of_team(
    analytics: Analytics, principal: Principal, team_id: str, first: date, last: date
) -> tuple[Outcomes, list[str]]:
    """The team's current assistants' goals whose period's last day (their own calendar) is in [first, last]."""
    within_limits(analytics, first, last)
    members = sorted(m["_id"] for m in await readable_team(analytics.runtime.people, principal, team_id))
    return await _outcomes(analytics, members, first, last), members


async def of_assistant(
    analytics: Analytics, principal: Principal, assistant_id: str, first: date, last: date
) -> Outcomes:
    """The assistant's own goals whose period's last day (their own calendar) is in [first, last]."""
    within_limits(analytics, first, last)
    await readable_assistant(analytics.runtime.people, principal, assistant_id)
    return await _outcomes(analytics, [assistant_id], first, last)


async def _outcomes(analytics: Analytics, owners: list[str], first: date, last: date) -> Outcomes:
    view = await analytics.read(ask_people(Ask(), "goals", owners))
    states = [
        state
        for owner in owners
        for raw in (view.goals.get(owner) or {}).values()
        if first <= (state := GoalState.from_json(raw)).last_day <= last
    ]
    return outcomes(states, analytics.settings.attainment_buckets)
