"""Entrypoint of the reviews service: `python -m pacer_reviews.main`."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_reviews.adapters import catalogue, checkins, customer_ratings, leadership, role_profiles
from pacer_reviews.adapters.personal_data import personal_data
from pacer_reviews.adapters.repository import INDEXES
from pacer_reviews.api import cycles as cycle_routes
from pacer_reviews.api import duties as duty_routes
from pacer_reviews.api import meetings as meeting_routes
from pacer_reviews.api import minutes as minutes_routes
from pacer_reviews.api import programmes as programme_routes
from pacer_reviews.api import reviews as review_routes
from pacer_reviews.api import templates as template_routes
from pacer_reviews.api import training as training_routes
from pacer_reviews.consumers import subscriptions
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.cycles import CycleWorker
from pacer_reviews.service.meeting_agenda import AgendaWorker
from pacer_reviews.service.minutes import ActionItemWorker
from pacer_reviews.service.training import TrainingReminderWorker, earlier_reminders
from pacer_reviews.settings import ReviewsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Review cycles on a cadence with explainable scores, development plans, training and team meetings."


def background(reviews: Reviews) -> list[BackgroundLoop]:
    return [
        CycleWorker(reviews).run,
        AgendaWorker(reviews).run,
        ActionItemWorker(reviews).run,
        TrainingReminderWorker(reviews).run,
    ]


def build(settings: ReviewsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or ReviewsSettings()
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Pacer reviews",
            description=DESCRIPTION,
            routers=[
                template_routes.router,
                cycle_routes.router,
                review_routes.router,
                training_routes.router,
                programme_routes.router,
                meeting_routes.router,
                minutes_routes.router,
                duty_routes.router,
            ],
            indexes={
                **INDEXES,
                **checkins.INDEXES,
                **catalogue.INDEXES,
                **leadership.INDEXES,
                **customer_ratings.INDEXES,
                **role_profiles.INDEXES,
            },
            personal_data=personal_data(settings.retention),
            publishes=[topics.REVIEWS_EVENTS],
            context=Reviews.of,
            subscriptions=subscriptions,
            upgrades=lambda reviews: [earlier_reminders(reviews)],
            background=background,
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, ReviewsSettings())


if __name__ == "__main__":
    main()
