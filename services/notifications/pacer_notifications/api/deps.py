"""FastAPI dependencies of the notifications API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_notifications.service.context import Notifications


def notifications_from(request: Request) -> Notifications:
    return request.app.state.context  # type: ignore[no-any-return]


NotificationsDep = Annotated[Notifications, Depends(notifications_from)]
