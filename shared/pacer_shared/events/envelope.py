"""The CloudEvents 1.0 envelope (structured JSON mode) every Pacer event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event; `id` is the idempotency key everywhere downstream."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1, description="UUID; unique per event, the idempotency key")
    source: str = Field(min_length=1, description="URI-reference of the producer, e.g. /pacer/goals")
    type: str = Field(min_length=1, description="The event's name, e.g. GoalMissed")
    time: AwareDatetime
    subject: str | None = Field(default=None, description="The person or team the event is about")
    datacontenttype: Literal["application/json"] = "application/json"
    dataversion: int = Field(default=1, ge=1, description="Version of the data schema (extension attribute)")
    data: dict[str, Any]

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        uuid.UUID(value)
        return value

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()
