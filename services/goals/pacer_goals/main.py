"""Entrypoint of the goals service: `python -m pacer_goals.main` (or uvicorn `pacer_goals.main:app`)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from pacer_goals.settings import GoalsSettings
from pacer_shared import topics
from pacer_shared.service import ServiceSpec, create_app

DESCRIPTION = (
    "SMART goals driven by live sales events: progress, at-risk warnings, GoalAchieved and GoalMissed at the deadline."
)


def build(settings: GoalsSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or GoalsSettings(),
            title="Pacer goals",
            description=DESCRIPTION,
            publishes=[topics.GOALS_EVENTS],
        )
    )


def __getattr__(name: str) -> FastAPI:
    # `uvicorn pacer_goals.main:app` builds the app on first access, so importing stays side-effect free.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    settings = GoalsSettings()
    uvicorn.run(
        build(settings), host=settings.http_host, port=settings.http_port, log_config=None, timeout_graceful_shutdown=30
    )


if __name__ == "__main__":
    main()
