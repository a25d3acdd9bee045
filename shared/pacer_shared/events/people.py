"""Inbound roster contract on `org.people`, published by an HRIS or CRM (or the CSV import)."""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from pacer_shared import topics
from pacer_shared.emails import EmailAddress
from pacer_shared.events.base import EventData, Record


class Role(StrEnum):
    ASSISTANT = "assistant"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


class ChatHandles(Record):
    """The person's identity in each team-chat system, where they have one: posts to that system @-mention it."""

    slack: str | None = Field(default=None, description="Slack member id (U…)")
    teams: str | None = Field(default=None, description="Microsoft Entra object id or user principal name")
    wecom: str | None = Field(default=None, description="WeCom userid")
    dingtalk: str | None = Field(default=None, description="DingTalk userId")
    feishu: str | None = Field(default=None, description="Feishu/Lark open_id (ou_…)")


def validate_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA time zone {value!r}") from error
    return value


class PersonUpserted(EventData):
    """A person joined, changed or left (active = false). Keyed by person_id on a compacted topic."""

    event_type = "PersonUpserted"
    topic = topics.ORG_PEOPLE
    subject_field = "person_id"

    person_id: str = Field(min_length=1, max_length=128)
    display_name: str = Field(min_length=1, max_length=200)
    email: EmailAddress
    role: Role
    manager_id: str | None = None
    team_id: str | None = None
    leads_team_ids: list[str] = Field(
        default=[],
        description="Teams this person leads (sees the whole team, manages its team goals) beside the people "
        "reporting to them; without one, a team is led by the manager every one of its assistants reports to",
    )
    timezone: str = "UTC"
    locale: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    chat: ChatHandles = ChatHandles()
    active: bool = True

    _timezone = field_validator("timezone")(validate_timezone)


class PersonErased(EventData):
    """The person asked to be forgotten (or the organisation's retention says so): every service deletes what is
    about them and puts a pseudonym in place of their id where the organisation must keep a record (a ledger line's
    amount). Keyed by person_id on the compacted topic, so it stays as the person's last record and a replay keeps
    them erased; the records before it, with their name and email, are compacted away."""

    event_type = "PersonErased"
    topic = topics.ORG_PEOPLE
    subject_field = "person_id"

    person_id: str = Field(min_length=1, max_length=128)
