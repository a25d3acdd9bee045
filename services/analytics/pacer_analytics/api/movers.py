"""Top movers of a team: who rose and who fell most in a month against the month before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import KIND_PATTERN, month_of
from pacer_analytics.domain.movers import Move
from pacer_analytics.service import movers
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["trends"], responses=RESPONSES)


class MoveOut(BaseModel):
    assistant_id: str
    previous: int = Field(description="Count in the month before")
    current: int = Field(description="Count in the month (so far, if it has not ended)")
    change: int
    change_ratio: Decimal | None = Field(description="change / previous; null from zero")

    @classmethod
    def of(cls, move: Move) -> MoveOut:
        return cls(
            assistant_id=move.assistant_id,
            previous=move.previous,
            current=move.current,
            change=move.change,
            change_ratio=move.ratio,
        )


class MoversOut(BaseModel):
    team_id: str
    kind: str
    month: date = Field(description="The month's first day")
    assistant_ids: list[str] = Field(description="Who was compared: the team's current assistants")
    risers: list[MoveOut] = Field(description="Largest rise first; ties by assistant id")
    fallers: list[MoveOut] = Field(description="Largest fall first; ties by assistant id")


@router.get(
    "/teams/{team_id}/movers",
    summary="A team's assistants whose activity of a kind rose or fell most in a month against the month before",
    response_model=MoversOut,
    responses=responses(422),
)
async def team_movers(
    team_id: str,
    kind: Annotated[str, Query(min_length=1, max_length=64, pattern=KIND_PATTERN, description="Activity kind")],
    month: Annotated[date, Depends(month_of)],
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    top: Annotated[int, Query(ge=1, le=50, description="How many risers and how many fallers")] = 3,
) -> MoversOut:
    risers, fallers, members = await movers.of_team(analytics, principal, team_id, kind, month, top)
    await audit.record("activity_movers.read", f"team/{team_id}/activity")
    return MoversOut(
        team_id=team_id,
        kind=kind,
        month=month,
        assistant_ids=members,
        risers=[MoveOut.of(m) for m in risers],
        fallers=[MoveOut.of(m) for m in fallers],
    )
