"""Minutes of a meeting's occurrence and its action items."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.models import ActionItemOut, MinutesBody, MinutesOut
from pacer_reviews.service import minutes
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["meetings"], responses=RESPONSES)
Organizer = Annotated[Principal, Depends(require(Role.HR, Role.MANAGER))]
Attendee = Annotated[Principal, Depends(require(Role.HR, Role.MANAGER, Role.ASSISTANT))]


@router.post(
    "/meetings/{meeting_id}/minutes",
    status_code=status.HTTP_201_CREATED,
    response_model=MinutesOut,
    summary="Record an occurrence's notes, decisions and action items (the team's manager, hr); once",
    responses=responses(404, 409),
)
async def record(meeting_id: str, body: MinutesBody, reviews: ReviewsDep, principal: Organizer) -> dict[str, Any]:
    items = [minutes.ItemIn(i.text, i.owner_id, i.due_at) for i in body.action_items]
    given = minutes.MinutesIn(body.occurrence_start, body.notes, body.decisions, items)
    return await minutes.record(reviews, principal, meeting_id, given)


@router.get(
    "/meetings/{meeting_id}/minutes",
    response_model=list[MinutesOut],
    summary="The meeting's minutes, latest occurrence first, with their action items",
    responses=responses(404),
)
async def listed(meeting_id: str, reviews: ReviewsDep, principal: Attendee) -> list[dict[str, Any]]:
    return await minutes.of_meeting(reviews, principal, meeting_id)


@router.post(
    "/action-items/{item_id}/done",
    response_model=ActionItemOut,
    summary="Close an action item (its owner, the team's manager, hr)",
    responses=responses(404, 409),
)
async def done(item_id: str, reviews: ReviewsDep, principal: Attendee) -> dict[str, Any]:
    return await minutes.done(reviews, principal, item_id)
