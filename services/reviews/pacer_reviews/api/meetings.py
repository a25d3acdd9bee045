"""Team meetings: scheduled, changed and cancelled by the team's manager or hr; seen by attendees too."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status

from pacer_reviews.api.deps import Locale, ReviewsDep
from pacer_reviews.api.models import (
    AgendaOut,
    MeetingBody,
    MeetingCancelBody,
    MeetingChangeBody,
    MeetingOut,
    MeetingPage,
)
from pacer_reviews.service import meeting_agenda, meetings
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/meetings", tags=["meetings"], responses=RESPONSES)
Organizer = Annotated[Principal, Depends(require(Role.HR, Role.MANAGER))]
Attendee = Annotated[Principal, Depends(require(Role.HR, Role.MANAGER, Role.ASSISTANT))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MeetingOut,
    summary="Schedule a team's recurring meeting and invite its members (the team's manager, hr)",
)
async def schedule(body: MeetingBody, reviews: ReviewsDep, principal: Organizer) -> dict[str, Any]:
    return await meetings.schedule(reviews, principal, meetings.MeetingIn(**body.model_dump()))


@router.get(
    "",
    response_model=MeetingPage,
    summary="Meetings you attend or organize (hr: every team's), newest first, a page at a time",
)
async def listed(
    reviews: ReviewsDep,
    principal: Attendee,
    team_id: str | None = None,
    meeting_status: Annotated[Literal["scheduled", "cancelled"] | None, Query(alias="status")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    found, next_cursor = await meetings.listed(reviews, principal, team_id, meeting_status, cursor, limit)
    return {"items": found, "next_cursor": next_cursor}


@router.get("/{meeting_id}", response_model=MeetingOut, summary="One meeting", responses=responses(404))
async def one(meeting_id: str, reviews: ReviewsDep, principal: Attendee) -> dict[str, Any]:
    return await meetings.one(reviews, principal, meeting_id)


@router.patch(
    "/{meeting_id}",
    response_model=MeetingOut,
    summary="Change the meeting: the invitation goes again with a higher SEQUENCE",
    responses=responses(404, 409),
)
async def change(meeting_id: str, body: MeetingChangeBody, reviews: ReviewsDep, principal: Organizer) -> dict[str, Any]:
    return await meetings.change(reviews, principal, meeting_id, meetings.MeetingChange(**body.model_dump()))


@router.post(
    "/{meeting_id}/cancel",
    response_model=MeetingOut,
    summary="Cancel the meeting: attendees' calendars drop it (METHOD:CANCEL)",
    responses=responses(404, 409),
)
async def cancel(
    meeting_id: str, reviews: ReviewsDep, principal: Organizer, body: MeetingCancelBody | None = None
) -> dict[str, Any]:
    return await meetings.cancel(reviews, principal, meeting_id, body.reason if body else None)


@router.get(
    "/{meeting_id}/agenda",
    response_model=AgendaOut,
    summary="The coming occurrence's agenda: as sent a day before, or a preview built now",
    responses=responses(404),
)
async def agenda(meeting_id: str, reviews: ReviewsDep, principal: Attendee, locale: Locale = None) -> dict[str, Any]:
    return await meeting_agenda.agenda_of(reviews, principal, meeting_id, locale)
