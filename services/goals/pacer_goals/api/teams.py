"""The team dashboard: each member's progress against pace, and who is at risk."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from pacer_goals.api.deps import GoalsDep
from pacer_goals.api.models import GoalOut
from pacer_goals.service import queries
from pacer_shared.auth import RESPONSES, CurrentPrincipal

router = APIRouter(prefix="/v1/teams", tags=["teams"], responses=RESPONSES)


class MemberOut(BaseModel):
    person_id: str
    display_name: str
    goals: list[GoalOut]
    at_risk: bool


class DashboardOut(BaseModel):
    team_id: str
    team_goals: list[GoalOut]
    members: list[MemberOut]


@router.get("/{team_id}/dashboard", summary="Each member's open goals with progress, pace and at-risk")
async def dashboard(team_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> DashboardOut:
    team_goals, rows = await queries.team_dashboard(goals, principal, team_id)
    now = goals.runtime.clock.now()
    members = []
    for row in rows:
        shown = [GoalOut.of(g, now) for g in row.goals]
        members.append(
            MemberOut(
                person_id=row.person["_id"],
                display_name=row.person["display_name"],
                goals=shown,
                at_risk=any(g.at_risk for g in shown),
            )
        )
    return DashboardOut(team_id=team_id, team_goals=[GoalOut.of(g, now) for g in team_goals], members=members)
