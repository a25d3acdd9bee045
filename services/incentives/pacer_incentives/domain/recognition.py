"""Recognition rules (configuration) and the pure decisions behind badges, rankings and promotion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from pacer_incentives.domain.facts import FOUR_PLACES, Facts, GoalFact, ReviewFact
from pacer_incentives.domain.periods import Period


class BadgeKind(StrEnum):
    GOAL_STREAK = "goal_streak"
    TOP_OF_TEAM = "top_of_team"
    MOST_PRAISE = "most_praise"
    TRAINING_COMPLETED = "training_completed"
    LIVED_VALUES = "lived_values"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Badge(Rule):
    key: str
    kind: BadgeKind
    name: str
    points: int = Field(ge=0)
    periods: int = Field(default=3, ge=1, description="For goal_streak")


class Kudos(Rule):
    monthly_budget: int = Field(ge=0)
    points: int = Field(ge=0)


class Awards(Rule):
    default_points: int = Field(ge=0)


class Promotion(Rule):
    key: str
    consecutive_quarterly_ratings: int = Field(ge=1)
    min_rating: int
    training_complete: bool = True


class RecognitionRules(Rule):
    badges: list[Badge]
    kudos: Kudos
    awards: Awards
    promotion: list[Promotion] = []

    @classmethod
    def load(cls, path: Path) -> RecognitionRules:
        return cls.model_validate(yaml.safe_load(path.read_text()))

    def badge(self, kind: BadgeKind) -> Badge | None:
        return next((b for b in self.badges if b.kind is kind), None)


def streak(goals: Iterable[GoalFact]) -> tuple[int, datetime | None]:
    """Consecutive latest goal periods in which every goal was achieved, and the end of the run's first.

    Periods are told apart by their end. The latest periods still holding an undecided goal are still
    running and are passed over; cancelled goals count neither way.
    """
    by_end: dict[datetime, list[str]] = defaultdict(list)
    for goal in goals:
        if goal.outcome != "cancelled":
            by_end[goal.period_end].append(goal.outcome)
    run: list[datetime] = []
    for end in sorted(by_end, reverse=True):
        outcomes = by_end[end]
        if "open" in outcomes and not run:
            continue
        if any(outcome != "achieved" for outcome in outcomes):
            break
        run.append(end)
    return len(run), (run[-1] if run else None)


def lived_values_winner(kudos: Iterable[tuple[str, str]]) -> tuple[str, int, int] | None:
    """Of (person, value id) kudos: the person with the most value-tagged kudos, their count and how many distinct
    values they were thanked for. Ties go to more distinct values (living several beats one often), then to the
    person id in alphabetical order, so the winner never depends on timing."""
    counts: dict[str, int] = defaultdict(int)
    named: dict[str, set[str]] = defaultdict(set)
    for person, value_id in kudos:
        counts[person] += 1
        named[person].add(value_id)
    if not counts:
        return None
    person = min(counts, key=lambda p: (-counts[p], -len(named[p]), p))
    return person, counts[person], len(named[person])


@dataclass(frozen=True)
class Standing:
    person_id: str
    score: Decimal
    detail: dict[str, str]
    tie_break: tuple[object, ...]


def attainment_standings(months: Mapping[str, Period], facts: Facts) -> list[Standing]:
    """Mean attainment of each member's decided goals that ended in their month (member -> the month in their own
    time zone, as their goals are: a goal ending at local midnight on the first belongs to the month before);
    ties go to more goals achieved, then to the person id in alphabetical order, so the order never depends on
    timing."""
    standings = []
    for person, month in months.items():
        goals = [
            g
            for g in facts.goals.values()
            if g.owner_id == person and month.start < g.period_end <= month.end and g.outcome in ("achieved", "missed")
        ]
        if not goals:
            continue
        mean = (sum((g.attainment for g in goals), Decimal(0)) / len(goals)).quantize(FOUR_PLACES, ROUND_HALF_UP)
        achieved = sum(g.outcome == "achieved" for g in goals)
        detail = {"goals": str(len(goals)), "achieved": str(achieved)}
        standings.append(Standing(person, mean, detail, (-mean, -achieved, person)))
    return sorted(standings, key=lambda s: s.tie_break)


def points_standings(grants: Iterable[tuple[str, int]], members: Iterable[str]) -> list[Standing]:
    """Recognition points per member; ties go to more recognitions, then to the person id."""
    points: dict[str, int] = dict.fromkeys(members, 0)
    counts: dict[str, int] = dict.fromkeys(points, 0)
    for person, value in grants:
        if person in points:
            points[person] += value
            counts[person] += 1
    return sorted(
        (
            Standing(p, Decimal(points[p]), {"recognitions": str(counts[p])}, (-points[p], -counts[p], p))
            for p in points
        ),
        key=lambda s: s.tie_break,
    )


def _quarter(period_end: datetime) -> int:
    """The quarter a review period ending at this moment covers, as a running number (a day back from its end, so a
    quarter ending at local midnight anywhere falls in the quarter it closes)."""
    last_day = period_end - timedelta(days=1)
    return last_day.year * 4 + (last_day.month - 1) // 3


def promotion_evidence(rule: Promotion, facts: Facts) -> list[str] | None:
    """The facts that make the rule hold for a person, or None while it does not."""
    by_quarter: dict[int, ReviewFact] = {}  # one review per quarter: the last completed (two cycles over one quarter)
    for review in sorted((r for r in facts.reviews.values() if r.cadence == "quarterly"), key=lambda r: r.time):
        by_quarter[_quarter(review.period_end)] = review
    quarters = sorted(by_quarter)[-rule.consecutive_quarterly_ratings :]
    if len(quarters) < rule.consecutive_quarterly_ratings or quarters[-1] - quarters[0] != len(quarters) - 1:
        return None  # too few, or a quarter without a review in between: not consecutive
    latest = [by_quarter[q] for q in quarters]
    if any(r.rating < rule.min_rating for r in latest):
        return None
    evidence = [
        f"quarterly review {r.review_id} (period ending {r.period_end.date().isoformat()}) rated {r.rating} "
        f"({r.rating_label}); event {r.event_id}"
        for r in latest
    ]
    if rule.training_complete:
        open_assignments = sorted(set(facts.training_assigned) - set(facts.training_completed))
        if open_assignments:
            return None
        done = sorted(facts.training_completed.items())
        evidence.append(
            f"all {len(done)} training assignment(s) completed; events {', '.join(e for _, e in done)}"
            if done
            else "no training assigned"
        )
    return evidence
