"""An assistant's workload: activity outside working hours and load against the team's median, for the person and
their manager only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.domain.series import Granularity
from pacer_analytics.domain.workload import WorkloadPeriod
from pacer_analytics.service import workload
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["workload"], responses=RESPONSES)


class WorkloadPeriodOut(BaseModel):
    start: date = Field(description="The period's first day (a Monday for weeks, the 1st for months)")
    activities: int = Field(description="Activities of every kind")
    outside_hours: int = Field(description="Of those, on a day off or outside the working hours of a working day")
    on_days_off: int = Field(description="Of those outside hours, on a day that is not a working day")
    outside_share: Decimal | None = Field(description="outside_hours / activities; null without activity")
    team_median: Decimal | None = Field(
        description="Median activities of the team's assistants in the period; null when the team is too small"
    )
    load_ratio: Decimal | None = Field(description="activities / team_median; null when there is no median or it is 0")

    @classmethod
    def of(cls, period: WorkloadPeriod) -> WorkloadPeriodOut:
        return cls(
            start=period.start,
            activities=period.activities,
            outside_hours=period.outside_hours,
            on_days_off=period.on_days_off,
            outside_share=period.outside_share,
            team_median=period.team_median,
            load_ratio=period.load_ratio,
        )


class WorkloadOut(BaseModel):
    assistant_id: str
    team_id: str | None
    granularity: Granularity
    from_: date = Field(serialization_alias="from")
    to: date
    working_hours: str = Field(description="The organisation's working hours, in the assistant's own time zone")
    working_days: list[str]
    team_size: int = Field(description="The team's current assistants, the assistant included")
    team_median_shown: bool = Field(description="False when the team has too few assistants to show a median")
    periods: list[WorkloadPeriodOut] = Field(description="Every period touching the range, empty ones included")


@router.get(
    "/assistants/{assistant_id}/workload",
    summary="One assistant's activity outside working hours and load against their team's median, per period",
    description="For the assistant themselves, their manager, hr and admins: never a teammate, never another team's "
    "manager, and never listed or ranked for a whole team.",
    response_model=WorkloadOut,
    response_model_by_alias=True,
    responses=responses(404, 422),
)
async def assistant_workload(
    assistant_id: str,
    from_: Annotated[date, Query(alias="from", description="First day, in the assistant's own calendar")],
    to: Annotated[date, Query(description="Last day, included")],
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    granularity: Annotated[Granularity, Query(description="Days, ISO weeks (from Monday) or calendar months")] = (
        Granularity.WEEK
    ),
) -> WorkloadOut:
    found = await workload.of_assistant(analytics, principal, assistant_id, granularity, from_, to)
    if assistant_id != principal.subject:
        await audit.record("workload.read", f"person/{assistant_id}/workload")
    settings = analytics.settings
    return WorkloadOut(
        assistant_id=assistant_id,
        team_id=found.team_id,
        granularity=granularity,
        from_=from_,
        to=to,
        working_hours=settings.working_hours,
        working_days=[day.lower() for day in settings.working_days],
        team_size=found.team_size,
        team_median_shown=found.median_shown,
        periods=[WorkloadPeriodOut.of(period) for period in found.periods],
    )
