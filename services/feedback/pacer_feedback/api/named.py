"""Routes for feedback with a name on it: give, reply, inbox, sent, a person's feedback, themes, 360 requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from pacer_feedback.api.deps import FeedbackDep
from pacer_feedback.api.models import (
    FeedbackIn,
    FeedbackOut,
    FeedbackPage,
    RecipientOut,
    ReplyIn,
    RequestIn,
    ResponseIn,
)
from pacer_feedback.service import named
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Role
from pacer_shared.events.feedback import Visibility
from pacer_shared.problems import Forbidden, responses

router = APIRouter(prefix="/v1", tags=["feedback"], responses=RESPONSES)
Limit = Annotated[int, Query(ge=1, le=200)]


@router.post("/feedback", status_code=status.HTTP_201_CREATED, summary="Give feedback: down, up or to a peer")
async def give(body: FeedbackIn, feedback: FeedbackDep, principal: CurrentPrincipal) -> FeedbackOut:
    new = named.NewFeedback(**body.model_dump())
    return FeedbackOut.of(await named.give(feedback, principal, new))


@router.post(
    "/feedback/{feedback_id}/replies", summary="Reply in a feedback thread you are part of", responses=responses(404)
)
async def reply(feedback_id: str, body: ReplyIn, feedback: FeedbackDep, principal: CurrentPrincipal) -> FeedbackOut:
    return FeedbackOut.of(await named.reply(feedback, principal, feedback_id, body.text))


@router.get(
    "/feedback/recipients",
    summary="The people you work with, to give feedback to: your manager, your team, your reports, by name",
)
async def recipients(feedback: FeedbackDep, principal: CurrentPrincipal) -> list[RecipientOut]:
    return [
        RecipientOut(person_id=person["_id"], display_name=person.get("display_name", person["_id"]), direction=way)
        for person, way in await named.recipients(feedback, principal.subject)
    ]


def _page(found: tuple[list[dict[str, Any]], str | None]) -> FeedbackPage:
    items, next_cursor = found
    return FeedbackPage(items=[FeedbackOut.of(d) for d in items], next_cursor=next_cursor)


@router.get("/feedback/inbox", summary="Feedback you received, newest first, a page at a time")
async def inbox(
    feedback: FeedbackDep, principal: CurrentPrincipal, cursor: str | None = None, limit: Limit = 50
) -> FeedbackPage:
    return _page(await named.inbox(feedback, principal.subject, cursor, limit))


@router.get("/feedback/sent", summary="Feedback you gave, newest first, a page at a time")
async def sent(
    feedback: FeedbackDep, principal: CurrentPrincipal, cursor: str | None = None, limit: Limit = 50
) -> FeedbackPage:
    return _page(await named.sent(feedback, principal.subject, cursor, limit))


@router.get(
    "/people/{person_id}/feedback",
    summary="The feedback a person received (them, their manager, hr), newest first, a page at a time",
)
async def about(
    person_id: str,
    feedback: FeedbackDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    cursor: str | None = None,
    limit: Limit = 50,
) -> FeedbackPage:
    found = await named.about_person(feedback, principal, person_id, cursor, limit)
    if person_id != principal.subject:
        await audit.record("feedback.read", f"person/{person_id}/feedback")
    return _page(found)


@router.get("/people/{person_id}/themes", summary="Tag counts of the feedback a person received in a period")
async def themes(
    person_id: str,
    since: datetime,
    until: datetime,
    feedback: FeedbackDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
) -> dict[str, int]:
    await named.about_person(feedback, principal, person_id, None, 1)  # the same rights as reading it
    if person_id != principal.subject:
        await audit.record("feedback_themes.read", f"person/{person_id}/themes")
    return await named.themes(feedback, person_id, since, until)


@router.post("/feedback-requests", status_code=status.HTTP_201_CREATED, summary="Ask chosen people for 360 feedback")
async def request(body: RequestIn, feedback: FeedbackDep, principal: CurrentPrincipal) -> dict[str, Any]:
    if not principal.has(Role.MANAGER, Role.HR, Role.ADMIN):
        raise Forbidden("360 feedback is requested by managers and hr")
    document = await named.request(feedback, principal, body.about_id, body.respondent_ids, body.due_at)
    return {"request_id": document["_id"], **{k: v for k, v in document.items() if k != "_id"}}


@router.post(
    "/feedback-requests/{request_id}/responses",
    status_code=status.HTTP_201_CREATED,
    summary="Respond to a 360 request",
    responses=responses(404),
)
async def respond(request_id: str, body: ResponseIn, feedback: FeedbackDep, principal: CurrentPrincipal) -> FeedbackOut:
    new = named.NewFeedback(recipient_id="", visibility=Visibility.PRIVATE, **body.model_dump())
    return FeedbackOut.of(await named.respond(feedback, principal, request_id, new))


@router.get(
    "/feedback-requests/{request_id}",
    summary="The responses to a 360 request, summarised for the review",
    responses=responses(404),
)
async def summary(
    request_id: str, feedback: FeedbackDep, principal: CurrentPrincipal, audit: AuditDep
) -> dict[str, Any]:
    found = await named.request_summary(feedback, principal, request_id)
    await audit.record("feedback_request_summary.read", f"feedback-request/{request_id}")
    return found
