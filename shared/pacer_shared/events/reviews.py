"""Events published by the reviews service on `reviews.events`, keyed by the reviewed person."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.base import EventData, Record


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


class TrainingCategory(StrEnum):
    PRODUCT = "product"
    SALES_SKILLS = "sales_skills"
    COMPANY_POLICY = "company_policy"
    LEADERSHIP = "leadership"
    TIME_MANAGEMENT = "time_management"


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


class TrainingCompleted(EventData):
    event_type = "TrainingCompleted"
    topic = topics.REVIEWS_EVENTS
    subject_field = "person_id"

    assignment_id: str
    person_id: str
    course_id: str
    category: TrainingCategory
    completed_at: AwareDatetime
