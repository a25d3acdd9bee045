"""Request and response models of the analytics API."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from fastapi import Path, Query
from pydantic import BaseModel, Field, StringConstraints

from pacer_analytics.domain.funnel import Step
from pacer_analytics.domain.outcome import Outcomes
from pacer_analytics.domain.report import PERIOD_PATTERN, NoSuchPeriod, ReportPeriod
from pacer_analytics.domain.series import Granularity, MonthOverMonth, PeriodTotals
from pacer_analytics.service.funnel import Funnel, FunnelRequest
from pacer_analytics.service.series import AssistantSeries, Series, SeriesRequest
from pacer_shared.problems import Unprocessable

KIND_PATTERN = r"^[a-z][a-z0-9_.-]*$"
MAX_KIND = 64


def series_request(
    kind: Annotated[str, Query(min_length=1, max_length=64, pattern=KIND_PATTERN, description="Activity kind")],
    from_: Annotated[date, Query(alias="from", description="First day, in each assistant's own calendar")],
    to: Annotated[date, Query(description="Last day, included")],
    granularity: Annotated[Granularity, Query(description="Days, ISO weeks (from Monday) or calendar months")] = (
        Granularity.DAY
    ),
) -> SeriesRequest:
    return SeriesRequest(kind, granularity, from_, to)


class PointOut(BaseModel):
    start: date = Field(description="The period's first day (a Monday for weeks, the 1st for months)")
    count: int = Field(description="Activities")
    quantity: Decimal = Field(description="Their quantities added up")
    amounts: dict[str, Decimal] = Field(description="Money per ISO 4217 currency; currencies are never added together")

    @classmethod
    def of(cls, period: PeriodTotals) -> PointOut:
        return cls(start=period.start, count=period.count, quantity=period.quantity, amounts=period.amounts)


class SeriesOut(BaseModel):
    kind: str
    granularity: Granularity
    from_: date = Field(serialization_alias="from")
    to: date
    assistant_ids: list[str] = Field(description="Whose activity is added up: one assistant, or the team's")
    points: list[PointOut] = Field(description="Every period touching the range, empty ones included")

    @classmethod
    def of(cls, request: SeriesRequest, found: Series, **whose: str) -> Self:
        """The one construction of both series answers; `whose` names the assistant or the team."""
        return cls(
            kind=request.kind,
            granularity=request.granularity,
            from_=request.first,
            to=request.last,
            assistant_ids=found.assistant_ids,
            points=[PointOut.of(period) for period in found.periods],
            **whose,
        )


class AssistantSeriesOut(SeriesOut):
    assistant_id: str


class TeamSeriesOut(SeriesOut):
    team_id: str


MAX_KINDS = 10


def kinds_request(
    kind: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=MAX_KIND, pattern=KIND_PATTERN)]],
        Query(min_length=1, max_length=MAX_KINDS, description="Activity kinds, the parameter repeated for each"),
    ],
    from_: Annotated[date, Query(alias="from", description="First day, in each assistant's own calendar")],
    to: Annotated[date, Query(description="Last day, included")],
    granularity: Annotated[Granularity, Query(description="Days, ISO weeks (from Monday) or calendar months")] = (
        Granularity.DAY
    ),
) -> tuple[list[str], SeriesRequest]:
    kinds = list(dict.fromkeys(kind))  # a kind asked twice is answered once
    return kinds, SeriesRequest(kinds[0], granularity, from_, to)


class OneAssistantSeriesOut(BaseModel):
    assistant_id: str
    kind: str
    points: list[PointOut] = Field(description="Every period touching the range, empty ones included")

    @classmethod
    def of(cls, found: AssistantSeries) -> OneAssistantSeriesOut:
        return cls(
            assistant_id=found.assistant_id, kind=found.kind, points=[PointOut.of(period) for period in found.periods]
        )


class TeamSeriesByAssistantOut(BaseModel):
    team_id: str
    kinds: list[str]
    granularity: Granularity
    from_: date = Field(serialization_alias="from")
    to: date
    series: list[OneAssistantSeriesOut] = Field(
        description="One per assistant of the team and kind asked for, by assistant, then in the order the kinds came"
    )


def month_of(
    month: Annotated[
        str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="The month to compare with the one before, YYYY-MM")
    ],
) -> date:
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError:  # year 0000 matches the pattern and is no year of the calendar
        raise Unprocessable(
            f"query.month: {month!r} is not a month of the calendar",
            errors=[{"field": "query.month", "message": "not a month of the calendar", "type": "value_error"}],
        ) from None


class ChangeOut(BaseModel):
    kind: str
    month: PointOut = Field(description="The month asked for (so far, if it has not ended)")
    previous: PointOut = Field(description="The month before it, whole")
    count_change: int
    count_change_ratio: Decimal | None = Field(description="Change of the count over the month before; null from zero")
    quantity_change: Decimal
    assistant_ids: list[str]

    @classmethod
    def of(cls, kind: str, change: MonthOverMonth, assistant_ids: list[str]) -> ChangeOut:
        return cls(
            kind=kind,
            month=PointOut.of(change.current),
            previous=PointOut.of(change.previous),
            count_change=change.count_change,
            count_change_ratio=change.count_change_ratio,
            quantity_change=change.quantity_change,
            assistant_ids=assistant_ids,
        )


class ReportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def report_period(
    period: Annotated[
        str, Path(pattern=PERIOD_PATTERN, description="A month (2026-11) or a quarter (2026-Q4)", examples=["2026-11"])
    ],
) -> ReportPeriod:
    try:
        return ReportPeriod.parse(period)
    except NoSuchPeriod as refused:
        raise Unprocessable(
            f"path.period: {refused}",
            errors=[{"field": "path.period", "message": str(refused), "type": "value_error"}],
        ) from None


def funnel_request(
    from_: Annotated[date, Query(alias="from", description="First day, in each assistant's own calendar")],
    to: Annotated[date, Query(description="Last day, included")],
    kinds: Annotated[
        list[str] | None,
        Query(description="The chain of kinds, top first (repeat the parameter); the service's FUNNEL_KINDS if none"),
    ] = None,
) -> FunnelRequest:
    for kind in kinds or []:
        if not re.fullmatch(KIND_PATTERN, kind) or len(kind) > MAX_KIND:
            raise Unprocessable(
                f"query.kinds: {kind!r} is not an activity kind",
                errors=[{"field": "query.kinds", "message": "not an activity kind", "type": "string_pattern_mismatch"}],
            )
    return FunnelRequest(kinds, from_, to)


class StepOut(BaseModel):
    kind: str
    count: int = Field(description="Activities of the kind in the period")
    conversion: Decimal | None = Field(description="count / the step before's count; null first, or from zero")
    from_first: Decimal | None = Field(description="count / the first step's count; null when that is zero")

    @classmethod
    def of(cls, step: Step) -> StepOut:
        return cls(kind=step.kind, count=step.count, conversion=step.conversion, from_first=step.from_first)


class FunnelOut(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    kinds: list[str] = Field(description="The chain, top first")
    assistant_ids: list[str] = Field(description="Whose activity is counted: one assistant, or the team's")
    steps: list[StepOut]

    @classmethod
    def of(cls, request: FunnelRequest, found: Funnel, **whose: str) -> Self:
        return cls(
            from_=request.first,
            to=request.last,
            kinds=found.kinds,
            assistant_ids=found.assistant_ids,
            steps=[StepOut.of(step) for step in found.steps],
            **whose,
        )


class AssistantFunnelOut(FunnelOut):
    assistant_id: str


class TeamFunnelOut(FunnelOut):
    team_id: str


class BucketOut(BaseModel):
    lower: Decimal | None = Field(description="Attainment from (included); null: from nothing")
    upper: Decimal | None = Field(description="Attainment up to (excluded); null: without end")
    goals: int


class _OutcomeCounts(BaseModel):
    from_: date = Field(serialization_alias="from")
    to: date
    goals: int = Field(description="Goals whose period's last day, in their owner's calendar, is in the range")
    achieved: int
    missed: int
    in_progress: int = Field(description="Neither achieved nor missed yet")
    at_risk: int = Field(description="Of those in progress, how many goals has announced at risk")
    cancelled: int
    distribution: list[BucketOut] = Field(description="Attainment (actual / target) of all but cancelled goals")

    @staticmethod
    def counts(first: date, last: date, found: Outcomes) -> dict[str, Any]:
        return {
            "from_": first,
            "to": last,
            "goals": found.goals,
            "achieved": found.achieved,
            "missed": found.missed,
            "in_progress": found.in_progress,
            "at_risk": found.at_risk,
            "cancelled": found.cancelled,
            "distribution": [BucketOut(lower=b.lower, upper=b.upper, goals=b.goals) for b in found.distribution],
        }


class OutcomesOut(_OutcomeCounts):
    team_id: str
    assistant_ids: list[str] = Field(description="Whose goals are counted: the team's current assistants")

    @classmethod
    def of(cls, team_id: str, first: date, last: date, found: Outcomes, members: list[str]) -> OutcomesOut:
        return cls(team_id=team_id, assistant_ids=members, **cls.counts(first, last, found))


class AssistantOutcomesOut(_OutcomeCounts):
    assistant_id: str

    @classmethod
    def of(cls, assistant_id: str, first: date, last: date, found: Outcomes) -> AssistantOutcomesOut:
        return cls(assistant_id=assistant_id, **cls.counts(first, last, found))
