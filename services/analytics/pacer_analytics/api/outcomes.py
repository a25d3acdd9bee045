"""Goal outcomes of an assistant or a team per period: achieved, missed, at risk, and how attainment is spread."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import AssistantOutcomesOut, OutcomesOut
from pacer_analytics.service import outcomes
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["goal outcomes"], responses=RESPONSES)
First = Annotated[date, Query(alias="from", description="First day a goal's period may end on (owner's calendar)")]
Last = Annotated[date, Query(description="Last day, included")]


@router.get(
    "/assistants/{assistant_id}/outcomes",
    summary="An assistant's own goal outcomes for the periods ending in a range of days, and their attainment "
    "distribution (the assistant, their manager, hr)",
    response_model=AssistantOutcomesOut,
    response_model_by_alias=True,
    responses=responses(404, 422),
)
async def assistant_outcomes(
    assistant_id: str,
    from_: First,
    to: Last,
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
) -> AssistantOutcomesOut:
    found = await outcomes.of_assistant(analytics, principal, assistant_id, from_, to)
    await audit.record("goal_outcomes.read", f"assistant/{assistant_id}/goals")
    return AssistantOutcomesOut.of(assistant_id, from_, to, found)


@router.get(
    "/teams/{team_id}/outcomes",
    summary="A team's goal outcomes for the periods ending in a range of days, and their attainment distribution",
    response_model=OutcomesOut,
    response_model_by_alias=True,
    responses=responses(422),
)
async def team_outcomes(
    team_id: str,
    from_: First,
    to: Last,
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
) -> OutcomesOut:
    found, members = await outcomes.of_team(analytics, principal, team_id, from_, to)
    await audit.record("goal_outcomes.read", f"team/{team_id}/goals")
    return OutcomesOut.of(team_id, from_, to, found, members)
