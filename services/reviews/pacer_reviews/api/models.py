"""Request and response bodies of the reviews API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pacer_reviews.domain.anonymous import AnonymousAggregate
from pacer_reviews.domain.meeting_agenda import TeamAgenda
from pacer_reviews.domain.templates import TemplateIn
from pacer_reviews.service.flow import Assessment, Development
from pacer_shared.events.reviews import Cadence, MeetingCadence, TrainingCategory
from pacer_shared.mongo import Document

ReviewStatus = Literal["scheduled", "self_submitted", "completed", "acknowledged"]


class CycleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    cadence: Cadence
    template_name: str
    period_start: date
    period_end: date | None = Field(default=None, description="Only for a custom cadence (inclusive)")
    team_id: str | None = None
    role: str | None = Field(default=None, description="Population by role (default: assistants)")
    person_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=5000, description="Population by name (omit for team or role)"
    )
    recurring: bool = Field(default=False, description="Open the next period's cycle by itself")


class AcknowledgeIn(BaseModel):
    comment: str = Field(default="", max_length=4000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str
    course_id: str
    due_at: AwareDatetime = Field(description="With its UTC offset, e.g. 2026-12-31T00:00:00Z")


class DevelopmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str = Field(min_length=1, max_length=200)
    suggestion: str = Field(min_length=1, max_length=2000)
    course_id: str | None = Field(default=None, description="A course from the catalogue: assigned as training")


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: dict[str, int] = Field(default_factory=dict, description="Criterion key -> rating on the template's scale")
    strengths: str = Field(default="", max_length=4000)
    weaknesses: str = Field(default="", max_length=4000)
    development: list[DevelopmentIn] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=4000)

    def assessment(self) -> Assessment:
        development = [Development(**item.model_dump()) for item in self.development]
        return Assessment(**self.model_dump(exclude={"development"}), development=development)


# ---------------------------------------------------------------- responses


class CycleProgress(BaseModel):
    """How far a cycle is: its reviews per status and the steps called overdue."""

    cycle_id: str
    reviews: int = Field(description="Reviews the cycle scheduled")
    by_status: dict[str, int] = Field(description="scheduled | self_submitted | completed | acknowledged -> count")
    overdue: dict[str, int] = Field(description="self | manager -> reviews whose step was called overdue")


class Population(BaseModel):
    team_id: str | None
    role: str | None
    person_ids: list[str] | None


class CycleOut(BaseModel):
    cycle_id: str
    name: str
    cadence: Cadence
    template_id: str
    template_name: str
    period_start: date
    period_end: date = Field(description="The day after the period's last")
    population: Population
    recurring: bool
    opened_by: str
    opened_at: AwareDatetime
    next_open_at: AwareDatetime | None = Field(description="When a recurring cycle opens its next period")


class CycleWithProgress(CycleOut):
    progress: CycleProgress


class CyclePage(BaseModel):
    items: list[CycleWithProgress]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class GoalInput(BaseModel):
    goal_id: str
    title: str
    outcome: str = Field(description="achieved | missed")
    actual: str
    target: str


class FeedbackCounts(BaseModel):
    praise: int
    improvement: int
    themes: dict[str, int] = Field(description="Tag -> how often it was given")


class ActingLeadInput(BaseModel):
    scope: Literal["project", "team"]
    scope_name: str
    starts_on: date
    ends_on: date


class CustomerRatingInput(BaseModel):
    average: str | None = Field(description="Mean customer score (1-5) in the period, two decimals; none: no rating")
    count: int = Field(description="How many customer ratings the period holds (retracted ones left out)")


class ReviewInputs(BaseModel):
    """What a review pulls in from the period: goals closed, feedback received, anonymous aggregates released,
    projects or teams led as acting lead, customer ratings."""

    goals_achieved: int
    goals_missed: int
    at_risk_warnings: int
    attainment: str | None = Field(description="Mean of actual / target over the goals closed (none: no goal)")
    goals: list[GoalInput]
    feedback: FeedbackCounts
    anonymous_feedback: list[AnonymousAggregate]
    acting_leads: list[ActingLeadInput] = Field(
        default=[], description="Acting-lead assignments that ran in the period: evidence of leadership"
    )
    customer_ratings: CustomerRatingInput = Field(
        default=CustomerRatingInput(average=None, count=0),
        description="Customers' ratings of the person in the period (reviews completed before they were kept: none)",
    )


class ScoreLine(BaseModel):
    key: str
    name: str
    weight: str
    rating: str
    contribution: str
    source: str = Field(description="manager | goals")


class ScoreExplanation(BaseModel):
    """The score's formula, every input, its weight and its contribution."""

    formula: str
    lines: list[ScoreLine]
    missing: list[str] = Field(description="Inputs that did not exist, their weight left out")
    score: str
    rating: int
    label: str


class ReviewResult(BaseModel):
    score: str
    rating: int
    label: str
    explanation: ScoreExplanation
    inputs: ReviewInputs = Field(description="The inputs as they were when the review completed")
    input_ids: dict[str, list[str]]
    completed_at: AwareDatetime


class DevelopmentOut(BaseModel):
    area: str
    suggestion: str
    course_id: str | None


class AssessmentOut(BaseModel):
    ratings: dict[str, int]
    strengths: str
    weaknesses: str
    development: list[DevelopmentOut]
    comment: str
    submitted_by: str
    submitted_at: AwareDatetime


class Acknowledgement(BaseModel):
    comment: str
    at: AwareDatetime


class ReviewOut(BaseModel):
    """A review without its assessments, as lists show it."""

    review_id: str
    cycle_id: str
    cadence: Cadence
    person_id: str
    manager_id: str | None
    template_id: str
    period_start: AwareDatetime = Field(description="Midnight of the period's first day in the person's zone")
    period_end: AwareDatetime = Field(description="Midnight after the period's last day in the person's zone")
    period_first_day: date = Field(description="The period's first day in the person's own calendar")
    period_last_day: date = Field(description="The period's last day in the person's own calendar (inclusive)")
    status: ReviewStatus
    self_due_at: AwareDatetime
    manager_due_at: AwareDatetime
    overdue_raised: list[str] = Field(description="Steps called overdue: self, manager")
    next_due_at: AwareDatetime | None = Field(description="The next step deadline still watched (none: no more)")
    result: ReviewResult | None = Field(description="The score, once the manager completed the review")
    acknowledgement: Acknowledgement | None


class ReviewPage(BaseModel):
    items: list[ReviewOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ReviewWithAssessments(ReviewOut):
    self: AssessmentOut | None = Field(description="The self-assessment, once submitted")
    manager: AssessmentOut | None = Field(description="The manager's, once submitted (to the person: once completed)")


class OpenTraining(BaseModel):
    assignment_id: str
    course_id: str
    due_at: AwareDatetime


class ReviewDetail(ReviewWithAssessments):
    inputs: ReviewInputs = Field(description="The period's inputs; a completed review's as they were then")
    late_inputs: dict[str, list[str]] | None = Field(description="Ids of inputs that arrived after completion")
    open_training: list[OpenTraining]


class Attempt(BaseModel):
    score: Decimal
    at: datetime


class AssignmentOut(BaseModel):
    """One course assigned to one person; open until `completed_at`."""

    assignment_id: str
    person_id: str
    course_id: str
    course_title: str
    category: TrainingCategory
    due_at: datetime
    assigned_by: str
    review_id: str | None = Field(description="The review whose development suggestion assigned it, if one did")
    programme_id: str | None = Field(default=None, description="The programme it is a course of, if one")
    completed_at: datetime | None
    pass_mark: Decimal | None = Field(default=None, description="The assessment's pass mark (0-100), if it has one")
    score: Decimal | None = Field(default=None, description="The passing score it was completed with")
    attempts: list[Attempt] = Field(default=[], description="Every assessment score recorded, passed or not")


class AssignmentPage(BaseModel):
    items: list[AssignmentOut]
    next_cursor: str | None


class TemplateOut(TemplateIn):
    """A saved template version: what was sent, with its id, version and who saved it when."""

    template_id: str = Field(description="`<name>:v<version>`, what a cycle names")
    version: int
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, document: Document) -> TemplateOut:
        return cls.model_validate({"template_id": document["_id"], **{k: v for k, v in document.items() if k != "_id"}})


class TemplatePage(BaseModel):
    items: list[TemplateOut] = Field(description="Each template in its newest version, by name")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


# ---------------------------------------------------------------- meetings


class MeetingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team_id: str = Field(min_length=1, max_length=100)
    cadence: MeetingCadence = Field(
        description="weekly: every week on `weekday`; monthly: the month's first `weekday`; quarterly: the quarter's"
    )
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    hour: int = Field(ge=0, le=23, description="In the meeting's time zone")
    minute: int = Field(default=0, ge=0, le=59)
    duration_minutes: int = Field(ge=5, le=480)
    title: str | None = Field(default=None, min_length=1, max_length=200, description="Default: by the cadence")
    timezone: str | None = Field(default=None, description="IANA zone; default: the team's manager's")
    starts_on: date | None = Field(default=None, description="No occurrence before this day; default: today")


class MeetingChangeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    cadence: MeetingCadence | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)
    hour: int | None = Field(default=None, ge=0, le=23)
    minute: int | None = Field(default=None, ge=0, le=59)
    duration_minutes: int | None = Field(default=None, ge=5, le=480)
    timezone: str | None = None


class MeetingCancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class Occurrence(BaseModel):
    start: AwareDatetime
    end: AwareDatetime


class MeetingOut(BaseModel):
    meeting_id: str
    team_id: str
    title: str
    cadence: MeetingCadence
    weekday: int
    hour: int
    minute: int
    duration_minutes: int
    timezone: str
    rrule: str = Field(description="The recurrence as the invitation's RFC 5545 RRULE")
    organizer_id: str
    attendee_ids: list[str]
    sequence: int = Field(description="The invitation's revision: raised on every change and on cancellation")
    status: Literal["scheduled", "cancelled"]
    next_occurrence: Occurrence | None = Field(description="In UTC; null once cancelled")
    created_by: str
    created_at: AwareDatetime
    changed_at: AwareDatetime


class MeetingPage(BaseModel):
    items: list[MeetingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class AgendaOut(TeamAgenda):
    status: Literal["sent", "preview"] = Field(
        description="sent: as attendees received it a day before; preview: built now from the same facts"
    )


class ActionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=1000)
    owner_id: str = Field(description="An attendee of the meeting")
    due_at: AwareDatetime = Field(description="With its UTC offset; its owner is reminded a day before and once late")


class MinutesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurrence_start: AwareDatetime | None = Field(
        default=None, description="Which occurrence (one that has begun); default: the latest"
    )
    notes: str = Field(default="", max_length=20000)
    decisions: list[str] = Field(default_factory=list, max_length=50)
    action_items: list[ActionItemIn] = Field(default_factory=list, max_length=50)


class ActionItemOut(BaseModel):
    item_id: str
    meeting_id: str
    text: str
    owner_id: str
    due_at: AwareDatetime
    status: Literal["open", "done"]
    created_by: str
    created_at: AwareDatetime
    done_at: AwareDatetime | None
    done_by: str | None


class MinutesOut(BaseModel):
    meeting_id: str
    occurrence_start: AwareDatetime
    notes: str
    decisions: list[str]
    recorded_by: str
    recorded_at: AwareDatetime
    action_items: list[ActionItemOut]
