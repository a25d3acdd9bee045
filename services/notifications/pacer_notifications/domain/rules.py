"""Routing rules: which event types become messages, for whom, how urgent and how private."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

DEFAULT_RULES = Path(__file__).resolve().parents[1] / "rules.yaml"


class Priority(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"
    LOW = "low"


RECIPIENT_KINDS = ("subject", "manager", "team_channel", "hr")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    recipients: list[str] = Field(min_length=1)
    template: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    priority: Priority = Priority.NORMAL
    private: bool = False
    attachments: bool = False
    """The event's attachments (a team report's XLSX) are the point of the message: only email carries them."""
    invitation: bool = False
    """The message carries the meeting's invitation (`invite.ics`), which notifications writes from the event and
    its roster (`domain/invitation.py`): by email only, like an attachment."""
    to_leavers: bool = False
    """Sent to people the roster marks inactive too. Only a leaver's CANCEL of their meeting attendance is: without it
    the series they were invited to stays in their calendar; every other message stops when someone leaves."""

    @property
    def email_only(self) -> bool:
        return self.private or self.attachments or self.invitation

    @field_validator("recipients")
    @classmethod
    def _known(cls, recipients: list[str]) -> list[str]:
        for recipient in recipients:
            if recipient not in RECIPIENT_KINDS and not recipient.startswith("field:"):
                raise ValueError(f"unknown recipient {recipient!r}: use {', '.join(RECIPIENT_KINDS)} or field:<name>")
        return recipients


class Rules(RootModel[dict[str, Rule]]):
    def for_event(self, event_type: str) -> Rule | None:
        return self.root.get(event_type)


def load_rules(path: Path | None) -> Rules:
    return Rules.model_validate(yaml.safe_load((path or DEFAULT_RULES).read_text()))
