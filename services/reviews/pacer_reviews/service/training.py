"""Training: assignments with due dates, and completion by the assistant (with the assessment's score if the course
has one); the courses come from the catalogue."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn

from pacer_reviews.domain.programmes import Course
from pacer_reviews.service.assigning import assignment
from pacer_reviews.service.context import Reviews
from pacer_reviews.service.programmes import next_course
from pacer_shared.auth import Principal, Role
from pacer_shared.events.reviews import TrainingCompleted, TrainingDueSoon
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.people import can_see_person
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable
from pacer_shared.upgrades import Upgrade
from pacer_shared.waiting import poll

OPEN: Document = {"completed_at": None, "score": None, "attempts": []}


async def assign(reviews: Reviews, principal: Principal, person_id: str, course_id: str, due_at: datetime) -> Document:
    person = await reviews.runtime.people.get(person_id)
    if person is None:
        raise Unprocessable(f"person_id: {person_id!r} is not in the roster")
    if not principal.has(Role.HR, Role.ADMIN) and person.get("manager_id") != principal.subject:
        raise Forbidden("training is assigned by the person's manager or hr")

    async def work(session: Session) -> Document:
        event = await assignment(reviews, session, person_id, course_id, due_at, principal.subject, None)
        reviews.runtime.uow.publish(session, event)
        return {"_id": event.assignment_id, **event.model_dump(exclude={"assignment_id"}), **OPEN}

    return await reviews.runtime.uow.run(work)


async def complete(reviews: Reviews, principal: Principal, assignment_id: str, score: Decimal | None) -> Document:
    """Complete the course; an assessment below its pass mark is kept as an attempt and the course stays open."""
    now = reviews.runtime.clock.now()

    async def work(session: Session) -> Document:
        found = await reviews.training.get(assignment_id, session)
        if found is None:
            raise NotFound(f"no training assignment {assignment_id}")
        if found["person_id"] != principal.subject:
            raise Forbidden("the person assigned completes their training")
        if found["completed_at"] is not None:
            raise Conflict("this training is already completed", code="training_completed")
        course = await course_of(reviews, found["course_id"], session)
        attempts = [*found.get("attempts", []), {"score": score, "at": now}] if score is not None else []
        if not course.passed_by(score):
            assert score is not None  # passed_by refuses a missing score for a course with an assessment
            await reviews.training.attempted(assignment_id, score, now, session)
            return {**found, "attempts": attempts}
        await reviews.training.complete(assignment_id, now, score, session)
        events: list[Any] = [
            TrainingCompleted(
                assignment_id=assignment_id,
                person_id=found["person_id"],
                course_id=course.course_id,
                category=course.category,
                completed_at=now,
                score=score,
                programme_id=found.get("programme_id"),
            )
        ]
        if found.get("enrolment_id"):
            events += await next_course(reviews, session, found, now)
        for event in events:
            reviews.runtime.uow.publish(session, event)
        return {**found, "completed_at": now, "score": score, "attempts": attempts or found.get("attempts", [])}

    return await reviews.runtime.uow.run(work)


async def assignments_of(
    reviews: Reviews, principal: Principal, person_id: str, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """One page of the person's assignments, soonest due first, and the cursor of the next page if there is one."""
    person = await reviews.runtime.people.get(person_id)
    if person is None:
        raise NotFound(f"person {person_id!r} is not in the roster")
    if not can_see_person(principal, person):
        raise Forbidden("a person's training is seen by them, their manager and hr")
    after = decode_cursor(cursor) if cursor else None
    found = await reviews.training.of_person(person_id, after, limit + 1)
    last = found[limit - 1] if len(found) > limit else None
    return found[:limit], encode_cursor(last["due_at"], last["_id"]) if last else None


async def course_of(reviews: Reviews, course_id: str, session: Session | None = None) -> Course:
    course = await reviews.catalogue.courses.get(course_id, session)
    if course is None:
        raise NotFound(f"course {course_id!r} is no longer in the catalogue")
    return course


def shown(assignment: Document, course: Course) -> Document:
    """An assignment as the API answers it: with its course's title, category and pass mark from the catalogue."""
    return {
        **{k: v for k, v in assignment.items() if k != "_id"},
        "assignment_id": assignment["_id"],
        "course_title": course.title,
        "category": course.category,
        "pass_mark": course.pass_mark,
    }


# ---------------------------------------------------------------- reminders


def earlier_reminders(reviews: Reviews) -> Upgrade:
    """Assignments made before reminders existed carry no `remind_at`: planned once at start-up, they are reminded
    like any other (at once if their lead has begun; none for what is already past due)."""

    async def apply() -> int:
        lead = timedelta(hours=reviews.settings.training_reminder_hours)
        return await reviews.training.plan_earlier_reminders(reviews.runtime.clock.now(), lead)

    return Upgrade("training-reminders-for-earlier-assignments", apply)


class TrainingReminderWorker:
    """Reminds a person once that an open course falls due soon, whichever replica looks first."""

    def __init__(self, reviews: Reviews) -> None:
        self._reviews = reviews

    async def run(self) -> NoReturn:
        await poll(self.run_once, self._reviews.settings.scheduler_poll_seconds, "training reminder worker")

    async def run_once(self) -> None:
        now = self._reviews.runtime.clock.now()
        for found in await self._reviews.training.reminders_due(now, 200):
            await self._reviews.runtime.uow.run(functools.partial(self._remind, found, now))

    async def _remind(self, found: Document, now: datetime, session: Session) -> None:
        if not await self._reviews.training.take_reminder(found, now, session):
            return  # another replica reminded
        if found["completed_at"] is not None or found["due_at"] <= now:
            return  # done, or already past due while no worker ran: a "due soon" would be wrong
        reminder = TrainingDueSoon(
            assignment_id=found["_id"],
            person_id=found["person_id"],
            course_id=found["course_id"],
            course_title=found.get("course_title") or found["course_id"],
            due_at=found["due_at"],
            programme_id=found.get("programme_id"),
        )
        self._reviews.runtime.uow.publish(session, reminder)
