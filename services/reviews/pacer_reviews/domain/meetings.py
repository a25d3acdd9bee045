"""A team meeting: when it recurs in the team's time zone, who is invited, and its revisions (the SEQUENCE)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from pacer_shared.events import EventData
from pacer_shared.events.reviews import MeetingCadence

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
QUARTER_FIRST_MONTHS = (1, 4, 7, 10)


class MeetingRefused(Exception):
    """What was asked cannot be done to this meeting (it is cancelled); `code` names the reason for a client."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Schedule:
    """Weekly on a weekday; monthly on the month's first such weekday; quarterly on the quarter's first one."""

    cadence: MeetingCadence
    weekday: int
    hour: int
    minute: int
    duration_minutes: int
    timezone: str
    starts_on: date
    """No occurrence before this day (in the meeting's zone)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def rrule(self) -> str:
        """The RFC 5545 (section 3.8.5.3) RRULE value the invitation carries and the occurrences are counted by."""
        day = WEEKDAYS[self.weekday]
        if self.cadence is MeetingCadence.WEEKLY:
            return f"FREQ=WEEKLY;BYDAY={day}"
        interval = ";INTERVAL=3" if self.cadence is MeetingCadence.QUARTERLY else ""
        return f"FREQ=MONTHLY{interval};BYDAY=1{day}"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def first_start(self) -> datetime:
        """DTSTART: the first occurrence on or after `starts_on`, which RFC 5545 wants to be one the rule makes."""
        anchor = self.starts_on
        if self.cadence is MeetingCadence.MONTHLY:
            anchor = anchor.replace(day=1)
        elif self.cadence is MeetingCadence.QUARTERLY:
            anchor = date(anchor.year, QUARTER_FIRST_MONTHS[(anchor.month - 1) // 3], 1)
        wall = self._walls(datetime.combine(anchor, time(self.hour, self.minute)))
        first = next(w for w in wall if w.date() >= self.starts_on)
        return first.replace(tzinfo=self.zone)

    def occurrences(self, after: datetime, count: int = 1) -> list[datetime]:
        """The next `count` starts later than `after`, as aware times in the meeting's zone.

        Counted on the wall clock of the zone, as calendars do with a TZID: 10:00 stays 10:00 across a change to
        or from summer time, so the UTC instant moves by the hour.
        """
        found: list[datetime] = []
        for wall in self._walls(self.first_start().replace(tzinfo=None)):
            start = wall.replace(tzinfo=self.zone)
            if start > after:
                found.append(start)
                if len(found) == count:
                    break
        return found

    def previous(self, before: datetime) -> datetime | None:
        """The latest start earlier than `before`; None if the series begins at or after it."""
        found = None
        for wall in self._walls(self.first_start().replace(tzinfo=None)):
            start = wall.replace(tzinfo=self.zone)
            if start >= before:
                return found
            found = start
        return found

    def _walls(self, start: datetime) -> Iterator[datetime]:
        """Wall-clock starts from `start` on, made by the very RRULE the invitation carries."""
        return iter(rrulestr(self.rrule, dtstart=start))


@dataclass(frozen=True)
class Person:
    person_id: str
    display_name: str
    email: str | None


@dataclass
class Meeting:
    """One team's recurring meeting; every change raises `sequence`, as RFC 5546 (section 2.1.4) asks of an
    organizer who changes the time, the recurrence or the status."""

    meeting_id: str
    team_id: str
    title: str
    schedule: Schedule
    organizer: Person
    attendees: list[Person]
    sequence: int = 0
    status: str = "scheduled"
    events: list[EventData] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def next_occurrence(self, now: datetime) -> tuple[datetime, datetime] | None:
        if self.cancelled:
            return None
        (start,) = self.schedule.occurrences(now)
        return start, start + self.schedule.duration

    def change(self, title: str | None, schedule: Schedule) -> list[str]:
        """Apply what differs; nothing differing changes nothing (and raises no sequence)."""
        if self.cancelled:
            raise MeetingRefused(f"meeting {self.meeting_id} is cancelled; schedule a new one", "meeting_cancelled")
        before = {"title": self.title, **_plan(self.schedule)}
        after = {"title": title if title is not None else self.title, **_plan(schedule)}
        changed = [name for name in after if after[name] != before[name]]
        if changed:
            self.title = str(after["title"])
            self.schedule = replace(schedule, starts_on=self.schedule.starts_on)
            self.sequence += 1
        return changed

    def release(self, person_ids: set[str]) -> list[Person]:
        """Those who left the team are no longer invited: one revision (a SEQUENCE higher) without them. The
        organizer stays; a cancelled meeting invites nobody to release."""
        if self.cancelled:
            return []
        leaving = [a for a in self.attendees if a.person_id in person_ids and a.person_id != self.organizer.person_id]
        if leaving:
            self.attendees = [a for a in self.attendees if a not in leaving]
            self.sequence += 1  # RFC 5546 section 2.1.4: uninviting is a change of the event
        return leaving

    def cancel(self) -> None:
        if self.cancelled:
            raise MeetingRefused(f"meeting {self.meeting_id} is already cancelled", "meeting_cancelled")
        self.status = "cancelled"
        self.sequence += 1  # RFC 5546 section 2.1.4: a CANCEL always raises the sequence


def _plan(schedule: Schedule) -> dict[str, object]:
    return {
        "cadence": schedule.cadence,
        "weekday": schedule.weekday,
        "hour": schedule.hour,
        "minute": schedule.minute,
        "duration_minutes": schedule.duration_minutes,
        "timezone": schedule.timezone,
    }


def attendees_of(members: Sequence[Person], organizer: Person) -> list[Person]:
    """The organizer first, then the team's members by id: the same order in every revision of the invitation."""
    others = sorted((m for m in members if m.person_id != organizer.person_id), key=lambda m: m.person_id)
    return [organizer, *others]


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
