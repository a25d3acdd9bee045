"""Events published by the reviews service on `reviews.events`, keyed by the reviewed person (meetings: by meeting)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.base import EventData, Record, SealedText, Sealing, upcaster
from pacer_shared.talking_points import TalkingPoint, people_in


class Cadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    CUSTOM = "custom"


class ReviewStep(StrEnum):
    SELF = "self"
    MANAGER = "manager"


class ReviewCycleOpened(EventData):
    event_type = "ReviewCycleOpened"
    topic = topics.REVIEWS_EVENTS
    subject_field = "cycle_id"

    cycle_id: str
    name: str
    cadence: Cadence
    period_start: AwareDatetime
    period_end: AwareDatetime
    template_id: str
    template_version: int
    population_size: int


class ReviewEvent(EventData):
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    review_id: str
    cycle_id: str
    person_id: str
    manager_id: str | None = None
    cadence: Cadence
    period_start: AwareDatetime
    period_end: AwareDatetime


class ReviewScheduled(ReviewEvent):
    event_type = "ReviewScheduled"
    self_due_at: AwareDatetime
    manager_due_at: AwareDatetime


class ReviewSubmitted(ReviewEvent):
    event_type = "ReviewSubmitted"
    step: ReviewStep
    submitted_by: str


class DevelopmentItem(Record):
    area: str
    suggestion: str
    course_id: str | None = None


class ReviewCompleted(ReviewEvent):
    event_type = "ReviewCompleted"
    score: Decimal = Field(description="Final score on the template's scale")
    rating: int
    rating_label: str
    goals_achieved: int = 0
    goals_missed: int = 0
    attainment: Decimal | None = Field(default=None, description="Mean goal attainment in the period")
    development: list[DevelopmentItem] = []


class ReviewOverdue(ReviewEvent):
    event_type = "ReviewOverdue"
    step: ReviewStep
    due_at: AwareDatetime
    responsible_id: str


class RoleProfileSaved(EventData):
    """hr saved a version of a role profile: the duties people in that roster role are evaluated against."""

    event_type = "RoleProfileSaved"
    topic = topics.REVIEWS_EVENTS
    subject_field = "profile_name"

    profile_id: str = Field(description="`<profile_name>:v<version>`")
    profile_name: str
    profile_version: int
    role: str = Field(description="The roster role (`PersonUpserted.role`) the profile describes")
    duty_keys: list[str]
    saved_by: str


class DutyEvaluationRecorded(EventData):
    """A manager (or hr) scored each duty of a person's role profile for a quarter, or corrected those scores."""

    event_type = "DutyEvaluationRecorded"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    evaluation_id: str = Field(description="`<person id>:<quarter>`")
    person_id: str
    manager_id: str | None = None
    quarter: str = Field(description="`YYYY-Qn`")
    profile_id: str = Field(description="The role profile version the duties come from, pinned at the first score")
    scores: dict[str, int] = Field(description="Duty key -> score on the 1-5 duty scale")
    average: Decimal
    revision: int = Field(description="1 when first recorded, one more with every correction")
    recorded_by: str


class TrainingCategory(StrEnum):
    PRODUCT = "product"
    SALES_SKILLS = "sales_skills"
    COMPANY_POLICY = "company_policy"
    LEADERSHIP = "leadership"
    TIME_MANAGEMENT = "time_management"
    ONBOARDING = "onboarding"


class TrainingAssigned(EventData):
    event_type = "TrainingAssigned"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    assignment_id: str
    person_id: str
    course_id: str
    course_title: str
    category: TrainingCategory
    due_at: AwareDatetime
    assigned_by: str
    review_id: str | None = None
    programme_id: str | None = Field(default=None, description="The programme whose next course this is, if one")
    enrolment_id: str | None = Field(default=None, description="The person's enrolment in that programme")


class TrainingDueSoon(EventData):
    """An open course falls due within the reminder's lead (reviews' `training_reminder_hours`): reminded once."""

    event_type = "TrainingDueSoon"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    assignment_id: str
    person_id: str
    course_id: str
    course_title: str
    due_at: AwareDatetime
    programme_id: str | None = Field(default=None, description="The programme the course belongs to, if one")


class TrainingCompleted(EventData):
    event_type = "TrainingCompleted"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    assignment_id: str
    person_id: str
    course_id: str
    category: TrainingCategory
    completed_at: AwareDatetime
    score: Decimal | None = Field(default=None, description="The assessment's score (at or above its pass mark)")
    programme_id: str | None = Field(default=None, description="The programme the course belongs to, if one")


class ProgrammeAssigned(EventData):
    """A person is enrolled in a programme: its first course is assigned with it, the next ones one by one."""

    event_type = "ProgrammeAssigned"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    enrolment_id: str
    programme_id: str
    title: str
    person_id: str
    course_ids: list[str] = Field(description="The programme's courses in the order they fall due")
    onboarding: bool = Field(description="Assigned by itself when the person first appeared in the roster")
    assigned_by: str | None = Field(description="Who assigned it; none for onboarding")


class ProgrammeCourseDue(EventData):
    """Completing a programme's course made its next one due: the person is told which, and by when."""

    event_type = "ProgrammeCourseDue"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    enrolment_id: str
    programme_id: str
    title: str = Field(description="The programme's title")
    person_id: str
    assignment_id: str
    course_id: str
    course_title: str
    due_at: AwareDatetime
    position: int = Field(description="Which course of the programme this is, from 1")
    courses: int = Field(description="How many courses the programme has")


class ProgrammeCompleted(EventData):
    event_type = "ProgrammeCompleted"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    enrolment_id: str
    programme_id: str
    title: str
    person_id: str
    completed_at: AwareDatetime


class MeetingCadence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class MeetingEvent(EventData):
    """A team meeting, keyed by the meeting: its invitations, changes and cancellation stay in order.

    Version 2 carries ids only: notifications writes the invitation (`invite.ics`) itself, with the names and
    addresses of its own roster, so nobody's name or address is written to `reviews.events`. Version 1 carried that
    invitation as `attachments`; its upcasters drop it.
    """

    version = 2
    topic = topics.REVIEWS_EVENTS
    subject_field = "meeting_id"

    meeting_id: str
    team_id: str
    title: str
    cadence: MeetingCadence
    organizer_id: str
    attendee_ids: list[str] = Field(description="Everyone invited: the team's members from the roster")
    timezone: str = Field(description="The IANA zone the meeting recurs in (weekday, hour)")
    sequence: int = Field(description="The iCalendar SEQUENCE: 0 when scheduled, one more on every change")


class MeetingSeries(MeetingEvent):
    """A revision of the series a calendar holds: what an invitation (RFC 5545 / 5546) says of it."""

    series_start: AwareDatetime = Field(
        description="DTSTART: the series' first occurrence, on the wall clock of `timezone` (with its offset)"
    )
    duration_minutes: int
    rrule: str = Field(description="The recurrence as an RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO")


class MeetingPlan(MeetingSeries):
    """When the meeting recurs and when it next takes place."""

    weekday: int = Field(description="0 Monday … 6 Sunday")
    hour: int
    minute: int
    occurrence_start: AwareDatetime = Field(description="The next occurrence")
    occurrence_end: AwareDatetime


class MeetingScheduled(MeetingPlan):
    event_type = "MeetingScheduled"


class MeetingChanged(MeetingPlan):
    event_type = "MeetingChanged"
    changed_by: str
    changes: list[str] = Field(
        description="What changed: title, cadence, weekday, hour, minute, duration_minutes, timezone, attendees"
    )


class MeetingCancelled(MeetingSeries):
    """The whole series is cancelled: every attendee gets a CANCEL with STATUS:CANCELLED."""

    event_type = "MeetingCancelled"
    cancelled_by: str
    reason: str | None = None


class MeetingAttendanceCancelled(MeetingSeries):
    """Someone left the team (or the company) while its meeting recurs: they get a CANCEL of their own attendance
    (same UID, the raised SEQUENCE); `attendee_ids` are those still invited, who get the MeetingChanged beside it."""

    event_type = "MeetingAttendanceCancelled"
    released_ids: list[str] = Field(description="Those no longer invited: the CANCEL goes to them")
    reason: str = Field(description="left_team | inactive")


class MeetingAgendaReady(MeetingEvent):
    """A day before an occurrence: its agenda, built from what the team's events said since the last one.

    Version 4 carries the points sealed (`pacer_shared.shredding`) for every person they name (`person_ids`): they
    hold goal titles and what people wrote, so anyone's erasure shreds the agenda's copies on the topic. Version 3
    carried them in clear, naming people by id only: a point about someone carries `about_id`, `who_id` or
    `owner_id`, and each reader puts in the name from their own roster (`pacer_shared.talking_points.render`).
    Version 2 carried their display names, in the points and in the English `talking_points`, which later versions
    no longer fill.
    """

    version = 4
    event_type = "MeetingAgendaReady"
    sealing = Sealing(texts=(), structured=("points",), people=("person_ids",), bound_to="meeting_id")
    occurrence_start: AwareDatetime
    occurrence_end: AwareDatetime
    person_ids: list[str] = Field(default_factory=list, description="The people the points name, in clear")
    sealed_points: SealedText | None = Field(
        default=None, description="The points as JSON, sealed for each of person_ids, bound to meeting_id"
    )
    points: list[TalkingPoint] | None = Field(
        default=None,
        description="In the order to discuss them (at-risk goals first), as codes and values, so each attendee "
        "reads them in their own language. In clear: in events before version 4, or naming no one",
    )
    talking_points: list[str] = Field(
        default_factory=list,
        description="The points in English, in events written before version 3 only (names and all)",
    )


class MeetingHeld(MeetingEvent):
    """The organizer recorded the minutes of an occurrence: it took place, with these decisions and action items."""

    event_type = "MeetingHeld"
    occurrence_start: AwareDatetime
    recorded_by: str
    decisions: int = Field(description="How many decisions the minutes record (their text stays in reviews)")
    action_item_ids: list[str]


class ActionItemEvent(EventData):
    """An action item from a meeting's minutes, keyed by its owner. Version 2 carries what people typed, the item
    and the meeting's title, sealed for its owner (`pacer_shared.shredding`); version 1 carried both in clear."""

    version = 2
    topic = topics.REVIEWS_EVENTS
    subject_field = "owner_id"
    sealing = Sealing(texts=("meeting_title", "text"), people=("owner_id",), bound_to="item_id")

    item_id: str
    meeting_id: str
    team_id: str
    sealed_meeting_title: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to item_id")
    sealed_text: SealedText | None = Field(default=None, description="Sealed for owner_id, bound to item_id")
    meeting_title: str | None = Field(default=None, description="In clear: in events of version 1 only")
    text: str | None = Field(default=None, description="In clear: in events of version 1 only")
    owner_id: str
    organizer_id: str
    due_at: AwareDatetime


class ActionItemDue(ActionItemEvent):
    event_type = "ActionItemDue"


class ActionItemOverdue(ActionItemEvent):
    event_type = "ActionItemOverdue"


# ---------------------------------------------------------------- version 1: the invitation inside the event

_FOLDED = re.compile(r"\r?\n[ \t]")
_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$(.*?)^END:VEVENT\r?$", re.MULTILINE | re.DOTALL)
"""The meeting itself: its VTIMEZONE has DTSTART and RRULE lines of its own (the zone's changes of offset)."""
_PROPERTY = re.compile(r"^(DTSTART|DTEND|RRULE)(?:;[^:\r\n]*)?:([^\r\n]*?)\r?$", re.MULTILINE)


def _without_invitation(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name != "attachments"}


def _series_from_invitation(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 said when the series begins only in the invitation it carried: read DTSTART, DTEND and RRULE back
    from that text (reviews wrote it; a property missing leaves the field missing, so the event is dead-lettered)."""
    upcast = _without_invitation(data)
    texts = [a.get("content") for a in data.get("attachments") or [] if isinstance(a, dict)]
    found = {
        name: value
        for text in texts
        if isinstance(text, str)
        for event in _VEVENT.findall(_FOLDED.sub("", text))[:1]
        for name, value in _PROPERTY.findall(event)
    }
    try:
        zone = ZoneInfo(str(data.get("timezone") or "UTC"))
        start, end = (_local(found[name], zone) for name in ("DTSTART", "DTEND"))
    except (KeyError, ValueError, ZoneInfoNotFoundError):
        return upcast
    minutes = int((end - start).total_seconds() // 60)
    return {
        "series_start": start.isoformat(),
        "duration_minutes": minutes,
        "rrule": found.get("RRULE"),
        **upcast,
    }


def _local(value: str, zone: ZoneInfo) -> datetime:
    """An iCalendar DATE-TIME (RFC 5545 section 3.3.5): in UTC with a final Z, else on the TZID's wall clock."""
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    return moment.replace(tzinfo=UTC).astimezone(zone) if value.endswith("Z") else moment.replace(tzinfo=zone)


for _series in (MeetingScheduled, MeetingChanged, MeetingCancelled, MeetingAttendanceCancelled):
    upcaster(_series, from_version=1)(_series_from_invitation)
for _other in (MeetingAgendaReady, MeetingHeld):
    upcaster(_other, from_version=1)(_without_invitation)
# Version 2's points read as they are: a name in a point is used where the point has no id (`render`).
upcaster(MeetingAgendaReady, from_version=2)(dict)


@upcaster(MeetingAgendaReady, from_version=3)
def _naming(data: dict[str, Any]) -> dict[str, Any]:
    """Version 3's points in clear, and the people they name beside them, as version 4 carries them."""
    return {**data, "person_ids": sorted(people_in(data.get("points") or []))}


upcaster(ActionItemDue, from_version=1)(dict)  # read as written: the texts in clear, nothing sealed
upcaster(ActionItemOverdue, from_version=1)(dict)
