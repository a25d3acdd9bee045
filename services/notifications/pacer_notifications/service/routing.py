"""From events to deliveries: rules pick the recipients, preferences pick channel, time and batching.

Runs inside the consumer's transaction, so each event's deliveries are created
exactly once; sending happens later, in the delivery worker, so a slow endpoint
never holds up the stream.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bson import ObjectId

from pacer_notifications.adapters.repository import delivery_id
from pacer_notifications.domain.channels import Channel
from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.rules import Priority, Rule
from pacer_notifications.service.context import Notifications
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.events import CloudEvent, Event, EventData
from pacer_shared.events.goals import OwnerKind
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session

log = get_logger(__name__)


@dataclass(frozen=True)
class Recipient:
    key: str
    """`person:<id>` or `team:<id>`: part of the delivery's unique key."""
    person: Document | None
    team_id: str | None = None


async def route_events(notifications: Notifications, events: Sequence[Event[EventData]], session: Session) -> None:
    await route(notifications, [event.envelope for event in events], session)


async def route(
    notifications: Notifications,
    envelopes: Sequence[CloudEvent],
    session: Session,
    waited_out: Collection[str] = frozenset(),
) -> set[str]:
    """Create the deliveries for these events, parking those whose people are unknown; the ids of those parked.

    An event that already waited as long as it may (`waited_out`) goes to the people who are known, without those
    who never appeared; only one that names nobody known is still returned as waiting. People and preferences are
    read once for the whole batch and the deliveries written in one bulk write: a handful of database round trips
    per consumed batch, not per event (bench/PERFORMANCE.md).
    """
    ruled = [(envelope, rule) for envelope in envelopes if (rule := notifications.rules.for_event(envelope.type))]
    if not ruled:
        return set()
    roster = await _Roster.load(notifications, ruled, session)
    routed: list[tuple[CloudEvent, Rule, list[Recipient]]] = []
    parked: set[str] = set()
    for envelope, rule in ruled:
        recipients, missing = roster.recipients(rule, envelope)
        if missing and (envelope.id not in waited_out or not recipients):
            await _park(notifications, envelope, f"not in the roster yet: {', '.join(missing)}", session)
            parked.add(envelope.id)
            continue
        if missing:
            log.warning(
                "routing without people who never appeared in the roster", event_id=envelope.id, missing=missing
            )
        routed.append((envelope, rule, recipients))
    preferences = await notifications.repository.preferences_for(
        {r.person["_id"] for _, _, recipients in routed for r in recipients if r.person is not None}, session
    )
    now = notifications.runtime.clock.now()
    deliveries = [
        delivery
        for envelope, rule, recipients in routed
        for recipient in recipients
        for delivery in _deliveries_for(
            notifications, rule, envelope, recipient, roster.about(envelope), preferences, now
        )
    ]
    await notifications.repository.add(deliveries, session)
    notifications.routed.update(dict.fromkeys(d["_id"] for d in deliveries if d["due_at"] <= now))
    return parked


@dataclass(frozen=True)
class _Roster:
    """The people a batch of events names: subjects, their managers, named fields and (if asked for) hr."""

    people: dict[str, Document]
    hr: list[Document]

    @classmethod
    async def load(
        cls, notifications: Notifications, ruled: Sequence[tuple[CloudEvent, Rule]], session: Session
    ) -> _Roster:
        people = notifications.runtime.people
        named = {envelope.subject for envelope, _ in ruled if envelope.subject} | {
            value
            for envelope, rule in ruled
            for kind in rule.recipients
            if kind.startswith("field:") and (value := envelope.data.get(kind.removeprefix("field:")))
        }
        found = await people.many(named, session)
        managers = {
            manager
            for envelope, rule in ruled
            if "manager" in rule.recipients
            and (manager := (found.get(envelope.subject or "") or {}).get("manager_id"))
            and manager not in found
        }
        found |= await people.many(managers, session)
        asks_hr = any("hr" in rule.recipients for _, rule in ruled)
        return cls(found, await people.with_role("hr", session) if asks_hr else [])

    def recipients(self, rule: Rule, envelope: CloudEvent) -> tuple[list[Recipient], list[str]]:
        """Who the rule sends this event to, and the people it names that the roster does not know."""
        subject = self.people.get(envelope.subject) if envelope.subject else None
        found: list[Recipient] = []
        missing: list[str] = []

        def person(person_id: str | None) -> None:
            if not person_id:
                return
            document = self.people.get(person_id)
            if document is None:
                missing.append(person_id)
            elif document.get("active", True):
                found.append(Recipient(key=f"person:{person_id}", person=document))

        for kind in rule.recipients:
            if kind == "subject":
                if subject is not None or not _is_team_event(envelope):
                    person(envelope.subject)
            elif kind == "manager":
                if subject is not None:
                    person(subject.get("manager_id"))
            elif kind == "hr":
                found.extend(Recipient(key=f"person:{hr['_id']}", person=hr) for hr in self.hr)
            elif kind == "team_channel":
                team = subject.get("team_id") if subject is not None else envelope.data.get("team_id")
                # A recognition granted as private goes to the person alone, whatever the rule says.
                if team and not rule.private and not envelope.data.get("private", False):
                    found.append(Recipient(key=f"team:{team}", person=None, team_id=team))
            elif kind.startswith("field:"):
                person(envelope.data.get(kind.removeprefix("field:")))
        unique = {r.key: r for r in found}
        return list(unique.values()), missing

    def about(self, envelope: CloudEvent) -> Document:
        """Who the event is about, as templates name them."""
        subject = self.people.get(envelope.subject) if envelope.subject else None
        if subject is not None:
            return {"person_id": subject["_id"], "display_name": subject["display_name"]}
        return {"person_id": envelope.subject, "display_name": envelope.data.get("title") or envelope.subject or ""}


def _contact(person: Document | None) -> Document | None:
    """What sending needs of the recipient, frozen at routing time (the roster may change before a retry)."""
    if person is None:
        return None
    fields = ("display_name", "email", "locale", "timezone", "chat")
    return {"person_id": person["_id"], **{f: person.get(f) for f in fields}}


def _is_team_event(envelope: CloudEvent) -> bool:
    return envelope.data.get("owner_kind") == OwnerKind.TEAM


def _deliveries_for(
    notifications: Notifications,
    rule: Rule,
    envelope: CloudEvent,
    recipient: Recipient,
    about: Document,
    preferences_of: Mapping[str, Preferences],
    now: datetime,
) -> list[Document]:
    base: Document = {
        "event_id": envelope.id,
        "event_type": envelope.type,
        "event": envelope.model_dump(mode="json"),
        "recipient_key": recipient.key,
        "recipient_id": recipient.person["_id"] if recipient.person else recipient.team_id,
        "person": _contact(recipient.person),
        "about": about,
        "template": rule.template,
        "priority": rule.priority.value,
        "private": rule.private,
        "status": "pending",
        "attempts": [],
        "created_at": now,
        "due_at": now,
        "seq": ObjectId(),  # increasing: among messages due at once, the routing order
        "digest": False,
    }
    if recipient.person is None:
        endpoint = notifications.settings.endpoint("team", team_id=recipient.team_id)
        if endpoint is None:
            return []
        return [
            {
                **base,
                "_id": delivery_id(envelope.id, recipient.key, endpoint[0]),
                "channel": endpoint[0],
                "fallbacks": [],
            }
        ]
    preferences = preferences_of.get(recipient.person["_id"]) or Preferences()
    channels = channels_for(notifications.settings, recipient.person, preferences, envelope.type, rule)
    if not channels:
        return []
    timing = _timing(rule, preferences, ZoneInfo(recipient.person.get("timezone") or "UTC"), now)
    return [
        {
            **base,
            **timing,
            "_id": delivery_id(envelope.id, recipient.key, channels[0]),
            "channel": channels[0],
            "fallbacks": channels[1:],
        }
    ]


def channels_for(
    settings: NotificationsSettings, person: Document, preferences: Preferences, event_type: str, rule: Rule
) -> list[str]:
    """The person's usable channels in their order; private matters only by email."""
    handles = person.get("chat") or {}
    chats = [c for c in settings.personal_channels() if c is not Channel.EMAIL and handles.get(c)]
    available = (["email"] if person.get("email") else []) + chats
    mandatory = event_type in settings.mandatory_event_types
    if rule.private:  # by email even when the person put chats first or alone: a chat is the one place it cannot go
        return ["email"] if "email" in available and (mandatory or preferences.wants(event_type, "email")) else []
    order = preferences.channels or [*chats, "email"]
    chosen = [c for c in order if c in available and (mandatory or preferences.wants(event_type, c))]
    if mandatory:
        # A mandatory message goes out even if every channel was turned off, and falls over to every channel the
        # person has, chosen or not, before it is given up (and counted: MANDATORY_UNDELIVERED in delivery).
        chosen += [c for c in available if c not in chosen]
    return chosen


def _timing(rule: Rule, preferences: Preferences, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    if rule.priority is Priority.LOW and preferences.digest is not None:
        return {"due_at": preferences.digest.next_after(now, zone), "digest": True, "deferred": "digest"}
    quiet = preferences.quiet_hours
    if rule.priority is not Priority.URGENT and quiet is not None and quiet.contains(now.astimezone(zone).time()):
        return {"due_at": quiet.end_after(now, zone), "deferred": "quiet_hours"}
    return {}


async def _park(notifications: Notifications, envelope: CloudEvent, reason: str, session: Session) -> None:
    now = notifications.runtime.clock.now()
    expires = now.timestamp() + notifications.settings.unknown_person_wait_seconds
    await notifications.repository.parked.update_one(
        {"_id": envelope.id},
        {
            "$setOnInsert": {
                "event": envelope.model_dump(mode="json"),
                "parked_at": now,
                "expires_at": datetime.fromtimestamp(expires, tz=now.tzinfo),
            },
            "$set": {"reason": reason},
        },
        upsert=True,
        session=session,
    )
