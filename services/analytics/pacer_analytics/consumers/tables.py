"""The tables analytics keeps, each backed by a compacted changelog topic it is rebuilt from after a restart.

`daily`, `workload`, `warned` and the states in `activities` keep RETENTION_DAYS of each assistant's days: the
daily check purges older ones (service/warnings.py). `watched` holds one record per assistant, `goals` one per
assistant with each of their goals, `trainings` one per person with each course they completed, `bonuses` one per
person with each of their bonus statements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TableT


@dataclass(frozen=True)
class Tables:
    activities: TableT[str, Any]
    """activity id -> ActivityState: each activity once, and whether it was retracted (also before it arrived)."""
    daily: TableT[str, Any]
    """[assistant, kind, local day] -> DayTotals: count, quantity and amount per currency, with their activity ids."""
    watched: TableT[str, Any]
    """assistant -> Watch: the kinds they have done, the partition they live in and the local day last checked."""
    warned: TableT[str, Any]
    """[assistant, kind, ISO week] -> when ActivityDropped was sent: once a week, also across restarts."""
    goals: TableT[str, Any]
    """assistant -> {goal id -> GoalState}: their goals' outcomes and attainment, from goals.events."""
    trainings: TableT[str, Any]
    """person -> {assignment id -> Completion}: the courses they completed, from reviews.events."""
    bonuses: TableT[str, Any]
    """person -> {statement id -> Statement}: their bonus statements, from incentives.events, for hr's reports."""
    workload: TableT[str, Any]
    """[assistant, local day] -> {activity id -> local time of day}, every kind: the workload (domain/workload.py)."""


def declare(app: faust.App) -> Tables:
    return Tables(
        activities=app.Table("activities", key_type=str),
        daily=app.Table("daily", key_type=str),
        watched=app.Table("watched", key_type=str),
        warned=app.Table("warned", key_type=str),
        goals=app.Table("goals", key_type=str),
        trainings=app.Table("trainings", key_type=str),
        bonuses=app.Table("bonuses", key_type=str),
        workload=app.Table("workload", key_type=str),
    )
