"""Settings of the notifications service, read from PACER_NOTIFICATIONS_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar

from pacer_shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: ClassVar[str] = "notifications"

    http_port: int = 8105
