"""Request and response bodies of the training catalogue and programmes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pacer_reviews.domain.programmes import Course
from pacer_shared.events.people import Role as PersonRole
from pacer_shared.events.reviews import TrainingCategory

COURSE_ID = r"^[a-z0-9][a-z0-9-]{1,63}$"


class CourseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    category: TrainingCategory = Field(description="The course's kind: onboarding, product, sales skills, ...")
    duration_minutes: int = Field(ge=1, le=10000, description="How long the course takes")
    pass_mark: Decimal | None = Field(
        default=None,
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="The assessment's pass mark (0-100); omit for a course without one",
    )


class CourseOut(CourseIn):
    course_id: str
    retired_at: datetime | None = Field(
        default=None, description="Since when it is retired: assigned to nobody new; open assignments go on"
    )


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: str = Field(min_length=1, max_length=64)
    due_days: int = Field(default=14, ge=1, le=365, description="Days to complete it from when it falls due")


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    courses: list[StepIn] = Field(min_length=1, max_length=50, description="In the order they fall due")
    onboarding: bool = Field(
        default=False, description="Assigned by itself to each assistant who first appears in the roster from now on"
    )


class ProgrammeOut(ProgrammeIn):
    programme_id: str
    onboarding_since: datetime | None = Field(description="Newcomers from this moment on are onboarded")
    retired_at: datetime | None = Field(
        default=None, description="Since when it is retired: nobody new is enrolled; who is enrolled goes on"
    )


class PopulationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team_id: str | None = Field(default=None, min_length=1, max_length=100, description="A team's active members")
    role: PersonRole | None = Field(default=None, description="Everyone active with this role (within the team if one)")
    person_ids: list[str] = Field(default=[], max_length=5000, description="And these people")


class EnrolmentResult(BaseModel):
    enrolled: list[str] = Field(description="Newly enrolled: their first course is assigned")
    already_enrolled: list[str] = Field(description="Enrolled before; nothing changed for them")


class ProgressStep(BaseModel):
    course_id: str
    course_title: str
    pass_mark: Decimal | None
    status: Literal["completed", "due", "upcoming"]
    assignment_id: str | None = Field(description="Once the course fell due: the assignment to complete")
    due_at: datetime | None
    completed_at: datetime | None
    score: Decimal | None


class EnrolmentOut(BaseModel):
    enrolment_id: str
    programme_id: str
    title: str
    onboarding: bool
    assigned_at: datetime
    completed_at: datetime | None
    completed_courses: int
    courses: list[ProgressStep]


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: Decimal | None = Field(
        default=None,
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="The assessment's score, for a course with an assessment",
    )


def course_out(course: Course) -> CourseOut:
    return CourseOut(
        course_id=course.course_id,
        title=course.title,
        category=course.category,
        duration_minutes=course.duration_minutes,
        pass_mark=course.pass_mark,
        retired_at=course.retired_at,
    )
