"""Entrypoint of the notifications service: `python -m pacer_notifications.main`."""

from __future__ import annotations

from fastapi import FastAPI

from pacer_notifications.adapters import repository
from pacer_notifications.adapters.personal_data import PERSONAL_DATA
from pacer_notifications.api import deliveries, preferences
from pacer_notifications.consumers import subscriptions
from pacer_notifications.service.context import Notifications
from pacer_notifications.service.delivery import DeliveryWorker
from pacer_notifications.service.parked import ParkedEvents
from pacer_notifications.settings import NotificationsSettings
from pacer_shared import topics
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.service import BackgroundLoop, ServiceSpec, create_app, lazy_app, serve

DESCRIPTION = "Turns events into email and team-chat messages, respecting preferences, locales and quiet hours."


def background(notifications: Notifications) -> list[BackgroundLoop]:
    return [DeliveryWorker(notifications).run, ParkedEvents(notifications).run]


def build(settings: NotificationsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The notifications app; tests may hand it a clock they move."""
    return create_app(
        ServiceSpec(
            settings=settings or NotificationsSettings(),
            title="Pacer notifications",
            description=DESCRIPTION,
            routers=[preferences.router, deliveries.router],
            indexes=repository.INDEXES,
            personal_data=PERSONAL_DATA,
            retired_indexes=repository.RETIRED_INDEXES,
            publishes=[topics.NOTIFICATIONS_EVENTS],
            context=Notifications.of,
            subscriptions=subscriptions,
            background=background,
            clock=clock or SystemClock(),
        )
    )


__getattr__ = lazy_app(build)


def main() -> None:
    serve(build, NotificationsSettings())


if __name__ == "__main__":
    main()
