"""The 1:1 agenda of a weekly check-in: the week as talking points a manager can read, problems first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from pacer_reviews.domain.anonymous import AnonymousAggregate, themes_text
from pacer_shared.talking_points import TalkingPoint, point, render


class GoalStatus(StrEnum):
    """Declared in the order a check-in discusses them."""

    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_PROGRESS = "no_progress"
    ON_TRACK = "on_track"
    ACHIEVED = "achieved"


@dataclass(frozen=True)
class GoalFacts:
    """What the goals service last said about one goal."""

    goal_id: str
    title: str
    unit: str
    target: Decimal | None
    actual: Decimal | None
    expected_by_now: Decimal | None
    outcome: str | None
    warned_below: Decimal | None
    """The pace fraction whose crossing raised the latest GoalAtRisk, if any."""


@dataclass(frozen=True)
class TrainingFacts:
    assignment_id: str
    course_id: str
    title: str
    due_at: datetime


@dataclass(frozen=True)
class FeedbackFacts:
    kind: str
    tags: Sequence[str]


@dataclass(frozen=True)
class CheckInFacts:
    """What the assistant answered in the week's check-in (GoalCheckInRecorded)."""

    confidence: int
    obstacles: str
    help_needed: str
    notes: Sequence[tuple[str, str]]
    """(goal title, progress note) for each goal the check-in asked about."""
    late: bool


@dataclass(frozen=True)
class Week:
    start: datetime
    end: datetime
    zone: ZoneInfo


class GoalPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    goal_id: str
    title: str
    status: GoalStatus
    actual: Decimal | None = Field(description="Progress at the latest goal event; null before any progress")
    target: Decimal | None
    unit: str
    attainment: Decimal | None = Field(description="actual / target")
    expected_by_now: Decimal | None = Field(description="What the pace expected at the latest goal event")
    pace: Decimal | None = Field(description="actual / expected_by_now")
    warned_below: Decimal | None = Field(description="The pace fraction whose crossing raised the latest GoalAtRisk")
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class TrainingPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignment_id: str
    course_id: str
    title: str
    due_at: datetime
    overdue: bool
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class FeedbackPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    praise: int
    improvement: int
    themes: dict[str, int] = Field(description="Tag counts of the named feedback received in the week")
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class CheckInPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    confidence: int = Field(description="1 (not confident) to 5 (very) of reaching the goals")
    obstacles: str
    help_needed: str
    late: bool = Field(description="Answered after the goals service's reminder")
    progress_notes: dict[str, str] = Field(description="By goal title, what the assistant wrote")
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


LOW_CONFIDENCE = 2
"""At or below this, the check-in is discussed first: the assistant says the goals are slipping."""


class Agenda(BaseModel):
    """A weekly check-in's agenda: the talking points in the order to discuss them, and the facts behind them."""

    model_config = ConfigDict(frozen=True)

    review_id: str
    person_id: str
    manager_id: str | None
    week_start: datetime
    week_end: datetime
    timezone: str = Field(description="The person's time zone, in which the week is counted")
    as_of: datetime
    talking_points: list[str] = Field(
        description="At-risk goals first (after the check-in when it asks for help or is not confident), then other "
        "goals, the check-in, training and feedback"
    )
    points: list[TalkingPoint] = Field(default_factory=list, description="`talking_points`' codes and values")
    goals: list[GoalPoint]
    training: list[TrainingPoint] = Field(description="Open assignments, overdue first")
    feedback: FeedbackPoint
    checkin: CheckInPoint | None = Field(
        description="The week's check-in as the assistant answered it (GoalCheckInRecorded); null: not answered"
    )
    anonymous_feedback: list[AnonymousAggregate] = Field(
        description="Released aggregates concerning the person, with a release in the week; never single texts"
    )


def goal_point(goal: GoalFacts) -> GoalPoint:
    attainment = _ratio(goal.actual, goal.target)
    pace = _ratio(goal.actual, goal.expected_by_now)
    status = _status(goal, pace)
    said = goal_said(goal, status, attainment, pace)
    return GoalPoint(
        goal_id=goal.goal_id,
        title=goal.title,
        status=status,
        actual=goal.actual,
        target=goal.target,
        unit=goal.unit,
        attainment=attainment,
        expected_by_now=goal.expected_by_now,
        pace=pace,
        warned_below=goal.warned_below,
        talking_point=render(said),
        said=said,
    )


def _status(goal: GoalFacts, pace: Decimal | None) -> GoalStatus:
    if goal.outcome == "achieved":
        return GoalStatus.ACHIEVED
    if goal.outcome == "missed":
        return GoalStatus.MISSED
    # The goals service judges pace; it stays at risk until a later progress shows it back above the warning level.
    if goal.warned_below is not None and (pace is None or pace < goal.warned_below):
        return GoalStatus.AT_RISK
    if goal.actual is None:
        return GoalStatus.NO_PROGRESS
    return GoalStatus.ON_TRACK


def goal_said(goal: GoalFacts, status: GoalStatus, attainment: Decimal | None, pace: Decimal | None) -> TalkingPoint:
    progress = {
        "title": goal.title or goal.goal_id,
        "unit": goal.unit,
        "actual": number(goal.actual or Decimal(0)),
        "target": number(goal.target) if goal.target else None,
    }
    expected = number(goal.expected_by_now) if goal.expected_by_now is not None else None
    of_pace = percent(pace) if pace is not None else None
    if status is GoalStatus.AT_RISK:
        return point("goal.at_risk", **progress, expected=expected, pace=of_pace, warned=percent(goal.warned_below))
    if status is GoalStatus.MISSED:
        short = max((goal.target or Decimal(0)) - (goal.actual or Decimal(0)), Decimal(0))
        return point("goal.missed", **progress, attainment=percent(attainment), short=number(short))
    if status is GoalStatus.ACHIEVED:
        return point("goal.achieved", **progress, attainment=percent(attainment))
    if status is GoalStatus.NO_PROGRESS:
        return point("goal.no_progress", **{**progress, "target": number(goal.target)})
    recovered = "yes" if goal.warned_below is not None else None
    return point("goal.on_track", **progress, expected=expected, pace=of_pace, recovered=recovered)


def training_point(training: TrainingFacts, now: datetime, zone: ZoneInfo) -> TrainingPoint:
    overdue = training.due_at <= now
    due = training.due_at.astimezone(zone).date().isoformat()
    said = point("training.overdue" if overdue else "training.open", title=training.title, due=due)
    return TrainingPoint(
        assignment_id=training.assignment_id,
        course_id=training.course_id,
        title=training.title,
        due_at=training.due_at,
        overdue=overdue,
        talking_point=render(said),
        said=said,
    )


def feedback_point(received: Sequence[FeedbackFacts]) -> FeedbackPoint:
    kinds = Counter(f.kind for f in received)
    themes = dict(Counter(tag for f in received for tag in f.tags))
    if received:
        said = point(
            "feedback.week",
            praise=str(kinds["praise"]),
            improvement=str(kinds["improvement"]),
            themes=themes_text(themes),
        )
    else:
        said = point("feedback.none_this_week")
    return FeedbackPoint(
        praise=kinds["praise"], improvement=kinds["improvement"], themes=themes, talking_point=render(said), said=said
    )


def checkin_point(answered: CheckInFacts) -> CheckInPoint:
    said = point(
        "checkin",
        confidence=str(answered.confidence),
        late="yes" if answered.late else None,
        obstacles=answered.obstacles,
        help=answered.help_needed,
    )
    return CheckInPoint(
        confidence=answered.confidence,
        obstacles=answered.obstacles,
        help_needed=answered.help_needed,
        late=answered.late,
        progress_notes={title: note for title, note in answered.notes if note},
        talking_point=render(said),
        said=said,
    )


def agenda(
    *,
    review_id: str,
    person_id: str,
    manager_id: str | None,
    week: Week,
    now: datetime,
    goals: Sequence[GoalFacts],
    training: Sequence[TrainingFacts],
    feedback: Sequence[FeedbackFacts],
    anonymous: Sequence[AnonymousAggregate],
    checkin: CheckInFacts | None = None,
) -> Agenda:
    order = list(GoalStatus)
    goal_points = sorted(
        (goal_point(g) for g in goals),
        key=lambda p: (order.index(p.status), p.pace if p.pace is not None else Decimal("Infinity"), p.title),
    )
    training_points = sorted(
        (training_point(t, now, week.zone) for t in training), key=lambda p: (not p.overdue, p.due_at, p.title)
    )
    feedback_summary = feedback_point(feedback)
    answered = checkin_point(checkin) if checkin is not None else None
    said = [answered.said] if answered is not None and answered.said is not None else []
    worried = checkin is not None and (checkin.confidence <= LOW_CONFIDENCE or bool(checkin.help_needed))
    points = [
        *(said if worried else []),
        *(p.said for p in goal_points if p.said is not None),
        *([] if worried else said),
        *(p.said for p in training_points if p.said is not None),
        *([feedback_summary.said] if feedback_summary.said is not None else []),
        *(a.said for a in anonymous),
    ]
    return Agenda(
        review_id=review_id,
        person_id=person_id,
        manager_id=manager_id,
        week_start=week.start,
        week_end=week.end,
        timezone=week.zone.key,
        as_of=now,
        talking_points=[render(p) for p in points],
        points=points,
        goals=goal_points,
        training=training_points,
        feedback=feedback_summary,
        checkin=answered,
        anonymous_feedback=list(anonymous),
    )


def number(value: Decimal | None) -> str:
    """12, 12.5 or 12.35: at most two decimals, no trailing zeros, never an exponent."""
    if value is None:
        return "?"
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:f}"


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return "?"
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP):f}%"


def _ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (part / whole).quantize(Decimal("0.0001"))
