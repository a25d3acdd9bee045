"""Who a rule sends an event to, and on which of their channels: the rules, without the roster look-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pacer_notifications.domain.channels import Channel
from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.rules import Rule
from pacer_shared.events import CloudEvent
from pacer_shared.events.goals import OwnerKind

Person = Mapping[str, Any]
"""A person as the roster projection holds them (`_id`, `display_name`, `manager_id`, `team_id`, `chat`, ...)."""


@dataclass(frozen=True)
class Recipient:
    key: str
    """`person:<id>` or `team:<id>`: part of the delivery's unique key."""
    person: Person | None
    team_id: str | None = None


def recipients(
    rule: Rule, envelope: CloudEvent, people: Mapping[str, Person], hr: Sequence[Person]
) -> tuple[list[Recipient], list[str]]:
    """Who the rule sends this event to, and the people it names that the roster does not know."""
    subject = people.get(envelope.subject) if envelope.subject else None
    found: list[Recipient] = []
    missing: list[str] = []

    def person(person_id: str | None) -> None:
        if not person_id:
            return
        document = people.get(person_id)
        if document is None:
            missing.append(person_id)
        elif document.get("active", True) or rule.to_leavers:
            found.append(Recipient(key=f"person:{person_id}", person=document))

    for kind in rule.recipients:
        if kind == "subject":
            if subject is not None or not _is_team_event(envelope):
                person(envelope.subject)
        elif kind == "manager":
            if subject is not None:
                person(subject.get("manager_id"))
        elif kind == "hr":
            found.extend(Recipient(key=f"person:{someone['_id']}", person=someone) for someone in hr)
        elif kind == "team_channel":
            team = subject.get("team_id") if subject is not None else envelope.data.get("team_id")
            # A recognition granted as private goes to the person alone, whatever the rule says.
            if team and not rule.private and not envelope.data.get("private", False):
                found.append(Recipient(key=f"team:{team}", person=None, team_id=team))
        elif kind.startswith("field:"):
            for person_id in named_in(envelope, kind):
                person(person_id)
    unique = {r.key: r for r in found}
    return list(unique.values()), missing


def named_in(envelope: CloudEvent, kind: str) -> list[str]:
    """The ids in the event's field that a `field:<name>` recipient names: one id, or a list of them."""
    value = envelope.data.get(kind.removeprefix("field:"))
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def about(envelope: CloudEvent, people: Mapping[str, Person]) -> dict[str, Any]:
    """Who the event is about, as templates name them."""
    subject = people.get(envelope.subject) if envelope.subject else None
    if subject is not None:
        return {"person_id": subject["_id"], "display_name": subject["display_name"]}
    return {"person_id": envelope.subject, "display_name": envelope.data.get("title") or envelope.subject or ""}


def contact(person: Person | None) -> dict[str, Any] | None:
    """What sending needs of the recipient, frozen at routing time (the roster may change before a retry)."""
    if person is None:
        return None
    fields = ("display_name", "email", "locale", "timezone", "chat")
    return {"person_id": person["_id"], **{f: person.get(f) for f in fields}}


def _is_team_event(envelope: CloudEvent) -> bool:
    return envelope.data.get("owner_kind") == OwnerKind.TEAM


class ChannelsHere(Protocol):
    """What the deployment says about channels (the settings)."""

    mandatory_event_types: list[str]

    def personal_channels(self) -> list[Channel]: ...


def channels_for(
    here: ChannelsHere, person: Person, preferences: Preferences, event_type: str, rule: Rule
) -> list[str]:
    """The person's usable channels in their order; private matters only by email."""
    handles = person.get("chat") or {}
    chats = [c for c in here.personal_channels() if c is not Channel.EMAIL and handles.get(c)]
    available = (["email"] if person.get("email") else []) + chats
    mandatory = event_type in here.mandatory_event_types
    # By email even when the person put chats first or alone: a chat is the one place a private matter cannot go,
    # and no chat robot can carry an attachment.
    if rule.email_only:
        return ["email"] if "email" in available and (mandatory or preferences.wants(event_type, "email")) else []
    order = preferences.channels or [*chats, "email"]
    chosen = [c for c in order if c in available and (mandatory or preferences.wants(event_type, c))]
    if mandatory:
        # A mandatory message goes out even if every channel was turned off, and falls over to every channel the
        # person has, chosen or not, before it is given up (and counted: MANDATORY_UNDELIVERED in delivery).
        chosen += [c for c in available if c not in chosen]
    return chosen
