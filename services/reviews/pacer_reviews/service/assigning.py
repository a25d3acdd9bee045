"""Assigning one course to one person, inside the caller's transaction: by a manager, a review or a programme."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pacer_reviews.service.context import Reviews
from pacer_shared.events.reviews import TrainingAssigned
from pacer_shared.mongo import Session
from pacer_shared.problems import Unprocessable


async def assignment(
    reviews: Reviews,
    session: Session,
    person_id: str,
    course_id: str,
    due_at: datetime,
    by: str,
    review_id: str | None,
    enrolment: tuple[str, str] | None = None,
    *,
    continuing: bool = False,
) -> TrainingAssigned:
    """Record an assignment and return its event; `enrolment` is (programme id, enrolment id) for a programme's.

    A retired course is refused, except as the next course of an enrolment under way (`continuing`), which goes on
    with the courses it started with."""
    course = await reviews.catalogue.courses.get(course_id, session)
    if course is None:
        raise Unprocessable(f"course_id: no course {course_id!r} in the catalogue")
    if not continuing:
        course.refuse_if_retired("body.course_id")
    programme_id, enrolment_id = enrolment or (None, None)
    assignment_id = str(uuid.uuid4())
    # Reminded once, a lead before it is due; a course assigned within that lead needs no reminder beside its news.
    now = reviews.runtime.clock.now()
    remind_at = due_at - timedelta(hours=reviews.settings.training_reminder_hours)
    reminder = {"remind_at": remind_at} if remind_at > now else {}
    await reviews.training.add(
        {
            "_id": assignment_id,
            "person_id": person_id,
            "course_id": course_id,
            "course_title": course.title,
            "due_at": due_at,
            "assigned_by": by,
            "review_id": review_id,
            "programme_id": programme_id,
            "enrolment_id": enrolment_id,
            "completed_at": None,
            "score": None,
            "attempts": [],
            # Also what tells the reminders' upgrade (service/training.py) this one was made knowing of reminders.
            "assigned_at": now,
            **reminder,
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
        programme_id=programme_id,
        enrolment_id=enrolment_id,
    )
