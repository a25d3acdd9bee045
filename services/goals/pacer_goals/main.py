"""Entrypoint of the goals service: `python -m pacer_goals.main` (or uvicorn `pacer_goals.main:app`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from pacer_goals.adapters import repository
from pacer_goals.adapters.personal_data import PERSONAL_DATA
from pacer_goals.api import goals as goal_routes
from pacer_goals.api import ingest, sign_in, teams
from pacer_goals.service.checkins import CheckInWorker
from pacer_goals.service.context import Goals
from pacer_goals.service.deadlines import DeadlineWorker
from pacer_goals.service.progress import apply_sales_activity
from pacer_goals.service.roster import apply_roster
from pacer_goals.settings import GoalsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivity, SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.mongo import Session
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = (
    "SMART goals driven by live sales events: progress, at-risk warnings, GoalAchieved and GoalMissed at the deadline."
)


def subscriptions(goals: Goals) -> list[Subscription[Any]]:
    async def on_sales(events: Sequence[Event[SalesActivity]], session: Session) -> None:
        await apply_sales_activity(goals, events, session)

    async def on_roster(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await apply_roster(goals, events, session)

    return [
        Subscription[SalesActivity](
            name="sales",
            topics=[topics.SALES_ACTIVITY],
            handle=on_sales,
            event_types=(SalesActivityRecorded, SalesActivityRetracted),
            keyed_writes=True,  # activities are stored once by activity_id; a duplicate moves nothing
        ),
        Subscription(
            name="team-membership",
            topics=[topics.ORG_PEOPLE],
            handle=on_roster,
            event_types=(PersonUpserted,),
        ),
    ]


def background(goals: Goals) -> list[BackgroundLoop]:
    return [DeadlineWorker(goals).run, CheckInWorker(goals).run]


def build(settings: GoalsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The goals app; tests may hand it a clock they move."""
    return create_app(
        ServiceSpec(
            settings=settings or GoalsSettings(),
            title="Pacer goals",
            description=DESCRIPTION,
            routers=[goal_routes.router, teams.router, ingest.router, sign_in.router],
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
