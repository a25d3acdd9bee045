"""Request and response models of the notifications API (preferences themselves are `domain.preferences`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pacer_notifications.domain.channels import Channel
from pacer_shared.emails import EmailAddress


class AttemptOut(BaseModel):
    at: datetime
    delivered: bool
    retryable: bool
    reason: str


class DeliveryOut(BaseModel):
    notification_id: str
    event_id: str
    event_type: str
    channel: str
    status: str
    due_at: datetime
    deferred: str | None
    attempts: list[AttemptOut]
    last_error: str | None
    retried_at: list[datetime] = Field(default_factory=list, description="When an admin sent it again by hand")

    @classmethod
    def of(cls, document: dict[str, Any]) -> DeliveryOut:
        return cls(
            notification_id=document["_id"],
            event_id=document["event_id"],
            event_type=document["event_type"],
            channel=document["channel"],
            status=document["status"],
            due_at=document["due_at"],
            deferred=document.get("deferred"),
            attempts=[AttemptOut(**a) for a in document.get("attempts", [])],
            last_error=document.get("last_error"),
            retried_at=document.get("retried_at", []),
        )


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class TestSendIn(BaseModel):
    channel: Channel
    to: EmailAddress | None = Field(default=None, description="For email: the address to send to")
    team_id: str | None = Field(default=None, description="For chat: test this team's channel instead")


class PreferenceOptions(BaseModel):
    """What a person can choose from on their preferences page, in this deployment."""

    channels: list[Channel] = Field(
        description="Channels a person can be reached on here, in the order used when they choose none"
    )
    optional_types: list[str] = Field(description="Notification types a person may turn off, per channel or all")
    mandatory_types: list[str] = Field(description="Notification types no one can turn off")
