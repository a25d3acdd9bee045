"""Review cycles: opened by a planner, one scheduled review per person, and how far each one is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from pacer_reviews.api.deps import Planner, ReviewsDep
from pacer_reviews.api.models import CycleBody
from pacer_reviews.service import cycles
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


@router.post(
    "/cycles",
    status_code=status.HTTP_201_CREATED,
    summary="Open a cycle: one scheduled review per person",
    responses=responses(409),
)
async def open_cycle(body: CycleBody, reviews: ReviewsDep, principal: Planner) -> dict[str, Any]:
    manager = None if principal.has(Role.HR, Role.ADMIN) else principal.subject
    document = await cycles.open_cycle(reviews, cycles.CycleIn(**body.model_dump()), principal.subject, manager)
    return {"cycle_id": document.pop("_id"), **document}


@router.get(
    "/cycles/{cycle_id}/dashboard",
    summary="How far a cycle is: reviews per status and overdue steps",
    responses=responses(404),
)
async def dashboard(
    cycle_id: str, reviews: ReviewsDep, _: Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]
) -> dict[str, Any]:
    return await cycles.dashboard(reviews, cycle_id)
