"""Events published by the notifications service on `notifications.events`, keyed by the recipient."""

from __future__ import annotations

from pydantic import AwareDatetime

from pacer_shared import topics
from pacer_shared.events.base import EventData


class NotificationEvent(EventData):
    topic = topics.NOTIFICATIONS_EVENTS
    subject_field = "recipient_id"

    notification_id: str
    recipient_id: str
    channel: str
    cause_event_id: str
    cause_event_type: str
    attempts: int


class NotificationDelivered(NotificationEvent):
    event_type = "NotificationDelivered"
    delivered_at: AwareDatetime


class NotificationFailed(NotificationEvent):
    event_type = "NotificationFailed"
    error: str
