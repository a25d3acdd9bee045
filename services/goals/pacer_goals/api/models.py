"""Request and response bodies of the goals API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from pacer_goals.domain.goal import Goal, GoalStatus
from pacer_goals.domain.growth import Baseline, GrowthTarget, ResolvedGrowth
from pacer_goals.domain.pace import PaceProfile, ratio_of
from pacer_goals.domain.smart import SmartReport
from pacer_goals.service.commands import GoalDraft, report_json
from pacer_shared.events.goals import GoalMetric, OwnerKind, Recurrence
from pacer_shared.events.people import validate_timezone

YEARS = (1970, 2200)
T = TypeVar("T", datetime, date)


def within_years(value: T) -> T:
    """Dates far from now would overflow the calendar arithmetic of periods (a recurrence, an inclusive end)."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"must be between the years {YEARS[0]} and {YEARS[1]}")
    return value


Moment = Annotated[datetime | date, AfterValidator(within_years)]


class RelativeTargetIn(BaseModel):
    """+N% (or −N%) over the same metric's actual in a baseline period, resolved when the goal is activated."""

    model_config = ConfigDict(extra="forbid")

    change_percent: Decimal = Field(
        gt=-100, le=1000, max_digits=7, decimal_places=2, description="10 for +10%, -5 for -5%"
    )
    baseline: Baseline = Field(
        description="previous_period: the period just before; same_period_last_year: the same dates a year before"
    )


class GoalIn(BaseModel):
    """A goal to set. Dates and times without an offset are in the owner's time zone; an end date is inclusive.
    Give either `target` or `relative_target`."""

    model_config = ConfigDict(extra="forbid")

    owner_id: str = Field(min_length=1, max_length=128)
    owner_kind: OwnerKind = OwnerKind.ASSISTANT
    title: str = Field(min_length=1, max_length=200)
    metric: GoalMetric
    target: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=4)
    relative_target: RelativeTargetIn | None = Field(
        default=None, description="A growth target instead of `target`; refused when the baseline period has no actual"
    )
    unit: str = Field(min_length=1, max_length=40)
    start: Moment
    end: Moment | None = Field(default=None, description="Omit for a recurring goal: one whole period")
    recurrence: Recurrence = Recurrence.NONE
    pace_profile: PaceProfile = PaceProfile.LINEAR
    parent_goal_id: str | None = None
    timezone: str | None = Field(
        default=None,
        description="IANA zone; defaults to the owner's from the roster (a team's: the one most of its people are in)",
    )
    activate: bool = Field(
        default=True,
        description="False keeps the goal as a draft. A goal its owner sets for themselves stays a draft until "
        "their manager (or hr) activates it",
    )

    _timezone = field_validator("timezone")(lambda value: value if value is None else validate_timezone(value))

    @model_validator(mode="after")
    def _one_target(self) -> GoalIn:
        if (self.target is None) == (self.relative_target is None):
            raise ValueError("give either a target or a relative_target")
        return self

    def draft(self) -> GoalDraft:
        relative = self.relative_target
        growth = GrowthTarget(relative.change_percent, relative.baseline) if relative else None
        return GoalDraft(**self.model_dump(exclude={"metric", "relative_target"}), metric=self.metric, growth=growth)


class GrowthOut(BaseModel):
    """What a relative target was resolved from."""

    change_percent: Decimal
    baseline: Baseline
    baseline_start: datetime
    baseline_end: datetime
    baseline_actual: Decimal = Field(description="The same metric's actual in the baseline period")
    resolved_target: Decimal

    @classmethod
    def of(cls, growth: ResolvedGrowth | None) -> GrowthOut | None:
        if growth is None:
            return None
        return cls(
            change_percent=growth.change_percent,
            baseline=growth.baseline,
            baseline_start=growth.baseline_period.start,
            baseline_end=growth.baseline_period.end,
            baseline_actual=growth.baseline_actual,
            resolved_target=growth.target,
        )


class Verdict(BaseModel):
    passed: bool
    warning: bool
    reason: str


class SmartOut(BaseModel):
    passed: bool
    specific: Verdict
    measurable: Verdict
    achievable: Verdict
    relevant: Verdict
    time_bound: Verdict
    growth: GrowthOut | None = Field(
        default=None, description="For a relative target: the resolved number and the baseline it came from"
    )

    @classmethod
    def of(cls, report: SmartReport) -> SmartOut:
        letters = {k: Verdict(**v) for k, v in report_json(report).items()}
        return cls(passed=report.passed, growth=GrowthOut.of(report.growth), **letters)


class AdjustmentOut(BaseModel):
    adjustment_id: str
    requested_by: str
    requested_at: datetime
    reason: str
    new_target: Decimal | None
    new_period_end: datetime | None
    status: str
    decided_by: str | None
    decided_at: datetime | None


class GoalFields(BaseModel):
    """What GoalOut shows that changes only when the goal does."""

    goal_id: str
    owner_id: str
    owner_kind: OwnerKind
    team_id: str | None
    title: str
    metric: GoalMetric
    target: Decimal
    unit: str
    timezone: str
    period_start: datetime
    period_end: datetime
    recurrence: Recurrence
    pace_profile: PaceProfile
    parent_goal_id: str | None
    status: GoalStatus
    actual: Decimal
    shortfall: Decimal
    activity_count: int
    achieved_at: datetime | None
    closed_at: datetime | None
    adjustments: list[AdjustmentOut]
    miss_analysis: dict[str, Any] | None
    needs_miss_analysis: bool
    growth: GrowthOut | None = Field(default=None, description="For a relative target: what it was resolved from")

    @staticmethod
    def of_goal(goal: Goal) -> dict[str, Any]:
        return {
            "goal_id": goal.goal_id,
            "owner_id": goal.owner_id,
            "owner_kind": goal.owner_kind,
            "team_id": goal.team_id,
            "title": goal.title,
            "metric": goal.metric,
            "target": goal.target,
            "unit": goal.unit,
            "timezone": goal.timezone,
            "period_start": goal.period.start,
            "period_end": goal.period.end,
            "recurrence": goal.recurrence,
            "pace_profile": goal.pace_profile,
            "parent_goal_id": goal.parent_goal_id,
            "status": goal.status,
            "actual": goal.actual,
            "shortfall": goal.shortfall,
            "activity_count": goal.activity_count,
            "achieved_at": goal.achieved_at,
            "closed_at": goal.closed_at,
            "adjustments": [AdjustmentOut(**vars(a)) for a in goal.adjustments],
            "miss_analysis": vars(goal.miss_analysis) if goal.miss_analysis else None,
            "needs_miss_analysis": goal.status is GoalStatus.MISSED and goal.miss_analysis is None,
            "growth": GrowthOut.of(goal.growth),
        }


class GoalOut(GoalFields):
    expected_by_now: Decimal
    pace_ratio: Decimal | None
    at_risk: bool
    at_risk_level: Decimal | None = Field(
        description="While at risk: the fraction of pace it was warned below (GoalAtRisk), the reason it is at risk"
    )
    smart: SmartOut | None = None

    @classmethod
    def of(cls, goal: Goal, now: datetime, smart: SmartReport | None = None) -> GoalOut:
        return cls(**GoalFields.of_goal(goal), **pace_now(goal, now), smart=SmartOut.of(smart) if smart else None)


def pace_now(goal: Goal, now: datetime) -> dict[str, Any]:
    """What GoalOut shows that moves with the clock."""
    expected = goal.expected_by(min(now, goal.closed_at or now))
    at_risk = goal.at_risk_now(now)
    return {
        "expected_by_now": expected,
        "pace_ratio": ratio_of(goal.actual, expected),
        "at_risk": at_risk,
        "at_risk_level": max(goal.at_risk_raised) if at_risk else None,
    }


class GoalPage(BaseModel):
    items: list[GoalOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=1000)
    new_target: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=4)
    new_period_end: Moment | None = None


class DecisionIn(BaseModel):
    approve: bool


class ReasonIn(BaseModel):
    reason: str = Field(min_length=3, max_length=1000)


class MissAnalysisIn(BaseModel):
    cause: str = Field(min_length=3, max_length=4000)
    action_plan: str = Field(min_length=3, max_length=4000)


class ProgressPoint(BaseModel):
    at: datetime
    value: Decimal


class ProgressOut(BaseModel):
    goal_id: str
    target: Decimal
    unit: str
    period_start: datetime
    period_end: datetime
    actual: list[ProgressPoint] = Field(
        description="Cumulative progress after each counting activity, from 0 at the period's start to now"
    )
    pace: list[ProgressPoint] = Field(description="What the goal's pace profile expects by each moment of the period")


class HistoryOut(BaseModel):
    at: datetime
    kind: str
    by: str | None
    details: dict[str, Any]
