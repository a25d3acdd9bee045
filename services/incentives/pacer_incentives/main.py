"""Entrypoint of the incentives service: `python -m pacer_incentives.main` (or uvicorn `pacer_incentives.main:app`)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from pacer_incentives.settings import IncentivesSettings
from pacer_shared import topics
from pacer_shared.service import ServiceSpec, create_app

DESCRIPTION = "Bonus ledger computed from events, recognition, leaderboards and promotion recommendations."


def build(settings: IncentivesSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or IncentivesSettings(),
            title="Pacer incentives",
            description=DESCRIPTION,
            publishes=[topics.INCENTIVES_EVENTS],
        )
    )


def __getattr__(name: str) -> FastAPI:
    # `uvicorn pacer_incentives.main:app` builds the app on first access, so importing stays side-effect free.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    settings = IncentivesSettings()
    uvicorn.run(
        build(settings), host=settings.http_host, port=settings.http_port, log_config=None, timeout_graceful_shutdown=30
    )


if __name__ == "__main__":
    main()
