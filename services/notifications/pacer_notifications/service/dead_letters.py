"""What notifications cannot deliver, or cannot route, goes to `notifications.events.dlq` with the reason."""

from __future__ import annotations

from pacer_notifications.service.context import Notifications
from pacer_shared.dead_letters import dead_letter
from pacer_shared.events import CloudEvent
from pacer_shared.mongo import Document
from pacer_shared.topics import NOTIFICATIONS_EVENTS


async def dead_letter_event(
    notifications: Notifications,
    event: Document,
    key: str,
    reason: str,
    kind: str,
    consumer: str,
    origin: dict[str, str] | None = None,
) -> None:
    runtime = notifications.runtime
    await dead_letter(
        runtime.producer,
        runtime.topics.dlq(NOTIFICATIONS_EVENTS),
        CloudEvent.model_validate(event).to_json(),
        key.encode(),
        reason=reason,
        kind=kind,
        service="notifications",
        consumer=consumer,
        at=runtime.clock.now(),
        origin=origin or {},
    )
