"""Review cycles: opened by a planner, one scheduled review per person, and how far each one is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from pacer_reviews.api.deps import Planner, ReviewsDep
from pacer_reviews.api.models import CycleBody, CycleOut, CyclePage, CycleProgress
from pacer_reviews.service import cycles
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)
Overseer = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]


@router.post(
    "/cycles",
    status_code=status.HTTP_201_CREATED,
    response_model=CycleOut,
    summary="Open a cycle: one scheduled review per person",
    responses=responses(409),
)
async def open_cycle(body: CycleBody, reviews: ReviewsDep, principal: Planner) -> dict[str, Any]:
    manager = None if principal.has(Role.HR, Role.ADMIN) else principal.subject
    document = await cycles.open_cycle(reviews, cycles.CycleIn(**body.model_dump()), principal.subject, manager)
    return {"cycle_id": document.pop("_id"), **document}


@router.get(
    "/cycles",
    response_model=CyclePage,
    summary="The cycles, latest period first, each with how far it is, a page at a time",
)
async def list_cycles(
    reviews: ReviewsDep,
    _: Overseer,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    found, next_cursor = await cycles.recent(reviews, cursor, limit)
    return {"items": [{"cycle_id": c.pop("_id"), **c} for c in found], "next_cursor": next_cursor}


@router.get(
    "/cycles/{cycle_id}/dashboard",
    response_model=CycleProgress,
    summary="How far a cycle is: reviews per status and overdue steps",
    responses=responses(404),
)
async def dashboard(cycle_id: str, reviews: ReviewsDep, _: Overseer) -> dict[str, Any]:
    return await cycles.dashboard(reviews, cycle_id)
