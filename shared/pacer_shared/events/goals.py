"""Events published by the goals service on `goals.events`, keyed by the goal's owner."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.base import EventData, Record, SealedText, Sealing, upcaster


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


def _owners(texts: tuple[str, ...]) -> Sealing:
    """Texts sealed for the assistant whose goal it is, bound to the goal; a team's goal carries them in clear."""
    return Sealing(texts=texts, people=("owner_id",), bound_to="goal_id", unless=("owner_kind", OwnerKind.TEAM.value))


class GoalEvent(EventData):
    """Common fields: which goal, whose, and for which period.

    From version 2 the goal's title, and the reasons people give for a change, travel sealed for the assistant
    the goal belongs to (`pacer_shared.shredding`), bound to the goal; a team's goal carries them in clear (it
    names no one person). Version 1 carried them in clear."""

    version = 2
    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"
    sealing = _owners(("title",))

    goal_id: str
    owner_id: str = Field(description="Assistant id, or team id for a team goal")
    owner_kind: OwnerKind = OwnerKind.ASSISTANT
    team_id: str | None = None
    title: str | None = Field(default=None, description="In clear: a team's goal, or an event of version 1")
    sealed_title: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to goal_id")
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
    sealing = _owners(("title", "reason"))
    adjusted_by: str
    reason: str | None = Field(default=None, description="In clear: a team's goal, or an event of version 1")
    sealed_reason: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to goal_id")
    old_target: Decimal
    new_target: Decimal
    old_period_end: AwareDatetime | None = None
    approved_by: str | None = None


class GoalCancelled(GoalEvent):
    event_type = "GoalCancelled"
    sealing = GoalAdjusted.sealing
    cancelled_by: str
    reason: str | None = Field(default=None, description="In clear: a team's goal, or an event of version 1")
    sealed_reason: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to goal_id")


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
    """An assistant answered a weekly check-in: for the manager and the next 1:1 agenda.

    From version 2 what the assistant wrote (the notes, with their goals' titles, the obstacles and the help asked
    for) travels sealed for them, bound to the check-in; version 1 carried it in clear."""

    version = 2
    event_type = "GoalCheckInRecorded"
    topic = topics.GOALS_EVENTS
    subject_field = "owner_id"
    sealing = Sealing(
        texts=("obstacles", "help_needed"), structured=("goals",), people=("owner_id",), bound_to="checkin_id"
    )

    checkin_id: str
    owner_id: str
    team_id: str | None = None
    week_start: AwareDatetime
    due_at: AwareDatetime
    recorded_at: AwareDatetime
    late: bool = Field(default=False, description="Answered after the gentle reminder went out")
    goals: list[GoalNote] | None = Field(
        default=None, description="Progress notes, one per goal. In clear: in events of version 1 only"
    )
    sealed_goals: SealedText | None = Field(default=None, description="The notes as JSON, sealed for owner_id")
    obstacles: str | None = Field(default=None, description="In clear: in events of version 1 only")
    sealed_obstacles: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to checkin_id")
    help_needed: str | None = Field(default=None, description="In clear: in events of version 1 only")
    sealed_help_needed: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to checkin_id")
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
    sealing = _owners(("title", "cause", "action_plan"))
    analyzed_by: str
    cause: str | None = Field(default=None, description="In clear: a team's goal, or an event of version 1")
    sealed_cause: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to goal_id")
    action_plan: str | None = Field(default=None, description="In clear: a team's goal, or an event of version 1")
    sealed_action_plan: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to goal_id")


# Version 1 is read as written: the texts in clear, nothing sealed.
for _event in (GoalSet, GoalProgressed, GoalAtRisk, GoalAchieved, GoalMissed, GoalAdjusted, GoalCancelled):
    upcaster(_event, from_version=1)(dict)
upcaster(GoalMissAnalyzed, from_version=1)(dict)
upcaster(GoalCheckInRecorded, from_version=1)(dict)
