"""Entrypoint of the feedback service: `python -m pacer_feedback.main`."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from pacer_feedback.api import anonymous as anonymous_routes
from pacer_feedback.api import named as named_routes
from pacer_feedback.service import anonymous, named
from pacer_feedback.settings import FeedbackSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Instant, two-way, requested (360) and anonymous feedback."
ANONYMOUS_PATHS = "/v1/anonymous"


class DropAnonymousAccessLogs(logging.Filter):
    """Access logs carry the client's address: for anonymous routes they are not written at all."""

    def filter(self, record: logging.LogRecord) -> bool:
        return ANONYMOUS_PATHS not in record.getMessage()


def build(settings: FeedbackSettings | None = None, clock: Clock | None = None) -> FastAPI:
    logging.getLogger("uvicorn.access").addFilter(DropAnonymousAccessLogs())
    return create_app(
        ServiceSpec(
            settings=settings or FeedbackSettings(),
            title="Pacer feedback",
            description=DESCRIPTION,
            routers=[named_routes.router, anonymous_routes.router],
            indexes={**named.INDEXES, **anonymous.INDEXES},
            publishes=[topics.FEEDBACK_EVENTS],
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, FeedbackSettings())


if __name__ == "__main__":
    main()
