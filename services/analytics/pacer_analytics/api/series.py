"""Activity trends of an assistant or a team, per day, week or month."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import (
    KIND_PATTERN,
    AssistantSeriesOut,
    ChangeOut,
    OneAssistantSeriesOut,
    TeamSeriesByAssistantOut,
    TeamSeriesOut,
    kinds_request,
    month_of,
    series_request,
)
from pacer_analytics.service import series
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["trends"], responses=RESPONSES)
Request = Annotated[series.SeriesRequest, Depends(series_request)]
KindsRequest = Annotated[tuple[list[str], series.SeriesRequest], Depends(kinds_request)]
Kind = Annotated[str, Query(min_length=1, max_length=64, pattern=KIND_PATTERN, description="Activity kind")]
Month = Annotated[date, Depends(month_of)]


@router.get(
    "/assistants/{assistant_id}/series",
    summary="One assistant's activity of a kind per day, week or month, in their own time zone",
    response_model=AssistantSeriesOut,
    response_model_by_alias=True,
    responses=responses(404, 422),
)
async def assistant_series(
    assistant_id: str, request: Request, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> AssistantSeriesOut:
    found = await series.of_assistant(analytics, principal, assistant_id, request)
    if assistant_id != principal.subject:  # how someone works is theirs: who else looked is recorded
        await audit.record("activity_series.read", f"person/{assistant_id}/activity")
    return AssistantSeriesOut.of(request, found, assistant_id=assistant_id)


@router.get(
    "/teams/{team_id}/series",
    summary="A team's activity of a kind per day, week or month: its assistants' own days added up",
    response_model=TeamSeriesOut,
    response_model_by_alias=True,
    responses=responses(422),
)
async def team_series(
    team_id: str, request: Request, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> TeamSeriesOut:
    found = await series.of_team(analytics, principal, team_id, request)
    await audit.record("activity_series.read", f"team/{team_id}/activity")
    return TeamSeriesOut.of(request, found, team_id=team_id)


@router.get(
    "/teams/{team_id}/series/by-assistant",
    summary="Each assistant of a team's own activity of some kinds per day, week or month, in one answer",
    response_model=TeamSeriesByAssistantOut,
    response_model_by_alias=True,
    responses=responses(422),
)
async def team_series_by_assistant(
    team_id: str, asked: KindsRequest, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> TeamSeriesByAssistantOut:
    kinds, request = asked
    found = await series.by_assistant(analytics, principal, team_id, kinds, request)
    # Everyone's own numbers are in it: one record of the read, naming the team and that it was per person.
    await audit.record("activity_series.read", f"team/{team_id}/activity/by-assistant")
    return TeamSeriesByAssistantOut(
        team_id=team_id,
        kinds=kinds,
        granularity=request.granularity,
        from_=request.first,
        to=request.last,
        series=[OneAssistantSeriesOut.of(one) for one in found],
    )


@router.get(
    "/assistants/{assistant_id}/change",
    summary="One assistant's activity of a kind in a month against the month before",
    response_model=ChangeOut,
    responses=responses(404, 422),
)
async def assistant_change(
    assistant_id: str, kind: Kind, month: Month, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> ChangeOut:
    change, members = await series.month_over_month(analytics, principal, kind, month, assistant_id=assistant_id)
    if assistant_id != principal.subject:
        await audit.record("activity_change.read", f"person/{assistant_id}/activity")
    return ChangeOut.of(kind, change, members)


@router.get(
    "/teams/{team_id}/change",
    summary="A team's activity of a kind in a month against the month before",
    response_model=ChangeOut,
    responses=responses(422),
)
async def team_change(
    team_id: str, kind: Kind, month: Month, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> ChangeOut:
    change, members = await series.month_over_month(analytics, principal, kind, month, team_id=team_id)
    await audit.record("activity_change.read", f"team/{team_id}/activity")
    return ChangeOut.of(kind, change, members)
