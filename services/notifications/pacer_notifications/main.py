"""Entrypoint of the notifications service: `python -m pacer_notifications.main`."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from pacer_notifications.settings import NotificationsSettings
from pacer_shared import topics
from pacer_shared.service import ServiceSpec, create_app

DESCRIPTION = "Turns events into email and team-chat messages, respecting preferences, locales and quiet hours."


def build(settings: NotificationsSettings | None = None) -> FastAPI:
    return create_app(
        ServiceSpec(
            settings=settings or NotificationsSettings(),
            title="Pacer notifications",
            description=DESCRIPTION,
            publishes=[topics.NOTIFICATIONS_EVENTS],
        )
    )


def __getattr__(name: str) -> FastAPI:
    # `uvicorn pacer_notifications.main:app` builds the app on first access, so importing stays side-effect free.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    settings = NotificationsSettings()
    uvicorn.run(
        build(settings), host=settings.http_host, port=settings.http_port, log_config=None, timeout_graceful_shutdown=30
    )


if __name__ == "__main__":
    main()
