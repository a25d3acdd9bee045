"""Training: the course catalogue, assignments by managers and hr, completion by the assistant."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.models import AssignIn
from pacer_reviews.service import training
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


@router.get("/training/catalogue", summary="Courses that development suggestions can assign")
async def catalogue(_: CurrentPrincipal) -> list[dict[str, str]]:
    return [
        {"course_id": c.course_id, "title": c.title, "category": c.category.value} for c in training.CATALOGUE.values()
    ]


@router.post("/training/assignments", status_code=status.HTTP_201_CREATED, summary="Assign a course (manager, hr)")
async def assign(body: AssignIn, reviews: ReviewsDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await training.assign(reviews, principal, body.person_id, body.course_id, body.due_at)


@router.post(
    "/training/assignments/{assignment_id}/complete",
    summary="Mark your training as completed",
    responses=responses(404, 409),
)
async def complete(assignment_id: str, reviews: ReviewsDep, principal: CurrentPrincipal) -> dict[str, Any]:
    done = await training.complete(reviews, principal, assignment_id)
    return {"assignment_id": done.pop("_id"), **done}
