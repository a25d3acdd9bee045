"""Base class of event payloads, the registry of event types and their upcasters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Record(BaseModel):
    """An immutable value object nested inside event payloads; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SealedText(BaseModel):
    """A text only the keys of `key_ids` open together; destroying any one of them shreds it
    (`pacer_shared.shredding`)."""

    model_config = ConfigDict(frozen=True)

    alg: Literal["AES-256-GCM"] = "AES-256-GCM"
    key_ids: list[str] = Field(description="The people whose keys each unwrap one share of the data key, in order")
    shares: list[str] = Field(description="Each share of the data key wrapped under its person's key (base64)")
    nonce: str = Field(description="base64")
    ciphertext: str = Field(description="base64, with GCM's tag")


@dataclass(frozen=True)
class Sealing:
    """Which texts of an event travel sealed, for whom, and bound to what.

    Each text `name` travels as `sealed_name`, sealed under the keys of the people the fields `people` name, so
    erasing any one of them shreds it; the value of `bound_to` is the associated data, so a ciphertext cannot be
    moved to another event. Events written before the text was sealed carry it in clear as `name`.

    The outbox seals every event it stages (`PersonKeys.sealed`), so a producer builds events with their texts in
    clear and cannot forget to seal one; a consumer that reads them asks for them opened (`Subscription.opens`)."""

    texts: tuple[str, ...]
    people: tuple[str, ...]
    bound_to: str
    structured: tuple[str, ...] = ()
    """Texts that are not strings (a list of notes): sealed as their JSON, opened back into their type."""
    unless: tuple[str, str] | None = None
    """(field, value): an event whose field has that value carries its texts in clear (a team's goal names no
    one person, so no one's erasure is its to shred)."""

    def applies(self, data: Mapping[str, Any]) -> bool:
        return self.unless is None or str(data.get(self.unless[0])) != self.unless[1]

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.texts, *self.structured)


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
    sealing: ClassVar[Sealing | None] = None
    """The texts people wrote that the event carries sealed (`pacer_shared.shredding`)."""

    @model_validator(mode="after")
    def _sealed_or_clear(self) -> Self:
        for name in self.sealing.fields if self.sealing else ():
            if getattr(self, name) is not None and getattr(self, f"sealed_{name}") is not None:
                raise ValueError(f"{name} in clear (an older version) or sealed_{name}, not both")
        return self

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
