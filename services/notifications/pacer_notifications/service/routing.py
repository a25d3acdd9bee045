"""From events to deliveries: rules pick the recipients, preferences pick channel, time and batching.

Runs inside the consumer's transaction, so each event's deliveries are created
exactly once; sending happens later, in the delivery worker, so a slow endpoint
never holds up the stream.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bson import ObjectId

from pacer_notifications.domain import invitation
from pacer_notifications.domain.delivery import Delivery, Status, delivery_id
from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.recipients import Recipient, about, channels_for, contact, named_in, recipients
from pacer_notifications.domain.rules import Rule
from pacer_notifications.domain.timing import Timing, timing
from pacer_notifications.service.context import Notifications
from pacer_shared import talking_points
from pacer_shared.events import CloudEvent, Event, EventData
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session

log = get_logger(__name__)


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
        found, missing = recipients(rule, envelope, roster.people, roster.hr)
        if missing and (envelope.id not in waited_out or not found):
            await _park(notifications, envelope, f"not in the roster yet: {', '.join(missing)}", session)
            parked.add(envelope.id)
            continue
        if missing:
            log.warning(
                "routing without people who never appeared in the roster", event_id=envelope.id, missing=missing
            )
        routed.append((envelope, rule, found))
    preferences = await notifications.repository.preferences_for(
        {r.person["_id"] for _, _, found in routed for r in found if r.person is not None}, session
    )
    now = notifications.runtime.clock.now()
    deliveries = [
        delivery
        for envelope, rule, found in routed
        for attachments in [_attachments(rule, envelope, roster.people)]
        for named in [_names(envelope, roster.people)]
        for recipient in found
        for delivery in _deliveries_for(
            notifications,
            rule,
            envelope,
            recipient,
            about(envelope, roster.people),
            preferences,
            now,
            attachments,
            named,
        )
    ]
    await notifications.repository.add(deliveries, session)
    notifications.queue.routed(d.id for d in deliveries if d.due_at <= now)
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
            person_id
            for envelope, rule in ruled
            for kind in rule.recipients
            if kind.startswith("field:")
            for person_id in named_in(envelope, kind)
        }
        named |= {person_id for envelope, rule in ruled for person_id in _invited(rule, envelope)}
        named |= {person_id for envelope, _ in ruled for person_id in _named(envelope)}
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


def _named(envelope: CloudEvent) -> list[str]:
    """The people an agenda's talking points name (MeetingAgendaReady), by id: beside the sealed points from version
    4 on, read from the points themselves before."""
    data = envelope.data if isinstance(envelope.data, dict) else {}
    if isinstance(named := data.get("person_ids"), list):
        return sorted(named)
    points = data.get("points")
    return sorted(talking_points.people_in(points if isinstance(points, list) else []))


def _names(envelope: CloudEvent, people: Mapping[str, Document]) -> list[Document]:
    """The names of the people an agenda's points name, from the roster at routing time, as sending needs them."""
    return [
        {"person_id": person_id, "display_name": people[person_id]["display_name"]}
        for person_id in _named(envelope)
        if person_id in people
    ]


def _invited(rule: Rule, envelope: CloudEvent) -> list[str]:
    """Whom a meeting's invitation names, to be read from the roster with the recipients."""
    series = invitation.series_of(envelope) if rule.invitation else None
    return invitation.people_named(series) if series is not None else []


def _attachments(rule: Rule, envelope: CloudEvent, people: Mapping[str, Document]) -> list[Document] | None:
    """The files the message carries when they are not the event's own: a meeting's invitation, written once per
    event with the names and addresses the roster has now, the same for every attendee. None: the event's files."""
    series = invitation.series_of(envelope) if rule.invitation else None
    if series is None:
        return None
    return [invitation.invitation(series, people, envelope.time).model_dump(mode="json")]


def _deliveries_for(
    notifications: Notifications,
    rule: Rule,
    envelope: CloudEvent,
    recipient: Recipient,
    subject: Document,
    preferences_of: Mapping[str, Preferences],
    now: datetime,
    attachments: list[Document] | None,
    names: list[Document],
) -> list[Delivery]:
    message: Document = {
        "event_id": envelope.id,
        "event_type": envelope.type,
        "event": envelope.model_dump(mode="json"),
        "recipient_key": recipient.key,
        "recipient_id": recipient.person["_id"] if recipient.person else recipient.team_id,
        "person": contact(recipient.person),
        "about": subject,
        "template": rule.template,
        "priority": rule.priority.value,
        "private": rule.private,
        "created_at": now,
        "seq": ObjectId(),  # increasing: among messages due at once, the routing order
        "digest": False,
    }
    if attachments is not None:
        message["attachments"] = attachments
    if names:
        message["names"] = names
    if recipient.person is None:
        endpoint = notifications.settings.endpoint("team", team_id=recipient.team_id)
        if endpoint is None:
            return []
        channels: list[str] = [endpoint[0]]
        when = Timing(now)
    else:
        preferences = preferences_of.get(recipient.person["_id"]) or Preferences()
        channels = channels_for(notifications.settings, recipient.person, preferences, envelope.type, rule)
        if not channels:
            return []
        when = timing(rule, preferences, ZoneInfo(recipient.person.get("timezone") or "UTC"), now)
        if when.deferred is not None:
            message |= {"digest": when.digest, "deferred": when.deferred}
    return [
        Delivery(
            id=delivery_id(envelope.id, recipient.key, channels[0]),
            channel=channels[0],
            fallbacks=channels[1:],
            status=Status.PENDING,
            due_at=when.due_at,
            message=message,
        )
    ]


async def _park(notifications: Notifications, envelope: CloudEvent, reason: str, session: Session) -> None:
    now = notifications.runtime.clock.now()
    expires_at = now + timedelta(seconds=notifications.settings.unknown_person_wait_seconds)
    await notifications.repository.park(envelope.model_dump(mode="json"), reason, now, expires_at, session)
