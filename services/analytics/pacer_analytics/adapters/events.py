"""Publishes analytics' own events through the service's shared producer, in the envelope every service uses.

Analytics keeps its state in faust tables, not in MongoDB, so there is no outbox transaction to stage an event in.
It sends the way the outbox relay does (the shared acks=all producer, the CloudEvents envelope keyed by the
person, the `ce_type`/`ce_id` headers, the produced-events metric) and gives each event an id derived from what
it is about: the agent records that it warned only after the broker acknowledged the send, so a crash between
the two sends the event again, with the same id, and every consumer drops the second copy.
"""

from __future__ import annotations

from datetime import datetime

from pacer_shared import metrics
from pacer_shared.events import EventData, derived_id, wrap
from pacer_shared.kafka import SharedProducer
from pacer_shared.topics import TopicNames

SOURCE = "/pacer/analytics"


class EventPublisher:
    def __init__(self, producer: SharedProducer, names: TopicNames) -> None:
        self._producer = producer
        self._names = names

    async def publish(self, data: EventData, business_key: str, at: datetime) -> str:
        """Send one event and wait for the broker's acknowledgement; its id, the same for the same business key."""
        envelope = wrap(data, source=SOURCE, time=at, event_id=derived_id(data, business_key))
        topic = self._names(data.topic)
        await self._producer.send_and_wait(
            topic,
            envelope.to_json(),
            key=data.subject.encode(),
            headers=[("ce_type", data.event_type.encode()), ("ce_id", envelope.id.encode())],
        )
        metrics.EVENTS_PRODUCED.labels(topic, data.event_type).inc()
        return envelope.id
