"""Conversion funnels of an assistant or a team along a chain of activity kinds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import AssistantFunnelOut, TeamFunnelOut, funnel_request
from pacer_analytics.service import funnel
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["funnels"], responses=RESPONSES)
Request = Annotated[funnel.FunnelRequest, Depends(funnel_request)]


@router.get(
    "/assistants/{assistant_id}/funnel",
    summary="One assistant's count of each kind of the chain in a period, and each step's conversion",
    response_model=AssistantFunnelOut,
    response_model_by_alias=True,
    responses=responses(404, 422),
)
async def assistant_funnel(
    assistant_id: str, request: Request, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> AssistantFunnelOut:
    found = await funnel.of_assistant(analytics, principal, assistant_id, request)
    if assistant_id != principal.subject:
        await audit.record("activity_funnel.read", f"person/{assistant_id}/activity")
    return AssistantFunnelOut.of(request, found, assistant_id=assistant_id)


@router.get(
    "/teams/{team_id}/funnel",
    summary="A team's funnel: its assistants' counts of each kind of the chain added up",
    response_model=TeamFunnelOut,
    response_model_by_alias=True,
    responses=responses(422),
)
async def team_funnel(
    team_id: str, request: Request, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> TeamFunnelOut:
    found = await funnel.of_team(analytics, principal, team_id, request)
    await audit.record("activity_funnel.read", f"team/{team_id}/activity")
    return TeamFunnelOut.of(request, found, team_id=team_id)
