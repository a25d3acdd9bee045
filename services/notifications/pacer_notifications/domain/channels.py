"""The channels a message can go out on: the one list routing, settings, the API and the CLI read."""

from __future__ import annotations

from enum import StrEnum

from pacer_shared.events.people import ChatHandles


class Channel(StrEnum):
    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    WEBHOOK = "webhook"
    """Pacer's own signed webhook: a team's group chat or a local sink, never a person's handle."""


CHATS = tuple(channel for channel in Channel if channel is not Channel.EMAIL)
"""Every chat robot a message can be posted to (a team's group chat may be any of them)."""

PERSONAL_CHATS = tuple(Channel(system) for system in ChatHandles.model_fields)
"""The chat systems a person has a handle in (the roster's `chat`), in the order tried when they chose none.
A handle the roster gains without a channel here fails at import, not at the first message."""
