"""Entrypoint of the reviews service: `python -m pacer_reviews.main` (or uvicorn `pacer_reviews.main:app`)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from pacer_reviews.settings import ReviewsSettings
from pacer_shared import topics
from pacer_shared.service import ServiceSpec, create_app

DESCRIPTION = "Review cycles on a cadence with explainable scores, development plans and training."


def build(settings: ReviewsSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or ReviewsSettings(),
            title="Pacer reviews",
            description=DESCRIPTION,
            publishes=[topics.REVIEWS_EVENTS],
        )
    )


def __getattr__(name: str) -> FastAPI:
    # `uvicorn pacer_reviews.main:app` builds the app on first access, so importing stays side-effect free.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    settings = ReviewsSettings()
    uvicorn.run(
        build(settings), host=settings.http_host, port=settings.http_port, log_config=None, timeout_graceful_shutdown=30
    )


if __name__ == "__main__":
    main()
