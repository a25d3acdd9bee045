"""Turning domain events into CloudEvents and Kafka messages back into typed events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar, Union, cast

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
)

from pacer_shared.events.base import EVENT_TYPES, EventData
from pacer_shared.events.envelope import CloudEvent


class InvalidEvent(Exception):
    """A message that cannot become a typed event; `reason` goes into the dead-letter headers."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # malformed | invalid-envelope | unknown-type | invalid-data | rejected


Payload = TypeVar("Payload", bound=EventData, covariant=True)


class Event(Generic[Payload]):
    """A received event: its envelope (the data as it travelled) and its typed, upcast payload.

    A handler names the payloads it applies, `Event[GoalSet | GoalAdjusted]`, and mypy checks what it reads;
    its subscription delivers only those.

    An event decoded from a message builds its `envelope` only when something reads it: most handlers need the
    id, type, time and payload alone, and a second model per event was a measurable share of ingest.
    """

    __slots__ = ("_envelope", "_raw", "data", "id", "time", "type")

    def __init__(self, envelope: CloudEvent | _Envelope, data: Payload, *, raw: bytes | None = None) -> None:
        """From its envelope; or, from `decode`, from the head of the message `raw` (validated whole with its
        payload in one pass), the envelope then being read from `raw` only if asked for."""
        self._envelope = envelope if isinstance(envelope, CloudEvent) else None
        self._raw = raw
        self.data = data
        self.id: str = envelope.id
        self.type: str = envelope.type
        self.time: datetime = envelope.time

    @property
    def envelope(self) -> CloudEvent:
        if self._envelope is None:
            assert self._raw is not None
            # Cannot fail: the same message passed a check at least as strict in `decode`.
            self._envelope = CloudEvent.model_validate_json(self._raw)
        return self._envelope

    def opened(self, data: Payload) -> None:  # type: ignore[misc]  # the same type, only opened
        """The payload with its sealed texts opened (`PersonKeys.opened`), in `data` and in the envelope alike."""
        self._envelope = self.envelope.model_copy(update={"data": data.model_dump(mode="json")})
        self.data = data

    def __repr__(self) -> str:
        return f"Event(id={self.id!r}, type={self.type!r}, data={self.data!r})"


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
    """Parse, validate and upcast one message value, or raise InvalidEvent saying why.

    One pass first: the envelope and the payload its type names, parsed and validated together by pydantic-core
    (`_typed`). A message that pass refuses, or written at an older data version, goes the full way
    (`_decode_in_steps`), which says why a message is refused and upcasts old versions: every event is held to the
    same constraints, and every refusal gives the same reason, whichever way it went.
    """
    if not raw:
        raise InvalidEvent("empty message value", "malformed")
    try:
        head = _typed().validate_json(raw)
    except ValidationError:
        return _decode_in_steps(raw)
    data = head.data
    # The registry can change after the one-pass decoder was built (tests register event types of their own).
    if head.dataversion != data.version or EVENT_TYPES.get(head.type) is not type(data):
        return _decode_in_steps(raw)
    return Event(head, data, raw=raw)


def _decode_in_steps(raw: bytes) -> Event[EventData]:
    try:
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


CANONICAL_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _Envelope(BaseModel):
    """`CloudEvent`'s attributes with its constraints, for the one-pass decoder; `type` and `data` are added per
    event type. `id` must be a UUID in its canonical form, checked by a pattern in pydantic-core instead of a Python
    call per event; the other spellings `uuid.UUID` accepts (braces, `urn:uuid:`) go the full way and still pass.
    Extension attributes are not kept here: `Event.envelope` reads them from the message."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(pattern=CANONICAL_UUID)
    source: str = Field(min_length=1)
    type: str
    time: AwareDatetime
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    dataversion: int = Field(default=1, ge=1)
    data: EventData

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class _OnePass:
    """A tagged union of one envelope model per registered event type, rebuilt when types are registered."""

    def __init__(self) -> None:
        self.known = -1
        self.adapter: TypeAdapter[_Envelope] | None = None

    def __call__(self) -> TypeAdapter[_Envelope]:
        if self.adapter is None or self.known != len(EVENT_TYPES):
            envelopes = [
                create_model(f"{name}Envelope", __base__=_Envelope, type=(_tag(name), ...), data=(model, ...))
                for name, model in EVENT_TYPES.items()
            ]
            union: Any = Annotated[Union[tuple(envelopes)], Discriminator("type")]  # noqa: UP007 (built at run time)
            self.adapter = cast(TypeAdapter[_Envelope], TypeAdapter(union))
            self.known = len(EVENT_TYPES)
        return self.adapter


_typed = _OnePass()


def _tag(name: str) -> Any:
    return Literal[name]
