"""One message to one recipient on one channel, on its way from pending to sent, retried, failed over or dead.

A delivery records the events its end announces (NotificationDelivered, NotificationFailed); failing over makes
the delivery of the same message on the recipient's next channel. No I/O: the worker sends, the repository stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pacer_notifications.domain.backoff import retry_delay
from pacer_notifications.domain.outcome import Outcome
from pacer_shared.events import EventData
from pacer_shared.events.notifications import NotificationDelivered, NotificationFailed


class Status(StrEnum):
    PENDING = "pending"
    """Waiting until `due_at`: its first try, a retry, the end of quiet hours or a digest."""
    SENDING = "sending"
    """Claimed by a worker under a lease."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Failed on this channel; the delivery on the next channel carries the message on (failed over)."""
    DEAD = "dead"
    """Given up on its last channel: announced as failed and dead-lettered."""


def delivery_id(event_id: str, recipient_key: str, channel: str) -> str:
    """One send per event, recipient and channel, however often the event is replayed."""
    return f"{event_id}:{recipient_key}:{channel}"


@dataclass(frozen=True)
class RetryRefused:
    """Why a delivery is not sent again: `code` (with `channel` where another channel is the reason) for a client
    to word in its reader's language, `reason` in English."""

    code: str
    reason: str
    channel: str | None = None

    @property
    def ctx(self) -> dict[str, str | int | float] | None:
        return None if self.channel is None else {"channel": self.channel}


def why_not_retry(status: Status, same_message: Mapping[str, Status]) -> RetryRefused | None:
    """Why a delivery cannot be sent again by hand, or None when it can.

    Only a delivery that ended in failure is sent again, and not when its message is already delivered, or on
    its way, on another of the recipient's channels (`same_message`, by channel): the person would read it twice.
    """
    if status is Status.DELIVERED:
        return RetryRefused("delivery_delivered", "this notification was already delivered")
    if status in (Status.PENDING, Status.SENDING):
        return RetryRefused("delivery_sending", "this notification is still being sent")
    for channel, other in sorted(same_message.items()):
        if other is Status.DELIVERED:
            return RetryRefused("message_delivered", f"this message was already delivered by {channel}", channel)
        if other in (Status.PENDING, Status.SENDING):
            return RetryRefused("message_sending", f"this message is still being sent by {channel}", channel)
    return None


@dataclass(frozen=True)
class Attempt:
    at: datetime
    delivered: bool
    retryable: bool
    reason: str


@dataclass(frozen=True)
class RetryPolicy:
    attempts_per_channel: int
    backoff_base_seconds: float
    backoff_max_seconds: float


@dataclass
class Delivery:
    id: str
    channel: str
    fallbacks: list[str]
    """The recipient's next channels, in order, should this one fail."""
    status: Status
    due_at: datetime
    message: dict[str, Any]
    """What routing froze for sending and for the record: the event, the recipient's contact, the template,
    priority and privacy. A failover carries it to the next channel unchanged."""
    attempts: list[Attempt] = field(default_factory=list)
    last_error: str | None = None
    finished_at: datetime | None = None
    events: list[EventData] = field(default_factory=list)

    @property
    def event_id(self) -> str:
        return str(self.message["event_id"])

    @property
    def event_type(self) -> str:
        return str(self.message["event_type"])

    @property
    def recipient_key(self) -> str:
        return str(self.message["recipient_key"])

    @property
    def recipient_id(self) -> str:
        return str(self.message["recipient_id"])

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromisoformat(self.message["event"]["time"])

    def next_try_in(self, outcome: Outcome, policy: RetryPolicy) -> float | None:
        """Seconds until this channel is tried again after this outcome, or None when it ends here."""
        tries = len(self.attempts) + 1
        if outcome.delivered or not outcome.retryable or tries >= policy.attempts_per_channel:
            return None
        return retry_delay(tries, policy.backoff_base_seconds, policy.backoff_max_seconds, outcome.retry_after)

    def retry(self, outcome: Outcome, now: datetime, after: timedelta) -> None:
        self._attempted(outcome, now)
        self.status = Status.PENDING
        self.due_at = now + after
        self.last_error = outcome.reason

    def finish(self, outcome: Outcome, now: datetime, *, last_channel: bool = False) -> Delivery | None:
        """Sent, or failed on this channel: the delivery on the next channel when it fails over, else None.

        `last_channel`: the message itself is at fault (it cannot be rendered), so no other channel is tried.
        """
        self._attempted(outcome, now)
        self.finished_at = now
        self.last_error = None if outcome.delivered else outcome.reason
        if outcome.delivered:
            self.status = Status.DELIVERED
            self.events.append(NotificationDelivered(**self._announced(), delivered_at=now))
            return None
        if self.fallbacks and not last_channel:
            self.status = Status.FAILED
            return self._failed_over(now)
        self.status = Status.DEAD
        self.events.append(NotificationFailed(**self._announced(), error=outcome.reason[:1000]))
        return None

    def _attempted(self, outcome: Outcome, now: datetime) -> None:
        self.attempts.append(Attempt(now, outcome.delivered, outcome.retryable, outcome.reason))

    def _announced(self) -> dict[str, Any]:
        return {
            "notification_id": self.id,
            "recipient_id": self.recipient_id,
            "channel": self.channel,
            "cause_event_id": self.event_id,
            "cause_event_type": self.event_type,
            "attempts": len(self.attempts),
        }

    def _failed_over(self, now: datetime) -> Delivery:
        channel, *rest = self.fallbacks
        return Delivery(
            id=delivery_id(self.event_id, self.recipient_key, channel),
            channel=channel,
            fallbacks=rest,
            status=Status.PENDING,
            due_at=now,
            message={**self.message, "failed_over_from": self.channel},
        )
