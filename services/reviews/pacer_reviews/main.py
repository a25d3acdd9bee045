"""Entrypoint of the reviews service: `python -m pacer_reviews.main`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from pacer_reviews.adapters.personal_data import PERSONAL_DATA
from pacer_reviews.api import cycles as cycle_routes
from pacer_reviews.api import reviews as review_routes
from pacer_reviews.api import templates as template_routes
from pacer_reviews.api import training as training_routes
from pacer_reviews.service import cycles, inputs, training
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.cycles import CycleWorker
from pacer_reviews.settings import ReviewsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.goals import GoalEvent
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Session
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Review cycles on a cadence with explainable scores, development plans and training."


def subscriptions(reviews: Reviews) -> list[Subscription[Any]]:
    async def on_goals(events: Sequence[Event[GoalEvent]], session: Session) -> None:
        await inputs.apply_goal_events(reviews.db, events, session)

    async def on_feedback(events: Sequence[Event[inputs.FeedbackReceived]], session: Session) -> None:
        await inputs.apply_feedback_events(reviews.db, events, session)

    async def on_roster(events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        await cycles.follow_managers(reviews, events, session)

    return [
        Subscription(
            name="goal-outcomes", topics=[topics.GOALS_EVENTS], handle=on_goals, event_types=inputs.GOAL_TYPES
        ),
        Subscription[inputs.FeedbackReceived](
            name="feedback", topics=[topics.FEEDBACK_EVENTS], handle=on_feedback, event_types=inputs.FEEDBACK_TYPES
        ),
        Subscription(
            name="review-managers",
            topics=[topics.ORG_PEOPLE],
            handle=on_roster,
            event_types=(PersonUpserted,),
        ),
    ]


def background(reviews: Reviews) -> list[BackgroundLoop]:
    return [CycleWorker(reviews).run]


def build(settings: ReviewsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or ReviewsSettings(),
            title="Pacer reviews",
            description=DESCRIPTION,
            routers=[template_routes.router, cycle_routes.router, review_routes.router, training_routes.router],
            indexes={**cycles.INDEXES, **inputs.INDEXES, **training.INDEXES},
            personal_data=PERSONAL_DATA,
            publishes=[topics.REVIEWS_EVENTS],
            context=Reviews.of,
            subscriptions=subscriptions,
            background=background,
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, ReviewsSettings())


if __name__ == "__main__":
    main()
