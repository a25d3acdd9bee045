"""Settings of the notifications service, read from PACER_NOTIFICATIONS_* (then PACER_*) environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from pacer_notifications.domain.channels import CHATS, PERSONAL_CHATS, Channel
from pacer_shared.settings import ServiceSettings


class ChatEndpointSetting(BaseModel):
    """A chat robot's webhook URL and, for DingTalk, Feishu and the generic webhook, its signing secret."""

    url: str
    secret: SecretStr | None = None


class TeamChannelSetting(ChatEndpointSetting):
    channel: Channel

    @field_validator("channel")
    @classmethod
    def _a_chat(cls, channel: Channel) -> Channel:
        if channel not in CHATS:
            raise ValueError(f"a team's group chat is one of {', '.join(CHATS)}")
        return channel


class NotificationsSettings(ServiceSettings):
    service_name: ClassVar[str] = "notifications"
    seals_text: ClassVar[bool] = True

    http_port: int = 8105
    metrics_port: int = 9105

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_cafile: str | None = Field(
        default=None, description="CA bundle that vouches for the mail server's certificate (default: the system's)"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Pacer <pacer@localhost>"
    smtp_timeout_seconds: float = 10.0
    smtp_keepalive_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long an idle mail server connection is kept for the next message; 0: one per message",
    )

    chat_endpoints: dict[Channel, ChatEndpointSetting] = Field(
        default_factory=dict,
        description='Robot per chat system, JSON: {"dingtalk": {"url": "...", "secret": "..."}}',
    )
    team_channels: dict[str, TeamChannelSetting] = Field(
        default_factory=dict,
        description='Group chat per team, JSON: {"north": {"channel": "wecom", "url": "..."}}',
    )
    chat_base_url: str | None = Field(
        default=None,
        description="Local mode: post every chat system and team channel to <base>/<channel> (the chat sink)",
    )

    rules_file: Path | None = Field(default=None, description="Routing rules YAML; the built-in rules when unset")
    mandatory_event_types: list[str] = Field(
        default=["GoalMissed", "ReviewOverdue", "BonusApproved"], description="Types no one can turn off"
    )
    attempts_per_channel: int = Field(default=3, ge=1, description="Tries on one channel before failing over")
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_max_seconds: float = Field(default=300.0, gt=0)
    delivery_concurrency: int = Field(
        default=8, ge=1, description="Messages sent at once; one slow endpoint holds one slot"
    )
    delivery_poll_seconds: float = Field(default=0.5, gt=0)
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    unknown_person_wait_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How long an event waits for its people to reach the roster before it is dead-lettered",
    )

    def _refuse_development_defaults(self) -> None:
        super()._refuse_development_defaults()
        if self.smtp_security == "none" and not self.allow_insecure_transport:
            raise ValueError(
                "smtp_security: none sends mail (bonus amounts, passwords to the relay) unencrypted; use starttls "
                "or tls outside local mode, or set allow_insecure_transport"
            )

    def personal_channels(self) -> list[Channel]:
        """The channels a person can be reached on here, in the order used when they chose none: each chat
        system with a robot configured, then email."""
        return [*(chat for chat in PERSONAL_CHATS if self.endpoint(chat) is not None), Channel.EMAIL]

    def endpoint(self, channel: str, team_id: str | None = None) -> tuple[Channel, str, str | None] | None:
        """(channel, url, secret) for a person's chat system or a team's group chat, if configured."""
        if team_id is not None:
            team = self.team_channels.get(team_id)
            if team is not None:
                return team.channel, team.url, team.secret.get_secret_value() if team.secret else None
            if self.chat_base_url:
                return Channel.WEBHOOK, f"{self.chat_base_url}/team-{team_id}", None
            return None
        if channel not in CHATS:
            return None
        chat = Channel(channel)
        configured = self.chat_endpoints.get(chat)
        if configured is not None:
            return chat, configured.url, configured.secret.get_secret_value() if configured.secret else None
        if self.chat_base_url:
            return chat, f"{self.chat_base_url}/{chat}", None
        return None
