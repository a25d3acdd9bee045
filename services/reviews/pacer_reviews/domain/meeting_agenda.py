"""A team meeting's agenda: the team's goals (at-risk first, with why), wins, feedback themes, training due, open
action items and, in a monthly meeting, last month against plan and next month's goals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from pacer_reviews.domain.agenda import (
    GoalFacts,
    GoalPoint,
    GoalStatus,
    TrainingFacts,
    goal_point,
    number,
    percent,
    training_point,
)
from pacer_reviews.domain.anonymous import themes_text
from pacer_shared.events.reviews import MeetingCadence
from pacer_shared.talking_points import TalkingPoint, point, render


@dataclass(frozen=True)
class OwnedGoal:
    owner_id: str
    facts: GoalFacts
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class Win:
    person_id: str
    kind: str
    """goal_achieved | badge | award | kudos"""
    name: str
    at: datetime


@dataclass(frozen=True)
class OpenItem:
    item_id: str
    text: str
    owner_id: str
    due_at: datetime
    meeting_occurrence: datetime


class TeamGoalPoint(GoalPoint):
    owner_id: str
    owner_name: str


class WinPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    kind: str
    name: str
    at: datetime
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class TeamTrainingPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    assignment_id: str
    title: str
    due_at: datetime
    overdue: bool
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class ActionItemPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    item_id: str
    text: str
    owner_id: str
    due_at: datetime
    overdue: bool
    talking_point: str = Field(description="`said` worded in the reader's language")
    said: TalkingPoint | None = Field(default=None, description="The point's code and values")


class MonthReview(BaseModel):
    """A monthly meeting's look back at last month's goals against their targets, and ahead at next month's."""

    model_config = ConfigDict(frozen=True)

    month_start: datetime
    achieved: int
    missed: int
    attainment: Decimal | None = Field(description="Mean actual / target of last month's closed goals")
    outcomes: list[TeamGoalPoint]
    next_month: list[TeamGoalPoint] = Field(description="Goals set for next month so far")
    talking_points: list[str]
    points: list[TalkingPoint] = Field(default_factory=list, description="`talking_points`' codes and values")


class QuarterResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    name: str
    status: str = Field(description="The review's status: scheduled, self_submitted, completed, acknowledged")
    score: Decimal | None
    rating_label: str | None


class QuarterPromotion(BaseModel):
    model_config = ConfigDict(frozen=True)

    person_id: str
    name: str
    rule: str
    evidence: list[str]
    at: datetime


class QuarterReview(BaseModel):
    """A quarterly meeting's look back at last quarter's review cycle. The team hears the counts and the mean score;
    each person's result and the promotion recommendations are for the organizer, the team's manager and hr only."""

    model_config = ConfigDict(frozen=True)

    quarter_start: datetime
    quarter: str = Field(description="e.g. 2026-Q3, in the team's zone")
    reviews_completed: int
    reviews_open: int
    mean_score: Decimal | None
    results: list[QuarterResult] | None = Field(
        description="Each person's review (the organizer, the team's manager and hr only; null for everyone else)"
    )
    promotions: list[QuarterPromotion] | None = Field(
        description="Promotion recommendations since the quarter began (the organizer, the team's manager and hr only)"
    )
    talking_points: list[str] = Field(description="What the whole team hears: counts and the mean score only")
    points: list[TalkingPoint] = Field(default_factory=list, description="`talking_points`' codes and values")

    def for_team(self) -> QuarterReview:
        return self.model_copy(update={"results": None, "promotions": None})


class TeamAgenda(BaseModel):
    model_config = ConfigDict(frozen=True)

    meeting_id: str
    team_id: str
    title: str
    cadence: MeetingCadence
    occurrence_start: datetime
    since: datetime = Field(description="The previous occurrence (or when the meeting was scheduled): wins from then")
    timezone: str
    as_of: datetime
    talking_points: list[str] = Field(description="At-risk goals first, then the rest, in the order to discuss")
    points: list[TalkingPoint] = Field(default_factory=list, description="`talking_points`' codes and values")
    goals: list[TeamGoalPoint]
    wins: list[WinPoint]
    feedback_themes: dict[str, int] = Field(description="Tag counts of the named feedback the team received")
    training: list[TeamTrainingPoint] = Field(description="Open assignments due by the next meeting, overdue first")
    action_items: list[ActionItemPoint] = Field(description="Still open from earlier meetings, oldest due first")
    month: MonthReview | None = Field(description="Monthly meetings only")
    quarter: QuarterReview | None = Field(default=None, description="Quarterly meetings only")

    def for_team(self) -> TeamAgenda:
        """What an attendee who is not the organizer, the team's manager or hr reads."""
        return self.model_copy(update={"quarter": self.quarter.for_team()}) if self.quarter else self


@dataclass(frozen=True)
class QuarterlyReviewFacts:
    person_id: str
    status: str
    score: Decimal | None
    rating_label: str | None


@dataclass(frozen=True)
class Promotion:
    person_id: str
    rule: str
    evidence: Sequence[str]
    at: datetime


@dataclass(frozen=True)
class AgendaFacts:
    """What reviews knows of the team, read from its projections; `names` maps person ids to display names."""

    names: Mapping[str, str]
    goals: Sequence[OwnedGoal]
    wins: Sequence[Win]
    feedback_tags: Sequence[Sequence[str]]
    training: Sequence[tuple[str, TrainingFacts]]
    action_items: Sequence[OpenItem]
    last_month: Sequence[OwnedGoal] = ()
    next_month: Sequence[OwnedGoal] = ()
    month_start: datetime | None = None
    reviews: Sequence[QuarterlyReviewFacts] = ()
    promotions: Sequence[Promotion] = ()
    quarter_start: datetime | None = None
    quarter_name: str = ""
    """e.g. 2026-Q3, in the team's zone"""


@dataclass(frozen=True)
class Occasion:
    meeting_id: str
    team_id: str
    title: str
    cadence: MeetingCadence
    timezone: str
    occurrence_start: datetime
    since: datetime
    now: datetime


def team_agenda(occasion: Occasion, facts: AgendaFacts) -> TeamAgenda:
    order = list(GoalStatus)
    goals = sorted(
        (_team_goal(g, facts.names) for g in facts.goals),
        key=lambda p: (order.index(p.status), p.pace if p.pace is not None else Decimal("Infinity"), p.owner_name),
    )
    wins = sorted((_win(w, facts.names) for w in facts.wins), key=lambda w: w.at)
    themes = dict(Counter(tag for tags in facts.feedback_tags for tag in tags).most_common())
    training = sorted(
        (_training(person, t, occasion, facts.names) for person, t in facts.training),
        key=lambda p: (not p.overdue, p.due_at, p.person_id),
    )
    items = sorted((_item(i, occasion, facts.names) for i in facts.action_items), key=lambda i: (i.due_at, i.item_id))
    month = _month(facts) if occasion.cadence is MeetingCadence.MONTHLY and facts.month_start else None
    quarter = _quarter(facts) if occasion.cadence is MeetingCadence.QUARTERLY and facts.quarter_start else None
    feedback = [point("meeting.feedback_themes", themes=themes_text(themes))] if themes else []
    points = [
        *(g.said for g in goals if g.said is not None),
        *(w.said for w in wins if w.said is not None),
        *feedback,
        *(t.said for t in training if t.said is not None),
        *(i.said for i in items if i.said is not None),
        *(month.points if month else []),
        *(quarter.points if quarter else []),
    ]
    return TeamAgenda(
        meeting_id=occasion.meeting_id,
        team_id=occasion.team_id,
        title=occasion.title,
        cadence=occasion.cadence,
        occurrence_start=occasion.occurrence_start,
        since=occasion.since,
        timezone=occasion.timezone,
        as_of=occasion.now,
        talking_points=[render(p) for p in points],
        points=points,
        goals=goals,
        wins=wins,
        feedback_themes=themes,
        training=training,
        action_items=items,
        month=month,
        quarter=quarter,
    )


def _team_goal(goal: OwnedGoal, names: Mapping[str, str]) -> TeamGoalPoint:
    goal_said = goal_point(goal.facts)
    owner = names.get(goal.owner_id, goal.owner_id)
    said = _about(goal_said.said, goal.owner_id, owner)
    return TeamGoalPoint(
        **{**goal_said.model_dump(), "talking_point": render(said), "said": said},
        owner_id=goal.owner_id,
        owner_name=owner,
    )


def _win(win: Win, names: Mapping[str, str]) -> WinPoint:
    who = names.get(win.person_id, win.person_id)
    kind = win.kind if win.kind in ("goal_achieved", "badge", "award", "kudos") else "other"
    said = point(f"win.{kind}", who=who, who_id=win.person_id, name=win.name)
    return WinPoint(
        person_id=win.person_id, kind=win.kind, name=win.name, at=win.at, talking_point=render(said), said=said
    )


def _training(person: str, training: TrainingFacts, occasion: Occasion, names: Mapping[str, str]) -> TeamTrainingPoint:
    training_said = training_point(training, occasion.now, ZoneInfo(occasion.timezone))
    said = _about(training_said.said, person, names.get(person, person))
    return TeamTrainingPoint(
        person_id=person,
        assignment_id=training.assignment_id,
        title=training.title,
        due_at=training.due_at,
        overdue=training_said.overdue,
        talking_point=render(said),
        said=said,
    )


def _about(said: TalkingPoint | None, person_id: str, name: str) -> TalkingPoint:
    assert said is not None  # built just now
    return said.model_copy(update={"params": {**said.params, "about": name, "about_id": person_id}})


def _item(item: OpenItem, occasion: Occasion, names: Mapping[str, str]) -> ActionItemPoint:
    overdue = item.due_at <= occasion.now
    due = item.due_at.astimezone(ZoneInfo(occasion.timezone)).date().isoformat()
    owner = names.get(item.owner_id, item.owner_id)
    said = point(
        "action_item.overdue" if overdue else "action_item.open",
        owner=owner,
        owner_id=item.owner_id,
        due=due,
        text=item.text,
    )
    return ActionItemPoint(
        item_id=item.item_id,
        text=item.text,
        owner_id=item.owner_id,
        due_at=item.due_at,
        overdue=overdue,
        talking_point=render(said),
        said=said,
    )


def _month(facts: AgendaFacts) -> MonthReview:
    assert facts.month_start is not None
    outcomes = sorted((_team_goal(g, facts.names) for g in facts.last_month), key=lambda p: (p.owner_name, p.title))
    ahead = sorted((_team_goal(g, facts.names) for g in facts.next_month), key=lambda p: (p.owner_name, p.title))
    closed = [p for p in outcomes if p.status in (GoalStatus.ACHIEVED, GoalStatus.MISSED)]
    achieved = sum(1 for p in closed if p.status is GoalStatus.ACHIEVED)
    ratios = [p.attainment for p in closed if p.attainment is not None]
    attainment = (sum(ratios, Decimal(0)) / len(ratios)).quantize(Decimal("0.0001")) if ratios else None
    month = facts.month_start.strftime("%Y-%m")
    said = [
        point(
            "month.against_plan",
            month=month,
            achieved=str(achieved),
            closed=str(len(closed)),
            attainment=percent(attainment) if attainment is not None else None,
        ),
        *(_goal_said("month.outcome", p, actual=number(p.actual)) for p in closed),
        point("month.ahead", count=str(len(ahead))),
        *(_goal_said("month.planned", p) for p in ahead),
    ]
    return MonthReview(
        month_start=facts.month_start,
        achieved=achieved,
        missed=len(closed) - achieved,
        attainment=attainment,
        outcomes=outcomes,
        next_month=ahead,
        talking_points=[render(p) for p in said],
        points=said,
    )


def _goal_said(code: str, goal: TeamGoalPoint, **values: str | None) -> TalkingPoint:
    """A line about one owner's goal of the month: who (by name and id), what, how much."""
    return point(
        code,
        owner=goal.owner_name,
        owner_id=goal.owner_id,
        title=goal.title,
        target=number(goal.target),
        unit=goal.unit,
        **values,
    )


def _quarter(facts: AgendaFacts) -> QuarterReview:
    assert facts.quarter_start is not None
    results = sorted(
        (
            QuarterResult(
                person_id=r.person_id,
                name=facts.names.get(r.person_id, r.person_id),
                status=r.status,
                score=r.score,
                rating_label=r.rating_label,
            )
            for r in facts.reviews
        ),
        key=lambda r: (r.name, r.person_id),
    )
    scores = [r.score for r in results if r.score is not None]
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    promotions = [
        QuarterPromotion(
            person_id=p.person_id,
            name=facts.names.get(p.person_id, p.person_id),
            rule=p.rule,
            evidence=list(p.evidence),
            at=p.at,
        )
        for p in sorted(facts.promotions, key=lambda p: (p.at, p.person_id))
    ]
    said = point(
        "quarter.reviews",
        quarter=facts.quarter_name,
        completed=str(len(scores)),
        total=str(len(results)),
        mean=number(mean) if mean is not None else None,
    )
    return QuarterReview(
        quarter_start=facts.quarter_start,
        quarter=facts.quarter_name,
        reviews_completed=len(scores),
        reviews_open=len(results) - len(scores),
        mean_score=mean,
        results=results,
        promotions=promotions,
        talking_points=[render(said)],
        points=[said],
    )
