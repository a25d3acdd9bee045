"""The invitation notifications writes from a meeting event and its roster (no servers): an iTIP REQUEST in the team's
zone, the CANCEL of the series, the CANCEL of one person's attendance (which reaches them even after they left the
company), and version 1 events still on the topic."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from pacer_notifications.domain.invitation import invitation, series_of, uid
from pacer_notifications.domain.preferences import Preferences
from pacer_notifications.domain.recipients import channels_for, recipients
from pacer_notifications.domain.rules import load_rules
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.events import Event, EventData, decode, wrap
from pacer_shared.events.reviews import (
    MeetingAttendanceCancelled,
    MeetingCadence,
    MeetingCancelled,
    MeetingScheduled,
    MeetingSeries,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 21, 8, tzinfo=UTC)
FIRST = datetime(2026, 10, 26, 10, 30, tzinfo=BERLIN)
PEOPLE = {
    "mia": {"_id": "mia", "display_name": "Mia Manager", "email": "mia@example.com"},
    "ann": {"_id": "ann", "display_name": "Ann Assistant", "email": "ann@example.com"},
    "bob": {"_id": "bob", "display_name": "Bob Assistant", "email": "bob@example.com"},
    "cid": {"_id": "cid", "display_name": "Cid Assistant", "email": "cid@example.com", "active": False},
}
ABOUT: dict[str, Any] = {
    "meeting_id": "m-1",
    "team_id": "north",
    "title": "Weekly team meeting",
    "cadence": MeetingCadence.WEEKLY,
    "organizer_id": "mia",
    "timezone": "Europe/Berlin",
    # In UTC on purpose: the invitation puts it on the meeting zone's wall clock.
    "series_start": FIRST.astimezone(UTC),
    "duration_minutes": 45,
    "rrule": "FREQ=WEEKLY;BYDAY=MO",
}
PLAN: dict[str, Any] = {
    "weekday": 0,
    "hour": 10,
    "minute": 30,
    "occurrence_start": FIRST,
    "occurrence_end": FIRST + timedelta(minutes=45),
}


def written(event: MeetingSeries) -> tuple[str, icalendar.Calendar, icalendar.Event]:
    envelope = wrap(event, source="/tests", time=NOW)
    series = series_of(envelope)
    assert series is not None
    sent = invitation(series, PEOPLE, envelope.time)
    assert sent.filename == "invite.ics"
    calendar = icalendar.Calendar.from_ical(sent.content)
    (vevent,) = calendar.walk("VEVENT")
    return sent.content_type, calendar, vevent


def test_the_invitation_is_an_itip_request_in_the_teams_zone_naming_the_roster_people() -> None:
    content_type, calendar, event = written(
        MeetingScheduled(**ABOUT, **PLAN, attendee_ids=["mia", "ann", "bob", "gone"], sequence=0)
    )
    assert (content_type, calendar["METHOD"]) == ("text/calendar; method=REQUEST", "REQUEST")
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert event["UID"] == uid("m-1") == "m-1@meetings.pacer"
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "Weekly team meeting"
    assert event.decoded("DTSTART") == FIRST
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert event.decoded("DTSTAMP") == NOW, "when the revision was made: the same message if sent again"
    assert str(event["ORGANIZER"]) == "mailto:mia@example.com"
    assert event["ORGANIZER"].params["CN"] == "Mia Manager"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert list(attendees) == ["mailto:mia@example.com", "mailto:ann@example.com", "mailto:bob@example.com"], (
        "someone the roster does not know has no address to invite"
    )
    assert attendees["mailto:ann@example.com"]["CN"] == "Ann Assistant"
    assert attendees["mailto:ann@example.com"]["RSVP"] == "TRUE"
    assert attendees["mailto:ann@example.com"]["PARTSTAT"] == "NEEDS-ACTION"
    assert "RSVP" not in attendees["mailto:mia@example.com"], "the organizer answers nobody"
    assert event["STATUS"] == "CONFIRMED"


def test_a_cancelled_meeting_is_a_cancel_of_the_series_to_everyone() -> None:
    content_type, calendar, event = written(
        MeetingCancelled(**ABOUT, attendee_ids=["mia", "ann", "bob"], sequence=2, cancelled_by="mia")
    )
    assert (content_type, calendar["METHOD"]) == ("text/calendar; method=CANCEL", "CANCEL")
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (uid("m-1"), 2, "CANCELLED")
    assert [str(a) for a in event["ATTENDEE"]] == [f"mailto:{p}@example.com" for p in ("mia", "ann", "bob")]


def test_a_leavers_cancel_names_their_attendance_alone_and_leaves_the_series_standing() -> None:
    released = MeetingAttendanceCancelled(
        **ABOUT, attendee_ids=["mia", "ann", "bob"], sequence=1, released_ids=["cid"], reason="inactive"
    )
    content_type, calendar, event = written(released)
    assert (content_type, calendar["METHOD"], event["SEQUENCE"]) == ("text/calendar; method=CANCEL", "CANCEL", 1)
    assert str(event["ATTENDEE"]) == "mailto:cid@example.com", "an inactive person's address is still in the roster"
    assert "STATUS" not in event, "STATUS:CANCELLED would cancel the series for everyone"


def version_1(event_type: str, data: dict[str, Any]) -> Event[EventData]:
    """A meeting event as reviews published it before version 2, read as consumers read it: the invitation was inside,
    with everyone's address."""
    raw = {
        "id": str(uuid.uuid4()),
        "source": "/reviews",
        "type": event_type,
        "specversion": "1.0",
        "time": NOW.isoformat(),
        "subject": "m-1",
        "datacontenttype": "application/json",
        "dataversion": 1,
        "data": data,
    }
    return decode(json.dumps(raw).encode())


def old_invitation(method: str) -> dict[str, str]:
    """The `invite.ics` reviews wrote into a version 1 event (its VTIMEZONE has DTSTART and RRULE lines too)."""
    calendar = icalendar.Calendar()
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid("m-1"))
    event.add("dtstart", FIRST)
    event.add("dtend", FIRST + timedelta(minutes=45))
    event.add("rrule", icalendar.vRecur.from_ical("FREQ=WEEKLY;BYDAY=MO"))
    event.add("attendee", "mailto:ann@example.com", parameters={"CN": "Ann Assistant"})
    calendar.add_component(event)
    calendar.add_missing_timezones()
    content = calendar.to_ical().decode()
    return {"filename": "invite.ics", "content_type": f"text/calendar; method={method}", "content": content}


def test_version_1_events_still_on_the_topic_are_read_without_the_invitation_they_carried() -> None:
    about = {k: v for k, v in ABOUT.items() if k not in ("series_start", "duration_minutes", "rrule")}
    about |= {"cadence": "weekly", "attendee_ids": ["mia", "ann"], "sequence": 2}
    cancelled = version_1(
        "MeetingCancelled", {**about, "cancelled_by": "mia", "attachments": [old_invitation("CANCEL")]}
    )
    assert isinstance(cancelled.data, MeetingCancelled)
    assert "attachments" not in cancelled.data.model_dump(), "the upcaster drops the invitation"
    assert cancelled.data.series_start == FIRST, "when the series begins, read back from the invitation it carried"
    assert (cancelled.data.duration_minutes, cancelled.data.rrule) == (45, "FREQ=WEEKLY;BYDAY=MO")

    envelope = cancelled.envelope
    series = series_of(envelope)
    assert series is not None
    calendar = icalendar.Calendar.from_ical(invitation(series, PEOPLE, envelope.time).content)
    (event,) = calendar.walk("VEVENT")
    assert (calendar["METHOD"], event["SEQUENCE"], event["STATUS"]) == ("CANCEL", 2, "CANCELLED")
    assert event.decoded("DTSTART") == FIRST

    plan = {**about, **{k: v.isoformat() if isinstance(v, datetime) else v for k, v in PLAN.items()}}
    scheduled = version_1(
        "MeetingScheduled",
        {**plan, "duration_minutes": 45, "rrule": "FREQ=WEEKLY;BYDAY=MO", "attachments": [old_invitation("REQUEST")]},
    )
    series = series_of(scheduled.envelope)
    assert isinstance(series, MeetingScheduled)
    assert series.series_start == FIRST
    agenda_v1 = {**about, "occurrence_start": PLAN["occurrence_start"].isoformat()}
    agenda_v1 |= {"occurrence_end": PLAN["occurrence_end"].isoformat(), "talking_points": [], "attachments": []}
    agenda = version_1("MeetingAgendaReady", agenda_v1)
    assert "attachments" not in agenda.data.model_dump()
    assert series_of(agenda.envelope) is None, "an agenda carries no invitation"


def test_a_leavers_cancel_is_the_one_message_that_still_reaches_someone_inactive() -> None:
    rules = load_rules(None)
    released = MeetingAttendanceCancelled(
        **ABOUT, attendee_ids=["mia", "ann", "bob"], sequence=1, released_ids=["cid"], reason="inactive"
    )
    found, missing = recipients(
        rules.root["MeetingAttendanceCancelled"], wrap(released, source="/t", time=NOW), PEOPLE, []
    )
    assert ([r.key for r in found], missing) == (["person:cid"], []), "Cid left the company: the CANCEL still goes"
    assert found[0].person is not None
    assert channels_for(
        NotificationsSettings(),
        found[0].person,
        Preferences(),
        released.event_type,
        rules.root["MeetingAttendanceCancelled"],
    ) == ["email"]
    assert [name for name, rule in rules.root.items() if rule.to_leavers] == ["MeetingAttendanceCancelled"]
    scheduled = MeetingScheduled(**ABOUT, **PLAN, attendee_ids=["mia", "cid"], sequence=0)
    found, _ = recipients(rules.root["MeetingScheduled"], wrap(scheduled, source="/t", time=NOW), PEOPLE, [])
    assert [r.key for r in found] == ["person:mia"], "nothing else reaches someone who left"
