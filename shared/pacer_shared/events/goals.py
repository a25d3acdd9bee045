"""Events published by the goals service on `goals.events`, keyed by the goal's owner."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.base import EventData, Record


class MetricAggregation(StrEnum):
    COUNT = "count"
    SUM_QUANTITY = "sum_quantity"
    SUM_AMOUNT = "sum_amount"


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class OwnerKind(StrEnum):
    ASSISTANT = "assistant"
    TEAM = "team"


class GoalMetric(Record):
    kinds: list[str] = Field(min_length=1, description="SalesActivityRecorded.kind values that count")
    aggregation: MetricAggregation
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


class GoalEvent(EventData):
    """Common fields: which goal, whose, and for which period."""

    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"

    goal_id: str
    owner_id: str = Field(description="Assistant id, or team id for a team goal")
    owner_kind: OwnerKind = OwnerKind.ASSISTANT
    team_id: str | None = None
    title: str = ""
    period_start: AwareDatetime
    period_end: AwareDatetime


class GoalSet(GoalEvent):
    event_type = "GoalSet"
    metric: GoalMetric
    target: Decimal = Field(gt=0)
    unit: str
    recurrence: Recurrence = Recurrence.NONE
    parent_goal_id: str | None = None
    set_by: str


class GoalProgressed(GoalEvent):
    """Progress changed; coalesced, so one event may cover many activities."""

    event_type = "GoalProgressed"
    target: Decimal
    actual: Decimal
    expected_by_now: Decimal
    activity_count: int = 0
    late_correction: bool = Field(
        default=False, description="The period had closed: the outcome stands, the progress was corrected"
    )


class GoalAtRisk(GoalEvent):
    event_type = "GoalAtRisk"
    target: Decimal
    actual: Decimal
    expected_by_now: Decimal
    pace_ratio: Decimal = Field(description="actual / expected_by_now")
    level: Decimal = Field(description="The pace fraction crossed, e.g. 0.8")


class GoalAchieved(GoalEvent):
    event_type = "GoalAchieved"
    target: Decimal
    actual: Decimal
    achieved_at: AwareDatetime
    attainment: Decimal = Field(description="actual / target")


class GoalMissed(GoalEvent):
    event_type = "GoalMissed"
    target: Decimal
    actual: Decimal
    shortfall: Decimal
    attainment: Decimal
    unit: str = ""


class GoalAdjusted(GoalEvent):
    event_type = "GoalAdjusted"
    adjusted_by: str
    reason: str
    old_target: Decimal
    new_target: Decimal
    old_period_end: AwareDatetime | None = None
    approved_by: str | None = None


class GoalCancelled(GoalEvent):
    event_type = "GoalCancelled"
    cancelled_by: str
    reason: str


class WeekSummary(Record):
    activity_counts: dict[str, int] = {}
    progress: Decimal
    target: Decimal
    expected_by_now: Decimal


class GoalCheckInDue(EventData):
    """Once a week per active goal owner, with the week pre-summarised for the check-in."""

    event_type = "GoalCheckInDue"
    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"

    owner_id: str
    week_start: AwareDatetime
    goals: dict[str, WeekSummary] = Field(default_factory=dict, description="by goal id")
    checkin_id: str | None = Field(
        default=None, description="The check-in to answer (POST /v1/checkins/{checkin_id}/answer)"
    )
    due_at: AwareDatetime | None = None


class GoalNote(Record):
    goal_id: str
    title: str = ""
    progress_note: str = ""


class GoalCheckInRecorded(EventData):
    """An assistant answered a weekly check-in: for the manager and the next 1:1 agenda."""

    event_type = "GoalCheckInRecorded"
    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"

    checkin_id: str
    owner_id: str
    team_id: str | None = None
    week_start: AwareDatetime
    due_at: AwareDatetime
    recorded_at: AwareDatetime
    late: bool = Field(default=False, description="Answered after the gentle reminder went out")
    goals: list[GoalNote] = Field(default_factory=list, description="Progress notes, one per goal")
    obstacles: str = ""
    help_needed: str = ""
    confidence: int = Field(ge=1, le=5, description="How sure the assistant is of reaching the goals, 1 to 5")


class GoalCheckInOverdue(EventData):
    """A weekly check-in still unanswered when its reminder time came: one gentle reminder, sent once."""

    event_type = "GoalCheckInOverdue"
    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"

    checkin_id: str
    owner_id: str
    week_start: AwareDatetime
    due_at: AwareDatetime


class GoalMissAnalyzed(GoalEvent):
    event_type = "GoalMissAnalyzed"
    analyzed_by: str
    cause: str
    action_plan: str
