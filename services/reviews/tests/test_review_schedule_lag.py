"""Metrics show how late the review scheduler reaches overdue steps (the PacerDeadlineWorkBehind alert's input)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from reviews_support import ReviewsWorld, with_template

from pacer_reviews import main
from pacer_reviews.main import build
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.cycles import CycleWorker
from pacer_reviews.settings import ReviewsSettings
from pacer_shared.auth import Role
from pacer_shared.clock import ManualClock
from pacer_testkit.roster import assistants_of
from pacer_testkit.stack import bearer, metrics_text
from pacer_testkit.world import RunningService


async def schedule_lag(app: FastAPI) -> float:
    for family in text_string_to_metric_families(await metrics_text(app)):
        if family.name == "pacer_reviews_schedule_lag_seconds":
            [sample] = family.samples
            return sample.value
    raise AssertionError("pacer_reviews_schedule_lag_seconds is not exported")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def reviews_driven_by_hand(
    running_service: RunningService, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Reviews, FastAPI]]:
    """The reviews service in-process without its own background loop: the test runs the scheduler."""
    monkeypatch.setattr(main, "background", lambda reviews: [])
    async with running_service.in_process(
        "reviews", lambda: build(ReviewsSettings(), clock), world=ReviewsWorld
    ) as reviews:
        await with_template(reviews)
        yield reviews.http, reviews.app.state.context, reviews.app


async def test_schedule_lag_follows_the_oldest_overdue_step_until_every_step_is_called(
    reviews_driven_by_hand: tuple[httpx.AsyncClient, Reviews, FastAPI], clock: ManualClock
) -> None:
    http, reviews, app = reviews_driven_by_hand
    worker = CycleWorker(reviews)
    body = {"name": "north", "cadence": "monthly", "template_name": "monthly-summary", "period_start": "2026-10-01"}
    opened = await http.post("/v1/cycles", json={**body, "team_id": "north"}, headers=bearer("hana", Role.HR))
    assert opened.status_code == 201, opened.text
    listed = await http.get(f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", headers=bearer("hana", Role.HR))
    scheduled = listed.json()["items"]
    assert len(scheduled) == len(assistants_of("north"))
    now = clock.now()

    def late_by(field: str) -> float:
        """How long ago the earliest of the reviews' `field` deadlines passed."""
        return (now - min(datetime.fromisoformat(r[field]) for r in scheduled)).total_seconds()

    assert late_by("self_due_at") > late_by("manager_due_at") > 0, "October is over: both steps are past due"

    await worker.run_once()  # calls the self-assessments overdue; the managers' step is next
    assert await schedule_lag(app) == late_by("self_due_at")
    await worker.run_once()  # calls the manager steps overdue
    assert await schedule_lag(app) == late_by("manager_due_at")
    await worker.run_once()
    assert await schedule_lag(app) == 0, "every step has been called"
