"""Dead letters: a message that cannot be applied goes to `<topic>.dlq` as it was, with why and where from.

The consumer dead-letters what it cannot decode or apply; notifications dead-letters what it cannot deliver;
`pacer dlq redrive` sends dead letters back to the topic they came from.
"""

from __future__ import annotations

from datetime import datetime

from pacer_shared import metrics
from pacer_shared.kafka import Producer
from pacer_shared.logs import get_logger

log = get_logger(__name__)

HEADER_PREFIX = "pacer-dlq-"
ORIGINAL_TOPIC = "original-topic"
"""The `origin` key (header `pacer-dlq-original-topic`) naming the topic a dead letter came from."""


async def dead_letter(
    producer: Producer,
    topic: str,
    value: bytes | None,
    key: bytes | None,
    *,
    reason: str,
    kind: str,
    service: str,
    consumer: str,
    at: datetime,
    origin: dict[str, str] | None = None,
) -> None:
    """The one way to dead-letter: the message as it was, why and where from in `pacer-dlq-*` headers, counted."""
    about = {"reason": reason[:1000], "kind": kind, "consumer": f"{service}.{consumer}", **(origin or {})}
    headers = [(f"{HEADER_PREFIX}{name}", text.encode()) for name, text in {**about, "at": at.isoformat()}.items()]
    await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    metrics.EVENTS_DEAD_LETTERED.labels(consumer, (origin or {}).get(ORIGINAL_TOPIC, topic), kind).inc()
    log.warning("message dead-lettered", consumer=consumer, topic=topic, kind=kind, reason=reason, **(origin or {}))
