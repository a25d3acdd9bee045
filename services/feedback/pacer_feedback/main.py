"""Entrypoint of the feedback service: `python -m pacer_feedback.main` (or uvicorn `pacer_feedback.main:app`)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from pacer_feedback.settings import FeedbackSettings
from pacer_shared import topics
from pacer_shared.service import ServiceSpec, create_app

DESCRIPTION = "Instant, two-way, requested (360) and anonymous feedback."


def build(settings: FeedbackSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or FeedbackSettings(),
            title="Pacer feedback",
            description=DESCRIPTION,
            publishes=[topics.FEEDBACK_EVENTS],
        )
    )


def __getattr__(name: str) -> FastAPI:
    # `uvicorn pacer_feedback.main:app` builds the app on first access, so importing stays side-effect free.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    settings = FeedbackSettings()
    uvicorn.run(
        build(settings), host=settings.http_host, port=settings.http_port, log_config=None, timeout_graceful_shutdown=30
    )


if __name__ == "__main__":
    main()
