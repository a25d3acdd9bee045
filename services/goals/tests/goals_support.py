"""Fixtures for the goals service: a running service with the roster, and API helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from pacer_goals.adapters.repository import GoalRepository
from pacer_goals.domain.goal import Goal
from pacer_goals.domain.pace import PaceProfile
from pacer_goals.domain.periods import Period
from pacer_goals.main import build
from pacer_goals.settings import GoalsSettings
from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock, SystemClock
from pacer_shared.events import EventData
from pacer_shared.events.goals import GoalMetric, MetricAggregation, OwnerKind, Recurrence
from pacer_shared.mongo import Database
from pacer_shared.outbox import Outbox
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork
from pacer_testkit.sales import sale as sale  # the suite takes it from here
from pacer_testkit.stack import Record, bearer, eventually
from pacer_testkit.world import RunningService, ServiceWorld

GOALS = "pacer_goals.main"
TUNING = {"PACER_GOALS_DEADLINE_POLL_SECONDS": "0.5"}
"""Deadlines come due within a test's patience."""


token = bearer


def repository_over(db: Database, namespace: str) -> GoalRepository:
    """The goals repository on a test's own database, publishing through a unit of work as the service does."""
    return GoalRepository(db, UnitOfWork(db, Outbox(db, TopicNames(namespace), "goals", SystemClock())))


class GoalsWorld(ServiceWorld):
    """A running goals service with the roster loaded, and ways to talk to it as an outside system would."""

    @property
    def sales_topic(self) -> str:
        return f"{self.namespace}.sales.activity"

    async def record(self, *activities: EventData) -> None:
        await self.publish(*activities)

    async def set_goal(self, as_: tuple[str, Role] = ("mia", Role.MANAGER), **fields: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        body = {
            "owner_id": "ann",
            "title": "Calls this sprint",
            "metric": {"kinds": ["call"], "aggregation": "count"},
            "target": 5,
            "unit": "calls",
            "start": (now - timedelta(seconds=1)).isoformat(),
            "end": (now + timedelta(hours=1)).isoformat(),
            **fields,
        }
        response = await self.http.post("/v1/goals", json=body, headers=token(*as_))
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def goal(self, goal_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/v1/goals/{goal_id}", headers=token("hana", Role.HR))
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def goal_where(self, goal_id: str, check: Any, what: str, timeout: float = 30) -> dict[str, Any]:
        async def matches() -> dict[str, Any] | None:
            found = await self.goal(goal_id)
            return found if check(found) else None

        return await eventually(matches, timeout, what)

    async def goal_events(self, until: Any, timeout: float = 30) -> list[Record]:
        return await self.records("goals.events", until, timeout)


def events_of(records: list[Record], event_type: str, goal_id: str | None = None) -> list[dict[str, Any]]:
    found = [r.json() for r in records if r.json()["type"] == event_type]
    return [e for e in found if goal_id is None or e["data"].get("goal_id") == goal_id]


@pytest.fixture
async def world(running_service: RunningService) -> AsyncIterator[GoalsWorld]:
    async with running_service(GOALS, world=GoalsWorld, **TUNING) as goals:
        yield goals


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def goals_at_a_moved_clock(running_service: RunningService, clock: ShiftedClock) -> AsyncIterator[GoalsWorld]:
    """The goals app in-process, so tests can move its clock (check-ins, period ends)."""
    async with running_service.in_process(
        "goals", lambda: build(GoalsSettings(), clock), world=GoalsWorld, PACER_GOALS_DEADLINE_POLL_SECONDS="0.2"
    ) as goals:
        yield goals


def active_goal(goal_id: str, now: datetime, owner_id: str = "ann") -> Goal:
    """An assistant's active goal for the week from `now`, built as the service would store it."""
    goal = Goal(
        goal_id=goal_id,
        owner_id=owner_id,
        owner_kind=OwnerKind.ASSISTANT,
        team_id="north",
        title="Calls",
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(10),
        unit="calls",
        timezone="UTC",
        period=Period(now, now + timedelta(days=7)),
        recurrence=Recurrence.NONE,
        pace_profile=PaceProfile.LINEAR,
        at_risk_levels=[],
        at_risk_grace=Decimal("0.2"),
        created_by="mia",
        created_at=now,
    )
    goal.activate(now, "mia")
    return goal
