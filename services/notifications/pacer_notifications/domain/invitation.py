"""A team meeting's event as an iTIP message (RFC 5546) in iCalendar (RFC 5545), so mail clients put it in the calendar.

The event carries ids and times only; the names and addresses come from the roster notifications keeps, so they
never travel on `reviews.events`. Outlook, Google, DingTalk and Feishu read the same file: one VEVENT with a stable
UID whose SEQUENCE says which revision it is, a recurrence rule in the meeting's own time zone, and that zone's
VTIMEZONE.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from pacer_shared.events import CloudEvent
from pacer_shared.events.attachments import Attachment
from pacer_shared.events.base import EVENT_TYPES
from pacer_shared.events.reviews import MeetingAttendanceCancelled, MeetingCancelled, MeetingSeries

PRODID = "-//Pacer//Team meetings//EN"
UID_DOMAIN = "meetings.pacer"
FILENAME = "invite.ics"

Person = Mapping[str, Any]
"""A person as the roster projection holds them (`_id`, `display_name`, `email`)."""


def uid(meeting_id: str) -> str:
    """RFC 5545 section 3.8.4.7: globally unique and the same in every revision, or calendars add a second event."""
    return f"{meeting_id}@{UID_DOMAIN}"


def series_of(envelope: CloudEvent) -> MeetingSeries | None:
    """The meeting revision an event announces, read at the current version (a version 1 event is upcast), or None
    for an event that is not one."""
    model = EVENT_TYPES.get(envelope.type)
    if model is None or not issubclass(model, MeetingSeries):
        return None
    return model.model_validate(model.upcast(dict(envelope.data), envelope.dataversion))


def people_named(series: MeetingSeries) -> list[str]:
    """Whom the invitation names: the organizer, and the attendees (or, for an uninvitation, those released)."""
    named = series.released_ids if isinstance(series, MeetingAttendanceCancelled) else series.attendee_ids
    return [series.organizer_id, *named]


def invitation(series: MeetingSeries, people: Mapping[str, Person], stamped: datetime) -> Attachment:
    """REQUEST for a scheduled or changed meeting, CANCEL for a cancelled one or for those no longer invited.

    `stamped` is DTSTAMP, when the revision was made (the event's time), so a message sent again is the same message.
    """
    released = isinstance(series, MeetingAttendanceCancelled)
    method = "CANCEL" if released or isinstance(series, MeetingCancelled) else "REQUEST"
    text = _ical(series, method, people, stamped)
    # RFC 6047 (iMIP) section 2.4: the MIME part names the method too.
    return Attachment(filename=FILENAME, content_type=f"text/calendar; method={method}", content=text)


def _ical(series: MeetingSeries, method: str, people: Mapping[str, Person], stamped: datetime) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)  # RFC 5545 section 3.7.3
    calendar.add("version", "2.0")  # section 3.7.4
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)  # section 3.7.2; RFC 5546 sections 3.2.2 (REQUEST) and 3.2.5 (CANCEL)
    # A TZID-qualified local start (section 3.8.3.1) keeps 10:00 at 10:00 in the team's zone across summer time.
    start = series.series_start.astimezone(ZoneInfo(series.timezone))
    event = icalendar.Event()
    event.add("uid", uid(series.meeting_id))
    event.add("dtstamp", stamped)  # section 3.8.7.2: when this revision was made, in UTC
    event.add("sequence", series.sequence)  # section 3.8.7.4
    event.add("summary", series.title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=series.duration_minutes))
    event.add("rrule", icalendar.vRecur.from_ical(series.rrule))  # section 3.8.5.3
    organizer = _person(people, series.organizer_id)
    event.add("organizer", _address(organizer), parameters=_named(organizer))  # section 3.8.4.3
    released = isinstance(series, MeetingAttendanceCancelled)
    for person_id in people_named(series)[1:]:  # section 3.8.4.1
        attendee = _person(people, person_id)
        if not attendee.get("email"):
            continue  # without an address a calendar cannot reach them; the roster is the place to fix it
        parameters = {**_named(attendee), "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"}
        if method == "REQUEST" and person_id != series.organizer_id:
            parameters |= {"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
        event.add("attendee", _address(attendee), parameters=parameters)
    # RFC 5546 section 3.2.5: a CANCEL of the whole series says so in STATUS; one that uninvites some must not.
    if not released:
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    # RFC 5545 section 3.6.5: every TZID used needs its VTIMEZONE in the same object; icalendar builds it from the
    # zone database the service runs with.
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())


def _person(people: Mapping[str, Person], person_id: str) -> Person:
    """The roster's entry, or the id alone for someone it does not know (named by id, without an address)."""
    return people.get(person_id) or {"_id": person_id}


def _address(person: Person) -> str:
    return f"mailto:{person['email']}" if person.get("email") else f"urn:pacer:person:{person['_id']}"


def _named(person: Person) -> dict[str, str]:
    return {"CN": str(person.get("display_name") or person["_id"])}
