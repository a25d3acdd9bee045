"""The team dashboard: each member's progress against pace, and who is at risk."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

from pacer_goals.api.deps import GoalsDep
from pacer_goals.api.models import GoalFields, GoalOut, pace_now
from pacer_goals.service import queries
from pacer_goals.service.views import GoalView
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.mongo import Document

router = APIRouter(prefix="/v1/teams", tags=["teams"], responses=RESPONSES)


class MemberOut(BaseModel):
    person_id: str
    display_name: str
    goals: list[GoalOut]
    at_risk: bool
    checkin_overdue_since: datetime | None = Field(
        description="Due time of the oldest weekly check-in still unanswered after its gentle reminder (null: none)"
    )


class DashboardOut(BaseModel):
    team_id: str
    team_goals: list[GoalOut]
    members: list[MemberOut]


@router.get(
    "/{team_id}/dashboard",
    summary="Each member's open goals with progress, pace and at-risk, and who owes a weekly check-in",
    response_model=DashboardOut,
)
async def dashboard(team_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> Response:
    # Serialized straight from dictionaries shaped as DashboardOut documents them, instead of validating sixty
    # response models on every read (bench/PERFORMANCE.md).
    team_goals, rows = await queries.team_dashboard(goals, principal, team_id)
    now = goals.runtime.clock.now()

    def shown(views: list[GoalView]) -> list[Document]:
        return [{**_fields(view), **pace_now(view.goal, now), "smart": None} for view in views]

    members = []
    for row in rows:
        member_goals = shown(row.goals)
        members.append(
            {
                "person_id": row.person["_id"],
                "display_name": row.person["display_name"],
                "goals": member_goals,
                "at_risk": any(g["at_risk"] for g in member_goals),
                "checkin_overdue_since": row.checkin_overdue_since,
            }
        )
    answer = {"team_id": team_id, "team_goals": shown(team_goals), "members": members}
    return Response(to_json(answer), media_type="application/json")


def _fields(view: GoalView) -> Document:
    """The goal's fields that change only with it, through the same model as GET /v1/goals/{id}: once per version."""
    if view.shown is None:
        view.shown = GoalFields.model_validate(GoalFields.of_goal(view.goal)).model_dump(mode="json")
    return view.shown
