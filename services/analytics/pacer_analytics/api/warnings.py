"""The early warnings (ActivityDropped) raised about a team's assistants, where their manager reads them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.service import warning_list
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["early warnings"], responses=RESPONSES)


class WarningOut(BaseModel):
    assistant_id: str
    kind: str
    week: str = Field(description="The ISO week it was raised in (once per assistant, kind and week)")
    sent_at: datetime
    checked_on: date = Field(description="The day checked, in the assistant's own calendar")
    recent_count: int = Field(description="The kind's count in the seven days before checked_on, as counted now")
    weekly_average: Decimal = Field(description="The usual week: the four weeks before those seven days, averaged")


class WarningsOut(BaseModel):
    team_id: str
    from_: date = Field(serialization_alias="from")
    to: date
    assistant_ids: list[str] = Field(description="Whose warnings are listed: the team's current assistants")
    warnings: list[WarningOut] = Field(description="Newest first")


@router.get(
    "/teams/{team_id}/warnings",
    summary="The ActivityDropped warnings raised about a team's assistants on days in a range, newest first",
    response_model=WarningsOut,
    response_model_by_alias=True,
    responses=responses(422),
)
async def team_warnings(
    team_id: str,
    from_: Annotated[date, Query(alias="from", description="First day checked, in each assistant's own calendar")],
    to: Annotated[date, Query(description="Last day, included")],
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
) -> WarningsOut:
    found, members = await warning_list.of_team(analytics, principal, team_id, from_, to)
    await audit.record("activity_warnings.read", f"team/{team_id}/activity")
    return WarningsOut(
        team_id=team_id,
        from_=from_,
        to=to,
        assistant_ids=members,
        warnings=[
            WarningOut(
                assistant_id=w.assistant_id,
                kind=w.kind,
                week=w.week,
                sent_at=w.sent_at,
                checked_on=w.checked_on,
                recent_count=w.recent_count,
                weekly_average=w.weekly_average,
            )
            for w in found
        ],
    )
