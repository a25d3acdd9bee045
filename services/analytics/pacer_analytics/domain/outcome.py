"""Goal outcomes as the goals service announces them, and how a team's goals of a period add up.

A goal's state is folded from its events in whatever order and however often they arrive: an outcome, once
announced, stands (goals announces it exactly once, at the deadline or when the target is reached); a cancelled
goal counts in no outcome; attainment is the newest known `actual / target`, by the events' own time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalEvent,
    GoalMissed,
    GoalProgressed,
    GoalSet,
)

RATIO = Decimal("0.0001")


class Status(StrEnum):
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    MISSED = "missed"
    CANCELLED = "cancelled"


FINAL = frozenset({Status.ACHIEVED, Status.MISSED, Status.CANCELLED})


@dataclass(frozen=True)
class GoalState:
    goal_id: str
    last_day: date
    """The period's last day in the owner's calendar: the period a goal's outcome belongs to."""
    target: Decimal
    actual: Decimal = Decimal(0)
    status: Status = Status.IN_PROGRESS
    at_risk: bool = False
    as_of: datetime | None = None
    """The time of the event `actual` and `target` come from."""

    @property
    def attainment(self) -> Decimal:
        return (self.actual / self.target).quantize(RATIO) if self.target else Decimal(0)

    def apply(self, event: GoalEvent, at: datetime, last_day: date) -> GoalState:
        """The state after one event sent at `at`; an event older than what is known changes no number."""
        state = self
        newer = self.as_of is None or at >= self.as_of
        if newer:
            state = replace(state, last_day=last_day, as_of=at)
            match event:
                case GoalSet():
                    state = replace(state, target=event.target)
                case GoalProgressed() | GoalAtRisk() | GoalAchieved() | GoalMissed():
                    state = replace(state, target=event.target, actual=event.actual)
                case GoalAdjusted():
                    state = replace(state, target=event.new_target)
        if state.status not in FINAL:
            match event:
                case GoalAchieved():
                    state = replace(state, status=Status.ACHIEVED)
                case GoalMissed():
                    state = replace(state, status=Status.MISSED)
                case GoalCancelled():
                    state = replace(state, status=Status.CANCELLED)
                case GoalAtRisk():
                    state = replace(state, at_risk=True)
        return state

    @classmethod
    def first(cls, event: GoalEvent, at: datetime, last_day: date) -> GoalState:
        target = getattr(event, "target", None) or getattr(event, "new_target", None) or Decimal(0)
        return cls(event.goal_id, last_day, target).apply(event, at, last_day)

    def to_json(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal_id,
            "last_day": self.last_day.isoformat(),
            "target": str(self.target),
            "actual": str(self.actual),
            "status": self.status.value,
            "at_risk": self.at_risk,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> GoalState:
        return cls(
            goal_id=raw["goal_id"],
            last_day=date.fromisoformat(raw["last_day"]),
            target=Decimal(raw["target"]),
            actual=Decimal(raw["actual"]),
            status=Status(raw["status"]),
            at_risk=raw["at_risk"],
            as_of=datetime.fromisoformat(raw["as_of"]) if raw["as_of"] else None,
        )


@dataclass(frozen=True)
class Bucket:
    lower: Decimal | None
    upper: Decimal | None
    goals: int


@dataclass(frozen=True)
class Outcomes:
    """A set of goals' outcomes: how many were achieved, missed, are still open (at risk or not), were cancelled,
    and how their attainment is spread (cancelled goals left out)."""

    goals: int
    achieved: int
    missed: int
    in_progress: int
    at_risk: int
    cancelled: int
    distribution: list[Bucket]


def outcomes(states: Iterable[GoalState], bounds: Sequence[Decimal]) -> Outcomes:
    """`bounds` cut attainment into buckets: [lower, upper), the first from nothing, the last without end."""
    found = list(states)
    counted = [s for s in found if s.status is not Status.CANCELLED]
    edges: list[Decimal | None] = [None, *sorted(bounds), None]
    buckets = [
        Bucket(lower, upper, sum(1 for s in counted if _within(s.attainment, lower, upper)))
        for lower, upper in pairwise(edges)
    ]
    open_ = [s for s in found if s.status is Status.IN_PROGRESS]
    return Outcomes(
        goals=len(found),
        achieved=sum(1 for s in found if s.status is Status.ACHIEVED),
        missed=sum(1 for s in found if s.status is Status.MISSED),
        in_progress=len(open_),
        at_risk=sum(1 for s in open_ if s.at_risk),
        cancelled=len(found) - len(counted),
        distribution=buckets,
    )


def _within(value: Decimal, lower: Decimal | None, upper: Decimal | None) -> bool:
    return (lower is None or value >= lower) and (upper is None or value < upper)
