"""What the ledger knows about goals, reviews and training, folded from the input events in a fixed order.

Every fact keeps the ids of the events it came from, so a statement line can cite them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class InputRecord:
    """One consumed event, as the ledger's input log keeps it."""

    event_id: str
    type: str
    time: datetime
    subject: str
    data: dict[str, Any]

    @property
    def order(self) -> tuple[datetime, str]:
        """Events are folded by their own time, then id: the same events always fold the same way."""
        return (self.time, self.event_id)


@dataclass(frozen=True)
class GoalFact:
    goal_id: str
    title: str
    owner_id: str
    period_end: datetime
    target: Decimal
    actual: Decimal = Decimal(0)
    outcome: str = "open"
    """open | achieved | missed | cancelled"""
    outcome_at: datetime | None = None
    cites: tuple[str, ...] = ()

    @property
    def attainment(self) -> Decimal:
        return (self.actual / self.target).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)

    def final(self, now: datetime) -> bool:
        """Missed and cancelled are called at or after the deadline; an achieved goal is final once its period ends."""
        return self.outcome in ("missed", "cancelled") or (self.outcome == "achieved" and now >= self.period_end)


@dataclass(frozen=True)
class ReviewFact:
    review_id: str
    cadence: str
    period_end: datetime
    rating: int
    rating_label: str
    event_id: str
    time: datetime


@dataclass
class Facts:
    goals: dict[str, GoalFact] = field(default_factory=dict)
    reviews: dict[str, ReviewFact] = field(default_factory=dict)
    training_assigned: dict[str, str] = field(default_factory=dict)
    """assignment id → event id"""
    training_completed: dict[str, str] = field(default_factory=dict)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _cite(fact: GoalFact, event_id: str, **changes: Any) -> GoalFact:
    return replace(fact, cites=(*fact.cites, event_id), **changes)


def apply(facts: Facts, record: InputRecord) -> None:
    data = record.data
    if record.type == "ReviewCompleted":
        facts.reviews[data["review_id"]] = ReviewFact(
            review_id=data["review_id"],
            cadence=data["cadence"],
            period_end=_time(data["period_end"]),
            rating=int(data["rating"]),
            rating_label=data["rating_label"],
            event_id=record.event_id,
            time=record.time,
        )
        return
    if record.type == "TrainingAssigned":
        facts.training_assigned[data["assignment_id"]] = record.event_id
        return
    if record.type == "TrainingCompleted":
        facts.training_completed[data["assignment_id"]] = record.event_id
        return
    if "goal_id" not in data:
        return
    goal_id = data["goal_id"]
    fact = facts.goals.get(goal_id) or GoalFact(
        goal_id=goal_id,
        title=data.get("title") or "",
        owner_id=data["owner_id"],
        period_end=_time(data["period_end"]),
        target=_decimal(data.get("target") or data.get("new_target") or 1),
    )
    if record.type == "GoalSet":
        fact = _cite(fact, record.event_id, target=_decimal(data["target"]), title=data.get("title") or fact.title)
    elif record.type in ("GoalProgressed", "GoalAchieved", "GoalMissed"):
        changes: dict[str, Any] = {"actual": _decimal(data["actual"]), "target": _decimal(data["target"])}
        if record.type != "GoalProgressed":
            changes |= {"outcome": "achieved" if record.type == "GoalAchieved" else "missed", "outcome_at": record.time}
        fact = _cite(fact, record.event_id, **changes)
    elif record.type == "GoalAdjusted":
        fact = _cite(fact, record.event_id, target=_decimal(data["new_target"]), period_end=_time(data["period_end"]))
    elif record.type == "GoalCancelled":
        fact = _cite(fact, record.event_id, outcome="cancelled", outcome_at=record.time)
    facts.goals[goal_id] = fact


def fold(records: Iterable[InputRecord]) -> Facts:
    facts = Facts()
    for record in sorted(records, key=lambda r: r.order):
        apply(facts, record)
    return facts
