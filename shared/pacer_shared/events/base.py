"""Base class of event payloads, the registry of event types and their upcasters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Record(BaseModel):
    """An immutable value object nested inside event payloads; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class EventData(Record):
    """The `data` of one event type.

    Adding an optional field keeps `version`; any other change bumps it and registers
    an upcaster from the previous version. Consumers ignore unknown fields.
    """

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]
    """Logical topic (without prefix) the event is published to."""
    subject_field: ClassVar[str]
    """The field naming whom the event is about: the Kafka key, so one person's events stay in order."""
    subject_fallback: ClassVar[str | None] = None
    """The field that keys the event when an optional `subject_field` is absent."""
    upcasters: ClassVar[dict[int, Upcaster]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            return  # an intermediate base class
        if cls.event_type in EVENT_TYPES:
            raise TypeError(f"event type {cls.event_type} defined twice")
        cls.upcasters = {}
        EVENT_TYPES[cls.event_type] = cls

    @property
    def subject(self) -> str:
        value = getattr(self, self.subject_field)
        if value is None and self.subject_fallback is not None:
            value = getattr(self, self.subject_fallback)
        return str(value)

    @classmethod
    def upcast(cls, data: dict[str, Any], from_version: int) -> dict[str, Any]:
        """Bring `data` written at an older version up to the current one."""
        for version in range(from_version, cls.version):
            data = cls.upcasters[version](data)
        return data


EVENT_TYPES: dict[str, type[EventData]] = {}


def upcaster(event: type[EventData], from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register the function that turns `from_version` data into `from_version + 1` data."""

    def register(function: Upcaster) -> Upcaster:
        event.upcasters[from_version] = function
        return function

    return register
