"""The training catalogue and programmes: courses with an optional assessment, programmes of courses in order, and
what a person's enrolment owes next. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from pacer_shared.events.reviews import TrainingCategory
from pacer_shared.problems import Unprocessable


@dataclass(frozen=True)
class Course:
    course_id: str
    title: str
    category: TrainingCategory
    duration_minutes: int = 60
    pass_mark: Decimal | None = None
    """The lowest assessment score (0-100) that completes the course; none when it has no assessment."""
    retired_at: datetime | None = None
    """Since when hr no longer offers it: nobody is assigned it anew, but whoever has it open finishes it."""

    def refuse_if_retired(self, field: str) -> None:
        """Refuse a new assignment of a retired course, naming the input that asked for it."""
        if self.retired_at is not None:
            raise Unprocessable(
                f"{field.split('.')[-1]}: course {self.course_id!r} is retired; restore it to assign it again",
                field=field,
                code="course_retired",
                ctx={"course": self.title},
            )

    def passed_by(self, score: Decimal | None) -> bool:
        """Whether completing with this score completes the course; a score its course cannot take is refused."""
        if self.pass_mark is None:
            if score is not None:
                raise Unprocessable(f"score: course {self.course_id!r} has no assessment")
            return True
        if score is None:
            raise Unprocessable(f"score: course {self.course_id!r} is completed with its assessment's score")
        return score >= self.pass_mark


DEFAULT_COURSES = {
    course.course_id: course
    for course in (
        Course("product-basics", "Product knowledge: the catalogue and pricing", TrainingCategory.PRODUCT),
        Course("product-advanced", "Product knowledge: configurations and competitors", TrainingCategory.PRODUCT),
        Course("crm-hygiene", "Sales skills: customer records that help the rep", TrainingCategory.SALES_SKILLS),
        Course("follow-up", "Sales skills: following up leads and quotes", TrainingCategory.SALES_SKILLS),
        Course(
            "compliance", "Company policy: discounts, approvals and data protection", TrainingCategory.COMPANY_POLICY
        ),
        Course("first-lead", "Leadership: coordinating a small team", TrainingCategory.LEADERSHIP),
        Course("time-blocks", "Time management: planning the week around customers", TrainingCategory.TIME_MANAGEMENT),
    )
}
"""The catalogue before hr changes anything: the courses reviews always had, under the same ids."""


@dataclass(frozen=True)
class Step:
    course_id: str
    due_days: int
    """Days the person has for the course from the moment it falls due."""


@dataclass(frozen=True)
class Programme:
    programme_id: str
    title: str
    steps: tuple[Step, ...]
    onboarding: bool = False
    retired_at: datetime | None = None
    """Since when hr no longer enrols anyone in it; who is enrolled goes on to the end."""

    def __post_init__(self) -> None:
        if not self.steps:
            raise Unprocessable("courses: a programme has at least one course")
        ids = [s.course_id for s in self.steps]
        if len(set(ids)) != len(ids):
            raise Unprocessable("courses: a course appears once in a programme")

    @property
    def course_ids(self) -> list[str]:
        return [s.course_id for s in self.steps]

    def step_after(self, done: int) -> Step | None:
        """The course that falls due once `done` courses are completed; none when the programme is through."""
        return self.steps[done] if done < len(self.steps) else None

    def due_at(self, step: Step, falls_due: datetime) -> datetime:
        return falls_due + timedelta(days=step.due_days)

    def refuse_if_retired(self, field: str) -> None:
        """Refuse a new enrolment in a retired programme."""
        if self.retired_at is not None:
            raise Unprocessable(
                f"{field.split('.')[-1]}: programme {self.title!r} is retired; restore it to enrol people again",
                field=field,
                code="programme_retired",
                ctx={"programme": self.title},
            )

    def without(self, retired: set[str]) -> tuple[Step, ...]:
        """The courses a new enrolment takes: the programme's, less those retired since it was set up."""
        return tuple(s for s in self.steps if s.course_id not in retired)


@dataclass(frozen=True)
class Population:
    """Whom a programme is assigned to: a team, a role, a list of people, or any of them together."""

    team_id: str | None = None
    role: str | None = None
    person_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.team_id is None and self.role is None and not self.person_ids:
            raise Unprocessable("population: name a team_id, a role or person_ids")


def is_newcomer(first_seen: datetime, onboarding_since: datetime) -> bool:
    """Someone the roster first showed once the onboarding programme was in place: people there before it are not
    new, and a replay of the roster finds the same first sighting, so the answer never changes."""
    return first_seen >= onboarding_since


def enrolment_id(programme_id: str, person_id: str) -> str:
    """One enrolment per person and programme: assigning again, or a redelivered roster event, finds it."""
    return f"{programme_id}:{person_id}"
