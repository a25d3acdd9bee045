"""A quarterly duty evaluation: a score per duty of the person's role profile, and the trend across quarters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pacer_reviews.domain.role_profiles import Duty

DUTY_SCALE = (1, 5)
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class EvaluationError(ValueError):
    """The scores do not fit the profile or the scale; the message names what is wrong."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = QUARTER.match(text)
        if found is None:
            raise EvaluationError(f"quarter: {text!r} is not of the form 2026-Q3")
        return cls(int(found[1]), int(found[2]))

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def check_scores(duties: list[Duty], scores: dict[str, int]) -> None:
    """Every duty scored once on the duty scale, nothing else."""
    keys = {d.key for d in duties}
    if unknown := sorted(set(scores) - keys):
        raise EvaluationError(f"scores: {', '.join(unknown)} is not a duty of the profile")
    if missing := sorted(keys - set(scores)):
        raise EvaluationError(f"scores: every duty is scored; missing {', '.join(missing)}")
    low, high = DUTY_SCALE
    if outside := sorted(k for k, v in scores.items() if not low <= v <= high):
        raise EvaluationError(f"scores: {', '.join(outside)} outside the duty scale {low}-{high}")


def average(scores: dict[str, int]) -> Decimal:
    return (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Point:
    quarter: str
    score: int | None
    """None: the duty was not in the profile version that quarter was scored on."""


def trend(duties: list[Duty], evaluations: list[tuple[str, dict[str, int]]]) -> dict[str, list[Point]]:
    """Per duty of the current profile, its score in each evaluated quarter, oldest first: a line to draw."""
    ordered = sorted(evaluations, key=lambda e: Quarter.parse(e[0]))
    return {d.key: [Point(quarter, scores.get(d.key)) for quarter, scores in ordered] for d in duties}
