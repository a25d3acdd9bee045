"""A meeting as an iTIP message (RFC 5546) in iCalendar (RFC 5545), so mail clients put it in the calendar.

Outlook, Google, DingTalk and Feishu read the same file: one VEVENT with a stable UID whose SEQUENCE says which
revision it is, a recurrence rule in the meeting's own time zone, and that zone's VTIMEZONE.
"""

from __future__ import annotations

from datetime import datetime

import icalendar

from pacer_reviews.domain.meetings import Meeting, Person
from pacer_shared.events.attachments import Attachment

PRODID = "-//Pacer//Team meetings//EN"
UID_DOMAIN = "meetings.pacer"
FILENAME = "invite.ics"


def uid(meeting_id: str) -> str:
    """RFC 5545 section 3.8.4.7: globally unique and the same in every revision, or calendars add a second event."""
    return f"{meeting_id}@{UID_DOMAIN}"


def invitation(meeting: Meeting, now: datetime) -> Attachment:
    """REQUEST for a scheduled or changed meeting, CANCEL for a cancelled one, as the event's attachment."""
    method = "CANCEL" if meeting.cancelled else "REQUEST"
    text = to_ical(meeting, method, now)
    # RFC 6047 (iMIP) section 2.4: the MIME part names the method too.
    return Attachment(filename=FILENAME, content_type=f"text/calendar; method={method}", content=text)


def uninvitation(meeting: Meeting, released: list[Person], now: datetime) -> Attachment:
    """CANCEL for those no longer invited (RFC 5546 section 3.2.5, "uninvite"): the same UID at the raised SEQUENCE,
    naming only them and without STATUS, which would cancel the whole series for everyone."""
    text = to_ical(meeting, "CANCEL", now, attendees=released)
    return Attachment(filename=FILENAME, content_type="text/calendar; method=CANCEL", content=text)


def to_ical(meeting: Meeting, method: str, now: datetime, attendees: list[Person] | None = None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)  # RFC 5545 section 3.7.3
    calendar.add("version", "2.0")  # section 3.7.4
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)  # section 3.7.2; RFC 5546 sections 3.2.2 (REQUEST) and 3.2.5 (CANCEL)
    schedule = meeting.schedule
    start = schedule.first_start()
    event = icalendar.Event()
    event.add("uid", uid(meeting.meeting_id))
    event.add("dtstamp", now)  # section 3.8.7.2: when this message was made, in UTC
    event.add("sequence", meeting.sequence)  # section 3.8.7.4
    event.add("summary", meeting.title)
    # A TZID-qualified local start (section 3.8.3.1) keeps 10:00 at 10:00 in the team's zone across summer time.
    event.add("dtstart", start)
    event.add("dtend", start + schedule.duration)
    event.add("rrule", icalendar.vRecur.from_ical(schedule.rrule))  # section 3.8.5.3
    event.add("organizer", _address(meeting.organizer), parameters=_named(meeting.organizer))  # section 3.8.4.3
    for attendee in meeting.attendees if attendees is None else attendees:  # section 3.8.4.1
        if attendee.email is None:
            continue  # without an address a calendar cannot reach them; the roster is the place to fix it
        parameters = {**_named(attendee), "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"}
        if method == "REQUEST" and attendee.person_id != meeting.organizer.person_id:
            parameters |= {"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
        event.add("attendee", _address(attendee), parameters=parameters)
    # RFC 5546 section 3.2.5: a CANCEL of the whole series says so in STATUS; one that uninvites some must not.
    if attendees is None:
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    # RFC 5545 section 3.6.5: every TZID used needs its VTIMEZONE in the same object; icalendar builds it from the
    # zone database the service runs with.
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())


def _address(person: Person) -> str:
    return f"mailto:{person.email}" if person.email else f"urn:pacer:person:{person.person_id}"


def _named(person: Person) -> dict[str, str]:
    return {"CN": person.display_name}
