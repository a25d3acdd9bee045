"""Turning domain events into CloudEvents and Kafka messages back into typed events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import ValidationError

from pacer_shared.events.base import EVENT_TYPES, EventData
from pacer_shared.events.envelope import CloudEvent


class InvalidEvent(Exception):
    """A message that cannot become a typed event; `reason` goes into the dead-letter headers."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # malformed | invalid-envelope | unknown-type | invalid-data | rejected


Payload = TypeVar("Payload", bound=EventData, covariant=True)


@dataclass(frozen=True)
class Event(Generic[Payload]):
    """A received event: its envelope (the data as it travelled) and its typed, upcast payload.

    A handler names the payloads it applies, `Event[GoalSet | GoalAdjusted]`, and mypy checks what it reads;
    its subscription delivers only those.
    """

    envelope: CloudEvent
    data: Payload

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def time(self) -> datetime:
        return self.envelope.time


DERIVED_IDS = uuid.UUID("1f0e3a52-4c1e-4a36-9b8e-7f1d2c9a0b11")


def derived_id(data: EventData, business_key: str) -> str:
    """An event id derived from the producer's own key: re-sending the same record (a retried request, a
    repeated import) publishes the same event id, which every consumer drops as a duplicate."""
    return str(uuid.uuid5(DERIVED_IDS, f"{data.event_type}:{business_key}"))


def wrap(data: EventData, *, source: str, time: datetime, event_id: str | None = None) -> CloudEvent:
    """The envelope for a payload about to be published."""
    return CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=data.event_type,
        time=time,
        subject=data.subject,
        dataversion=data.version,
        data=data.model_dump(mode="json", exclude_none=True),
    )


def _field_errors(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors())


def decode(raw: bytes | None) -> Event[EventData]:
    """Parse, validate and upcast one message value, or raise InvalidEvent saying why."""
    if not raw:
        raise InvalidEvent("empty message value", "malformed")
    try:
        # Parsed and validated in one pass by pydantic-core: about half the cost of json.loads + model_validate.
        envelope = CloudEvent.model_validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise InvalidEvent(f"not JSON: {_field_errors(error)}", "malformed") from error
        raise InvalidEvent(f"not a CloudEvent: {_field_errors(error)}", "invalid-envelope") from error
    model = EVENT_TYPES.get(envelope.type)
    if model is None:
        raise InvalidEvent(f"unknown event type {envelope.type!r}", "unknown-type")
    if envelope.dataversion > model.version:
        raise InvalidEvent(
            f"{envelope.type} dataversion {envelope.dataversion} is newer than this service knows ({model.version})",
            "unknown-type",
        )
    try:
        data = model.model_validate(model.upcast(dict(envelope.data), envelope.dataversion))
    except ValidationError as error:
        raise InvalidEvent(f"invalid {envelope.type}: {_field_errors(error)}", "invalid-data") from error
    return Event(envelope=envelope, data=data)
