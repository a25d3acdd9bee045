"""Entrypoint of the feedback service: `python -m pacer_feedback.main`."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_feedback.adapters import anonymous, named
from pacer_feedback.adapters.personal_data import PERSONAL_DATA
from pacer_feedback.api import anonymous as anonymous_routes
from pacer_feedback.api import named as named_routes
from pacer_feedback.service.context import Feedback
from pacer_feedback.service.releases import ReleaseWorker
from pacer_feedback.settings import FeedbackSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Instant, two-way, requested (360) and anonymous feedback."
ANONYMOUS_PATHS = "/v1/anonymous"
"""Requests here leave no access-log line (it carries the caller's address) and no per-route metrics (a counter
times each submission to the scrape)."""


def background(feedback: Feedback) -> list[BackgroundLoop]:
    return [ReleaseWorker(feedback).run]


def build(settings: FeedbackSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The feedback app; tests may hand it a clock they move."""
    return create_app(
        ServiceSpec(
            settings=settings or FeedbackSettings(),
            title="Pacer feedback",
            description=DESCRIPTION,
            routers=[named_routes.router, anonymous_routes.router],
            indexes={**named.INDEXES, **anonymous.INDEXES},
            retired_indexes=named.RETIRED_INDEXES,
            personal_data=PERSONAL_DATA,
            publishes=[topics.FEEDBACK_EVENTS],
            context=Feedback.of,
            background=background,
            clock=clock or SystemClock(),
            private_paths=(ANONYMOUS_PATHS,),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, FeedbackSettings())


if __name__ == "__main__":
    main()
