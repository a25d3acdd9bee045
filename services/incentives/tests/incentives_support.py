"""A running incentives service with the roster, and helpers that publish what goals and reviews would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from pacer_shared.events.goals import GoalAchieved, GoalMetric, GoalMissed, GoalSet, MetricAggregation
from pacer_shared.events.reviews import Cadence, ReviewCompleted
from pacer_testkit.roster import ROSTER, roster_with
from pacer_testkit.world import RunningService, ServiceWorld, Timed

ROSTER = roster_with(**{person.person_id: {"timezone": "UTC"} for person in ROSTER})
"""Everyone on UTC: the suite's hand computations are of UTC months (a person's own zone is test_recognition_rules'
and test_bonus_arithmetic's subject)."""
OCTOBER_END = datetime(2026, 11, 1, tzinfo=UTC)
PLAN = {
    "plan_id": "sales-support",
    "title": "Sales support bonus",
    "effective_from": "2026-10-01T00:00:00Z",
    "period": "monthly",
    "currency": "CNY",
    "team_ids": ["north"],
    "base": {"kind": "fixed", "amount": "1000"},
    "tiers": [
        {"min_attainment": "0", "payout": "0"},
        {"min_attainment": "0.5", "payout": "0.5"},
        {"min_attainment": "0.8", "payout": "0.8"},
        {"min_attainment": "1", "payout": "1"},
    ],
    "accelerator": "2",
    "cap": "1.5",
    "review_multipliers": {"3": "1", "4": "1.1", "5": "1.2"},
    "review_cadence": "monthly",
    "team_component": {"amount": "200"},
    "eligibility": {"min_rating": 3},
}


def at(day: int, month: int = 10, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def goal_set(goal: str, owner: str, target: int, end: datetime = OCTOBER_END, team: bool = False) -> GoalSet:
    return GoalSet(
        goal_id=goal,
        owner_id=owner,
        owner_kind="team" if team else "assistant",
        team_id="north",
        title=goal,
        period_start=datetime(end.year, end.month, 1, tzinfo=UTC) if end.day != 1 else at(1),
        period_end=end,
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit="calls",
        set_by="mia",
    )


def achieved(goal: GoalSet, actual: int) -> GoalAchieved:
    return GoalAchieved(
        **_about(goal),
        target=goal.target,
        actual=Decimal(actual),
        achieved_at=goal.period_end,
        attainment=Decimal(actual) / goal.target,
    )


def missed(goal: GoalSet, actual: int) -> GoalMissed:
    return GoalMissed(
        **_about(goal),
        target=goal.target,
        actual=Decimal(actual),
        shortfall=goal.target - actual,
        attainment=Decimal(actual) / goal.target,
    )


def _about(goal: GoalSet) -> dict[str, Any]:
    fields = ("goal_id", "owner_id", "owner_kind", "team_id", "title", "period_start", "period_end")
    return {name: getattr(goal, name) for name in fields}


def review(person: str, rating: int, end: datetime = OCTOBER_END, cadence: str = "monthly") -> ReviewCompleted:
    return ReviewCompleted(
        review_id=f"review-{person}-{end.date().isoformat()}",
        cycle_id="monthly",
        person_id=person,
        manager_id="mia",
        cadence=Cadence(cadence),
        period_start=at(1),
        period_end=end,
        score=Decimal(rating),
        rating=rating,
        rating_label={2: "Below", 3: "Meets", 4: "Strong", 5: "Outstanding"}.get(rating, str(rating)),
    )


class IncentivesWorld(ServiceWorld):
    async def ids(self, *events: Timed) -> list[str]:
        """Publish events as their producer would, each at its own time (now if not given); returns their ids."""
        return [envelope.id for envelope in await self.publish(*events)]


TUNING = {"PACER_INCENTIVES_CLOSE_SETTLE_SECONDS": "0", "PACER_INCENTIVES_LEDGER_POLL_SECONDS": "0.3"}
"""Periods close as soon as they end, and the ledger looks for work often."""


@pytest.fixture
async def world(running_service: RunningService) -> AsyncIterator[IncentivesWorld]:
    async with running_service("pacer_incentives.main", ROSTER, world=IncentivesWorld, **TUNING) as incentives:
        yield incentives
