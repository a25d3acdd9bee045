"""Request and response models of the connectors API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ConnectionStatus(BaseModel):
    id: str
    crm: str
    objects: list[str]
    last_sync_at: datetime | None = Field(description="When the connection last applied anything from the CRM")
    caught_up_at: datetime | None = Field(description="When a catch-up pass last finished without error")
    lag_seconds: float | None = Field(description="Seconds since `caught_up_at`: how stale Pacer's view may be")
    backfilling: bool = Field(description="The first pass (or an interrupted one) is still paging")
    records_seen: int
    activities_recorded: int
    activities_retracted: int
    errors: int = Field(description="Failed sync passes since the connection was first seen")
    last_error: str | None = Field(description="The last failure, cleared by the next clean pass")
    last_error_at: datetime | None
    unmapped_users: dict[str, int] = Field(
        description="CRM users (email, else id) who are no Pacer person -> their records that count for nothing"
    )
    last_unreadable: list[str] = Field(description="The latest records the mapping could not read, and why")
    channel_expires_at: datetime | None = Field(description="When the CRM's push channel lapses unless renewed")


class ConnectionList(BaseModel):
    items: list[ConnectionStatus]


class CallbackAccepted(BaseModel):
    changes: int = Field(description="Activities recorded or retracted because of this callback")
