"""The metrics port shows how late the deadline worker reaches due goals (the PacerDeadlineWorkBehind alert's input)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from goals_support import GoalsWorld
from prometheus_client.parser import text_string_to_metric_families

from pacer_goals import main
from pacer_goals.main import build
from pacer_goals.service.context import Goals
from pacer_goals.service.deadlines import DeadlineWorker
from pacer_goals.settings import GoalsSettings
from pacer_shared.clock import ManualClock
from pacer_testkit.stack import metrics_text
from pacer_testkit.world import RunningService


async def deadline_lag(app: FastAPI) -> float:
    for family in text_string_to_metric_families(await metrics_text(app)):
        if family.name == "pacer_goals_deadline_lag_seconds":
            [sample] = family.samples
            return sample.value
    raise AssertionError("pacer_goals_deadline_lag_seconds is not exported")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def goals_driven_by_hand(
    running_service: RunningService, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[GoalsWorld, Goals, FastAPI]]:
    """The goals service in-process without its own background loops: the test runs the deadline worker,
    so the moment it looks at a due goal is the moment the test chooses. No at-risk levels: a goal is
    due only at its period end."""
    monkeypatch.setattr(main, "background", lambda goals: [])
    async with running_service.in_process(
        "goals", lambda: build(GoalsSettings(), clock), world=GoalsWorld, PACER_GOALS_AT_RISK_LEVELS="[]"
    ) as world:
        yield world, world.app.state.context, world.app


async def test_deadline_lag_is_how_late_the_worker_reaches_the_oldest_due_goal_and_zero_once_caught_up(
    goals_driven_by_hand: tuple[GoalsWorld, Goals, FastAPI], clock: ManualClock
) -> None:
    world, goals, app = goals_driven_by_hand
    worker = DeadlineWorker(goals)
    start = clock.now()
    end = start + timedelta(hours=1)
    goal = await world.set_goal(target=5, start=(start - timedelta(seconds=1)).isoformat(), end=end.isoformat())

    await worker.run_once()
    assert await deadline_lag(app) == 0, "nothing is due before the deadline"

    clock.set(end + timedelta(minutes=10))  # the worker looks again ten minutes after the deadline
    await worker.run_once()
    assert await deadline_lag(app) == 600
    assert (await world.goal(goal["goal_id"]))["status"] == "missed"

    await worker.run_once()
    assert await deadline_lag(app) == 0, "the missed goal is no longer due"
