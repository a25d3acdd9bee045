"""Entrypoint of the goals service: `python -m pacer_goals.main` (or uvicorn `pacer_goals.main:app`)."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_goals.adapters import repository
from pacer_goals.adapters.personal_data import PERSONAL_DATA
from pacer_goals.api import checkins, ingest, sign_in, teams
from pacer_goals.api import goals as goal_routes
from pacer_goals.consumers import subscriptions
from pacer_goals.service.checkins import CheckInWorker
from pacer_goals.service.context import Goals
from pacer_goals.service.deadlines import DeadlineWorker
from pacer_goals.settings import GoalsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = (
    "SMART goals driven by live sales events: progress, at-risk warnings, GoalAchieved and GoalMissed at the deadline."
)


def background(goals: Goals) -> list[BackgroundLoop]:
    return [DeadlineWorker(goals).run, CheckInWorker(goals).run]


def build(settings: GoalsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The goals app; tests may hand it a clock they move."""
    return create_app(
        ServiceSpec(
            settings=settings or GoalsSettings(),
            title="Pacer goals",
            description=DESCRIPTION,
            routers=[goal_routes.router, checkins.router, teams.router, ingest.router, sign_in.router],
            indexes=repository.INDEXES,
            personal_data=PERSONAL_DATA,
            publishes=[topics.GOALS_EVENTS, topics.SALES_ACTIVITY],
            context=Goals.of,
            subscriptions=subscriptions,
            background=background,
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, GoalsSettings())


if __name__ == "__main__":
    main()
