"""A person's notification preferences: channels, opt-outs, quiet hours and digests, in their own time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pacer_notifications.domain.channels import Channel

CHANNELS = tuple(Channel)


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: time = Field(description="Local time quiet hours begin, e.g. 22:00")
    end: time = Field(description="Local time they end, e.g. 08:00 (may be on the next day)")

    @field_validator("start", "end")
    @classmethod
    def _local(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("a local time in the person's time zone, without a UTC offset (e.g. 22:00)")
        return value

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet period that contains `moment` ends."""
        local = moment.astimezone(zone)
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


class Digest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    frequency: DigestFrequency = DigestFrequency.DAILY
    hour: int = Field(default=17, ge=0, le=23)
    weekday: int = Field(default=4, ge=0, le=6, description="For weekly digests, 0 = Monday")

    def next_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        local = moment.astimezone(zone)
        candidate = datetime.combine(local.date(), time(self.hour), tzinfo=zone)
        step = timedelta(days=1)
        if self.frequency is DigestFrequency.WEEKLY:
            candidate += timedelta(days=(self.weekday - local.weekday()) % 7)
            step = timedelta(days=7)
        if candidate <= local:
            candidate += step
        return candidate.astimezone(moment.tzinfo)


class Preferences(BaseModel):
    """Stored per person; everything optional, so a person with no preferences gets sensible defaults."""

    model_config = ConfigDict(extra="forbid")

    channels: list[str] | None = Field(
        default=None,
        description="Channels in order of preference; the first that works is used, the rest are fallbacks",
    )
    disabled: dict[str, list[str]] = Field(
        default_factory=dict, description="Event type -> channels turned off for it ('*' for all channels)"
    )
    quiet_hours: QuietHours | None = None
    digest: Digest | None = Field(default=None, description="Batch low-priority messages into one at this time")

    @model_validator(mode="after")
    def _known_channels(self) -> Preferences:
        named = [*(self.channels or []), *(c for cs in self.disabled.values() for c in cs if c != "*")]
        if unknown := sorted(set(named) - set(CHANNELS)):
            raise ValueError(f"unknown channel(s) {', '.join(unknown)}; use {', '.join(CHANNELS)}")
        return self

    def wants(self, event_type: str, channel: str) -> bool:
        off = self.disabled.get(event_type, [])
        return channel not in off and "*" not in off
