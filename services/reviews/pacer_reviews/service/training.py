"""Training: a catalogue of courses, assignments with due dates, and completion by the assistant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role
from pacer_shared.events.reviews import TrainingAssigned, TrainingCategory, TrainingCompleted
from pacer_shared.mongo import Document, Session
from pacer_shared.paging import decode_cursor, encode_cursor
from pacer_shared.people import can_see_person
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable


@dataclass(frozen=True)
class Course:
    course_id: str
    title: str
    category: TrainingCategory


CATALOGUE = {
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


async def assignment(
    reviews: Reviews, session: Session, person_id: str, course_id: str, due_at: datetime, by: str, review_id: str | None
) -> TrainingAssigned:
    """Record an assignment in the caller's transaction and return its event."""
    course = CATALOGUE.get(course_id)
    if course is None:
        raise Unprocessable(f"course_id: no course {course_id!r} in the catalogue")
    assignment_id = str(uuid.uuid4())
    await reviews.training.add(
        {
            "_id": assignment_id,
            "person_id": person_id,
            "course_id": course_id,
            "due_at": due_at,
            "assigned_by": by,
            "review_id": review_id,
            "completed_at": None,
        },
        session,
    )
    return TrainingAssigned(
        assignment_id=assignment_id,
        person_id=person_id,
        course_id=course_id,
        course_title=course.title,
        category=course.category,
        due_at=due_at,
        assigned_by=by,
        review_id=review_id,
    )


async def assign(reviews: Reviews, principal: Principal, person_id: str, course_id: str, due_at: datetime) -> Document:
    person = await reviews.runtime.people.get(person_id)
    if person is None:
        raise Unprocessable(f"person_id: {person_id!r} is not in the roster")
    if not principal.has(Role.HR, Role.ADMIN) and person.get("manager_id") != principal.subject:
        raise Forbidden("training is assigned by the person's manager or hr")

    async def work(session: Session) -> Document:
        event = await assignment(reviews, session, person_id, course_id, due_at, principal.subject, None)
        reviews.runtime.uow.publish(session, event)
        return {"_id": event.assignment_id, **event.model_dump(exclude={"assignment_id"}), "completed_at": None}

    return await reviews.runtime.uow.run(work)


async def complete(reviews: Reviews, principal: Principal, assignment_id: str) -> Document:
    now = reviews.runtime.clock.now()

    async def work(session: Session) -> Document:
        found = await reviews.training.get(assignment_id, session)
        if found is None:
            raise NotFound(f"no training assignment {assignment_id}")
        if found["person_id"] != principal.subject:
            raise Forbidden("the person assigned completes their training")
        if found["completed_at"] is not None:
            raise Conflict("this training is already completed")
        await reviews.training.complete(assignment_id, now, session)
        course = CATALOGUE[found["course_id"]]
        reviews.runtime.uow.publish(
            session,
            TrainingCompleted(
                assignment_id=assignment_id,
                person_id=found["person_id"],
                course_id=course.course_id,
                category=course.category,
                completed_at=now,
            ),
        )
        return {**found, "completed_at": now}

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


def shown(assignment: Document) -> Document:
    """An assignment as the API answers it: with its course's title and category from the catalogue."""
    course = CATALOGUE[assignment["course_id"]]
    return {
        **{k: v for k, v in assignment.items() if k != "_id"},
        "assignment_id": assignment["_id"],
        "course_title": course.title,
        "category": course.category,
    }
