"""Period over period for an assistant or a team: this month against the month before, this quarter against the same
quarter a year earlier (the growth monthly and quarterly meetings discuss)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.api.models import KIND_PATTERN, PointOut
from pacer_analytics.domain.report import PERIOD_PATTERN, NoSuchPeriod, ReportPeriod
from pacer_analytics.service import growth
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import Unprocessable, responses

router = APIRouter(prefix="/v1/analytics", tags=["trends"], responses=RESPONSES)
Kind = Annotated[str, Query(min_length=1, max_length=64, pattern=KIND_PATTERN, description="Activity kind")]


def period_of(
    period: Annotated[
        str,
        Query(
            pattern=PERIOD_PATTERN,
            description="A month (2026-11: against the month before) or a quarter (2026-Q4: against 2025-Q4)",
            examples=["2026-Q4"],
        ),
    ],
) -> ReportPeriod:
    try:
        return ReportPeriod.parse(period)
    except NoSuchPeriod as refused:
        raise Unprocessable(
            f"query.period: {refused}",
            errors=[{"field": "query.period", "message": str(refused), "type": "value_error"}],
        ) from None


Period = Annotated[ReportPeriod, Depends(period_of)]


class PeriodChangeOut(BaseModel):
    kind: str
    period: str = Field(description="The period asked for: a month (2026-11) or a quarter (2026-Q4)")
    compared_with: str = Field(description="The month before, or the same quarter a year earlier")
    current: PointOut = Field(description="The period asked for (so far, if it has not ended)")
    previous: PointOut = Field(description="The period it is compared with, whole")
    count_change: int
    count_change_ratio: Decimal | None = Field(description="Change of the count over the previous; null from zero")
    quantity_change: Decimal
    assistant_ids: list[str]

    @classmethod
    def of(cls, kind: str, found: growth.Growth) -> PeriodChangeOut:
        change = found.change
        return cls(
            kind=kind,
            period=found.period.name,
            compared_with=found.period.compared_with.name,
            current=PointOut.of(change.current),
            previous=PointOut.of(change.previous),
            count_change=change.count_change,
            count_change_ratio=change.count_change_ratio,
            quantity_change=change.quantity_change,
            assistant_ids=found.assistant_ids,
        )


@router.get(
    "/assistants/{assistant_id}/period-change",
    summary="One assistant's activity of a kind in a month against the month before, or in a quarter against the "
    "same quarter a year earlier",
    response_model=PeriodChangeOut,
    responses=responses(404, 422),
)
async def assistant_period_change(
    assistant_id: str, kind: Kind, period: Period, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> PeriodChangeOut:
    found = await growth.over_period(analytics, principal, kind, period, assistant_id=assistant_id)
    if assistant_id != principal.subject:
        await audit.record("activity_change.read", f"person/{assistant_id}/activity")
    return PeriodChangeOut.of(kind, found)


@router.get(
    "/teams/{team_id}/period-change",
    summary="A team's activity of a kind in a month against the month before, or in a quarter against the same "
    "quarter a year earlier",
    response_model=PeriodChangeOut,
    responses=responses(422),
)
async def team_period_change(
    team_id: str, kind: Kind, period: Period, analytics: AnalyticsDep, principal: CurrentPrincipal, audit: AuditDep
) -> PeriodChangeOut:
    found = await growth.over_period(analytics, principal, kind, period, team_id=team_id)
    await audit.record("activity_change.read", f"team/{team_id}/activity")
    return PeriodChangeOut.of(kind, found)
