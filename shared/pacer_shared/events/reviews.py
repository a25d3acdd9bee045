"""Events published by the reviews service on `reviews.events`, keyed by the reviewed person (meetings: by meeting)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.attachments import Attachment
from pacer_shared.events.base import EventData, Record
from pacer_shared.talking_points import TalkingPoint


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
    """A team meeting, keyed by the meeting: its invitations, changes and cancellation stay in order."""

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
    attachments: list[Attachment] = Field(
        default=[], description="The iTIP message (`invite.ics`) sent to every attendee with the notification"
    )


class MeetingPlan(MeetingEvent):
    """When the meeting recurs and when it next takes place."""

    weekday: int = Field(description="0 Monday … 6 Sunday")
    hour: int
    minute: int
    duration_minutes: int
    rrule: str = Field(description="The recurrence as an RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO")
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


class MeetingCancelled(MeetingEvent):
    event_type = "MeetingCancelled"
    cancelled_by: str
    reason: str | None = None


class MeetingAttendanceCancelled(MeetingEvent):
    """Someone left the team (or the company) while its meeting recurs: they get a CANCEL of their own attendance
    (same UID, the raised SEQUENCE); `attendee_ids` are those still invited, who get the MeetingChanged beside it."""

    event_type = "MeetingAttendanceCancelled"
    released_ids: list[str] = Field(description="Those no longer invited: the CANCEL attachment goes to them")
    reason: str = Field(description="left_team | inactive")


class MeetingAgendaReady(MeetingEvent):
    """A day before an occurrence: its agenda, built from what the team's events said since the last one."""

    event_type = "MeetingAgendaReady"
    occurrence_start: AwareDatetime
    occurrence_end: AwareDatetime
    talking_points: list[str] = Field(description="In the order to discuss them: at-risk goals first (in English)")
    points: list[TalkingPoint] = Field(
        default_factory=list,
        description="`talking_points` as codes and values, so each attendee reads them in their own language",
    )


class MeetingHeld(MeetingEvent):
    """The organizer recorded the minutes of an occurrence: it took place, with these decisions and action items."""

    event_type = "MeetingHeld"
    occurrence_start: AwareDatetime
    recorded_by: str
    decisions: int = Field(description="How many decisions the minutes record (their text stays in reviews)")
    action_item_ids: list[str]


class ActionItemEvent(EventData):
    """An action item from a meeting's minutes, keyed by its owner."""

    topic = topics.REVIEWS_EVENTS
    subject_field = "owner_id"

    item_id: str
    meeting_id: str
    team_id: str
    meeting_title: str
    text: str
    owner_id: str
    organizer_id: str
    due_at: AwareDatetime


class ActionItemDue(ActionItemEvent):
    event_type = "ActionItemDue"


class ActionItemOverdue(ActionItemEvent):
    event_type = "ActionItemOverdue"
