"""Training effect: the activity a course targets in the weeks before and after someone completed it.

A course names its category, not the activities it aims at; TRAINING_KINDS says which kinds each category is meant
to move (sales skills: calls, visits, follow-ups, closed deals; product: quotes and deals; ...). The day of
completion is in neither window: before is the N whole weeks up to the day before, after the N weeks from the day
after. Until the after window has ended, its count is only so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Completion:
    assignment_id: str
    course_id: str
    category: str
    completed_on: date
    """The day of completion in the person's own calendar."""

    def to_json(self) -> dict[str, Any]:
        return {
            "assignment_id": self.assignment_id,
            "course_id": self.course_id,
            "category": self.category,
            "completed_on": self.completed_on.isoformat(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Completion:
        return cls(raw["assignment_id"], raw["course_id"], raw["category"], date.fromisoformat(raw["completed_on"]))


@dataclass(frozen=True)
class KindEffect:
    kind: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def ratio(self) -> Decimal | None:
        return (Decimal(self.change) / Decimal(self.before)).quantize(RATIO) if self.before else None


@dataclass(frozen=True)
class Effect:
    completion: Completion
    before: tuple[date, date]
    after: tuple[date, date]
    after_ended: bool
    kinds: list[KindEffect]


def effect(
    completion: Completion, kinds: list[str], weeks: int, today: date, count: Callable[[str, date, date], int]
) -> Effect:
    day = completion.completed_on
    before = (day - timedelta(weeks=weeks), day - timedelta(days=1))
    after = (day + timedelta(days=1), day + timedelta(weeks=weeks))
    return Effect(
        completion,
        before,
        after,
        today > after[1],
        [KindEffect(kind, count(kind, *before), count(kind, *after)) for kind in kinds],
    )
