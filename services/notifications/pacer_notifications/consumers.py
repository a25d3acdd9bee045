"""The notifications service's subscriptions: the domain events it turns into messages."""

from __future__ import annotations

from collections.abc import Sequence

from pacer_notifications.service.context import Notifications
from pacer_notifications.service.routing import route_events
from pacer_shared import topics
from pacer_shared.consumer import Subscription
from pacer_shared.events import EVENT_TYPES, Event, EventData
from pacer_shared.mongo import Session

DOMAIN_TOPICS = [
    topics.GOALS_EVENTS,
    topics.REVIEWS_EVENTS,
    topics.FEEDBACK_EVENTS,
    topics.INCENTIVES_EVENTS,
    topics.ANALYTICS_EVENTS,
]


def subscriptions(notifications: Notifications) -> list[Subscription[EventData]]:
    async def on_event(events: Sequence[Event[EventData]], session: Session) -> None:
        await route_events(notifications, events, session)

    return [
        Subscription(
            name="routing",
            topics=DOMAIN_TOPICS,
            handle=on_event,
            # A rule for a type no one publishes never matches: such events are dead-lettered as unknown.
            event_types=tuple(EVENT_TYPES[name] for name in notifications.rules.root if name in EVENT_TYPES),
            after_commit=notifications.queue.committed,
        )
    ]
