"""Team meetings without servers: recurrence in the team's zone, revisions, and the iTIP message they make."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from pacer_reviews.domain.calendar import invitation, uid
from pacer_reviews.domain.meetings import Meeting, MeetingRefused, Person, Schedule, attendees_of
from pacer_shared.events.reviews import MeetingCadence

BERLIN = ZoneInfo("Europe/Berlin")
MIA = Person("mia", "Mia Manager", "mia@example.com")
ANN = Person("ann", "Ann Assistant", "ann@example.com")
BOB = Person("bob", "Bob Assistant", "bob@example.com")


def weekly(**changes: object) -> Schedule:
    fields: dict[str, object] = {
        "cadence": MeetingCadence.WEEKLY,
        "weekday": 0,
        "hour": 10,
        "minute": 30,
        "duration_minutes": 45,
        "timezone": "Europe/Berlin",
        "starts_on": date(2026, 10, 21),
    }
    return Schedule(**{**fields, **changes})  # type: ignore[arg-type]


def meeting(schedule: Schedule | None = None) -> Meeting:
    return Meeting("m-1", "north", "Weekly team meeting", schedule or weekly(), MIA, attendees_of([BOB, ANN, MIA], MIA))


def test_weekly_meetings_keep_their_local_hour_across_the_change_from_summer_time() -> None:
    plan = weekly()
    assert plan.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert plan.first_start() == datetime(2026, 10, 26, 10, 30, tzinfo=BERLIN), "the first Monday on or after the start"
    first, second = plan.occurrences(datetime(2026, 10, 20, tzinfo=UTC), count=2)
    assert (first.astimezone(UTC).hour, second.astimezone(UTC).hour) == (9, 9)
    before, _ = plan.occurrences(datetime(2026, 10, 19, tzinfo=UTC) - timedelta(days=7), count=2)
    assert before == first, "nothing before the first day"
    summer = weekly(starts_on=date(2026, 10, 19))
    in_summer, in_winter = summer.occurrences(datetime(2026, 10, 1, tzinfo=UTC), count=2)
    assert (in_summer.astimezone(UTC).hour, in_winter.astimezone(UTC).hour) == (8, 9), "10:30 local both weeks"


def test_monthly_and_quarterly_meetings_fall_on_the_first_weekday_of_their_month() -> None:
    monthly = weekly(cadence=MeetingCadence.MONTHLY, weekday=4)
    assert monthly.rrule == "FREQ=MONTHLY;BYDAY=1FR"
    assert [o.date() for o in monthly.occurrences(datetime(2026, 10, 21, tzinfo=UTC), 3)] == [
        date(2026, 11, 6),
        date(2026, 12, 4),
        date(2027, 1, 1),
    ]
    quarterly = weekly(cadence=MeetingCadence.QUARTERLY, weekday=2, starts_on=date(2026, 8, 15))
    assert quarterly.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE"
    assert quarterly.first_start().date() == date(2026, 10, 7), "the July one had passed: next quarter's"
    assert [o.date() for o in quarterly.occurrences(datetime(2026, 8, 1, tzinfo=UTC), 2)] == [
        date(2026, 10, 7),
        date(2027, 1, 6),
    ]


def test_every_change_raises_the_sequence_and_a_cancelled_meeting_cannot_change() -> None:
    subject = meeting()
    assert [a.person_id for a in subject.attendees] == ["mia", "ann", "bob"], "organizer first, then by id"
    assert subject.change(None, weekly()) == [], "nothing different, no new revision"
    assert subject.sequence == 0
    assert subject.change("Team sync", weekly(hour=11)) == ["title", "hour"]
    assert (subject.sequence, subject.title, subject.schedule.hour) == (1, "Team sync", 11)
    subject.cancel()
    assert (subject.sequence, subject.status, subject.next_occurrence(datetime.now(UTC))) == (2, "cancelled", None)
    with pytest.raises(MeetingRefused, match="cancelled"):
        subject.change("Again", weekly())
    with pytest.raises(MeetingRefused, match="already cancelled"):
        subject.cancel()


def test_the_invitation_is_an_itip_request_in_the_teams_zone_and_the_cancellation_a_cancel() -> None:
    subject = meeting()
    now = datetime(2026, 10, 21, 8, tzinfo=UTC)
    sent = invitation(subject, now)
    assert (sent.filename, sent.content_type) == ("invite.ics", "text/calendar; method=REQUEST")
    calendar = icalendar.Calendar.from_ical(sent.content)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert event["UID"] == uid("m-1")
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2026, 10, 26, 10, 30, tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert event.decoded("DTSTAMP") == now
    assert str(event["ORGANIZER"]) == "mailto:mia@example.com"
    assert event["ORGANIZER"].params["CN"] == "Mia Manager"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert list(attendees) == ["mailto:mia@example.com", "mailto:ann@example.com", "mailto:bob@example.com"]
    assert attendees["mailto:ann@example.com"]["RSVP"] == "TRUE"
    assert attendees["mailto:ann@example.com"]["PARTSTAT"] == "NEEDS-ACTION"
    assert event["STATUS"] == "CONFIRMED"

    subject.change(None, weekly(hour=9))
    subject.cancel()
    cancelled = invitation(subject, now)
    assert cancelled.content_type == "text/calendar; method=CANCEL"
    calendar = icalendar.Calendar.from_ical(cancelled.content)
    (event,) = calendar.walk("VEVENT")
    assert (calendar["METHOD"], event["UID"]) == ("CANCEL", uid("m-1"))
    assert (event["SEQUENCE"], event["STATUS"]) == (2, "CANCELLED")
