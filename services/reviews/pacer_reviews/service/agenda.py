"""The 1:1 agenda of a weekly check-in, read from the projections reviews already keep."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pacer_reviews.domain.agenda import (
    Agenda,
    CheckInFacts,
    FeedbackFacts,
    GoalFacts,
    TrainingFacts,
    Week,
    agenda,
)
from pacer_reviews.domain.programmes import DEFAULT_COURSES
from pacer_reviews.service.context import Reviews, reader_locale
from pacer_reviews.service.flow import check_visible, load
from pacer_reviews.service.inputs import anonymous_released
from pacer_shared.auth import Principal
from pacer_shared.events.reviews import Cadence
from pacer_shared.mongo import Document
from pacer_shared.problems import NotFound
from pacer_shared.talking_points import localise


async def agenda_for(reviews: Reviews, principal: Principal, review_id: str, locale: str | None = None) -> Agenda:
    """The week's goals (at-risk first), the check-in the assistant answered, open training and feedback received,
    as talking points in the reader's language."""
    review = await load(reviews, review_id)
    check_visible(review, principal)
    if review["cadence"] != Cadence.WEEKLY:
        raise NotFound(f"review {review_id} is a {review['cadence']} review: a 1:1 agenda belongs to a weekly check-in")
    person_id = review["person_id"]
    week = await _week(reviews, review)
    built = agenda(
        review_id=review_id,
        person_id=person_id,
        manager_id=review["manager_id"],
        week=week,
        now=reviews.runtime.clock.now(),
        goals=[goal_facts(g) for g in await reviews.goals.overlapping(person_id, week.start, week.end)],
        training=[training_facts(t) for t in await reviews.training.open_for(person_id)],
        feedback=[
            FeedbackFacts(f["kind"], f["tags"])
            for f in await reviews.feedback.received(person_id, week.start, week.end)
        ],
        anonymous=await anonymous_released(reviews, person_id, week.start, week.end),
        checkin=_checkin(await reviews.checkins.latest_due_in(person_id, week.start, week.end)),
    )
    worded = localise(built.model_dump(mode="json"), await reader_locale(reviews, principal, locale))
    return Agenda.model_validate(worded)


def _checkin(answered: Document | None) -> CheckInFacts | None:
    if answered is None:
        return None
    return CheckInFacts(
        confidence=answered["confidence"],
        # None where the assistant's erasure shredded what they wrote before it reached here
        obstacles=answered.get("obstacles") or "",
        help_needed=answered.get("help_needed") or "",
        notes=[(g.get("title") or g["goal_id"], g.get("progress_note", "")) for g in answered.get("goals") or []],
        late=answered.get("late", False),
    )


async def _week(reviews: Reviews, review: Document) -> Week:
    # A review's period runs from midnight to midnight in the person's own time zone, as their goals do.
    person = await reviews.runtime.people.get(review["person_id"])
    zone = ZoneInfo((person or {}).get("timezone") or "UTC")
    return Week(review["period_start"].astimezone(zone), review["period_end"].astimezone(zone), zone)


def goal_facts(goal: Document) -> GoalFacts:
    """A stored goal as an agenda shows it: the 1:1's and the team meeting's."""
    return GoalFacts(
        goal_id=goal["_id"],
        title=goal.get("title", ""),
        unit=goal.get("unit", ""),
        target=goal.get("target"),
        actual=goal.get("actual"),
        expected_by_now=goal.get("expected_by_now"),
        outcome=goal.get("outcome"),
        warned_below=(goal.get("at_risk") or {}).get("level"),
    )


def training_facts(assignment: Document) -> TrainingFacts:
    # The title it was assigned under; assignments made before titles were kept read the default catalogue's.
    course = DEFAULT_COURSES.get(assignment["course_id"])
    title = assignment.get("course_title") or (course.title if course else assignment["course_id"])
    return TrainingFacts(
        assignment_id=assignment["_id"],
        course_id=assignment["course_id"],
        title=title,
        due_at=assignment["due_at"],
    )
