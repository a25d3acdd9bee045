"""Training: the course catalogue, assignments by managers and hr, completion by the assistant."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.models import AssignIn, AssignmentOut, AssignmentPage
from pacer_reviews.api.programme_models import CompleteIn, CourseOut, course_out
from pacer_reviews.service import training
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


@router.get(
    "/training/catalogue",
    summary="The courses: what programmes, managers and reviews can assign (a retired one only to who has it open)",
)
async def catalogue(reviews: ReviewsDep, _: CurrentPrincipal) -> list[CourseOut]:
    return [course_out(c) for c in await reviews.catalogue.courses.all()]


@router.get(
    "/training/assignments",
    summary="A person's training, soonest due first (the person, their manager, hr)",
    responses=responses(404),
)
async def assignments(
    person_id: str,
    reviews: ReviewsDep,
    principal: CurrentPrincipal,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=200),
) -> AssignmentPage:
    found, next_cursor = await training.assignments_of(reviews, principal, person_id, cursor, limit)
    courses = await reviews.catalogue.courses.many(a["course_id"] for a in found)
    items = [AssignmentOut.model_validate(training.shown(a, courses[a["course_id"]])) for a in found]
    return AssignmentPage(items=items, next_cursor=next_cursor)


@router.post("/training/assignments", status_code=status.HTTP_201_CREATED, summary="Assign a course (manager, hr)")
async def assign(body: AssignIn, reviews: ReviewsDep, principal: CurrentPrincipal) -> AssignmentOut:
    made = await training.assign(reviews, principal, body.person_id, body.course_id, body.due_at)
    return AssignmentOut.model_validate(training.shown(made, await training.course_of(reviews, made["course_id"])))


@router.post(
    "/training/assignments/{assignment_id}/complete",
    summary="Mark your training as completed, with the assessment's score if it has one (below the pass mark it stays"
    " open)",
    responses=responses(404, 409),
)
async def complete(
    assignment_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, body: CompleteIn | None = None
) -> AssignmentOut:
    done = await training.complete(reviews, principal, assignment_id, body.score if body else None)
    return AssignmentOut.model_validate(training.shown(done, await training.course_of(reviews, done["course_id"])))
