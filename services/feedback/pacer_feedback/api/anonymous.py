"""Routes for anonymous feedback. Nothing here logs or stores who called (see main.py's private paths)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from pacer_feedback.api.deps import FeedbackDep, SettingsDep
from pacer_feedback.api.models import (
    AnonymousIn,
    AnonymousReceipt,
    AnonymousTerms,
    AuthorReplyIn,
    ReleasedWindow,
    ReplyIn,
    ThreadOut,
    TokenIn,
)
from pacer_feedback.domain.anonymity import next_release
from pacer_feedback.service import anonymous
from pacer_feedback.service.anonymous import SubjectKind
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/anonymous", tags=["anonymous feedback"], responses=RESPONSES)


@router.get("/terms", summary="How anonymous feedback is handled: the k threshold, the daily limit and release")
async def terms(feedback: FeedbackDep, settings: SettingsDep, _: CurrentPrincipal) -> AnonymousTerms:
    return AnonymousTerms(
        threshold=settings.anonymity_threshold,
        window="month",
        daily_limit=settings.anonymous_daily_limit,
        release_hour=settings.anonymous_release_hour,
        organisation_timezone=settings.organisation_timezone,
        next_release_at=next_release(
            feedback.runtime.clock.now(), settings.anonymous_release_hour, settings.organisation_zone
        ),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Submit anonymous feedback; returns a secret reply token",
    responses=responses(429),
)
async def submit(
    body: AnonymousIn, feedback: FeedbackDep, settings: SettingsDep, principal: CurrentPrincipal
) -> AnonymousReceipt:
    token = await anonymous.submit(
        feedback, settings, principal, body.subject_kind, body.subject_id, body.category, body.text, body.tags
    )
    return AnonymousReceipt(reply_token=token)


# The thread needs a member's token like every route, but nothing about it is used: the reply token alone
# finds the thread, so nothing links the caller to it.
@router.post(
    "/thread",
    response_model=ThreadOut,
    summary="Read your submission and its answers (with your reply token)",
    responses=responses(404),
)
async def read_thread(body: TokenIn, feedback: FeedbackDep, _: CurrentPrincipal) -> dict[str, Any]:
    return await anonymous.thread(feedback, body.reply_token)


@router.post(
    "/thread/replies",
    response_model=ThreadOut,
    summary="Answer in your thread (with your reply token); shown to the organisation at the next scheduled release",
    responses=responses(404),
)
async def answer_thread(
    body: AuthorReplyIn, feedback: FeedbackDep, settings: SettingsDep, _: CurrentPrincipal
) -> dict[str, Any]:
    return await anonymous.answer_as_author(feedback, settings, body.reply_token, body.text)


@router.get(
    "/aggregates",
    response_model=list[ReleasedWindow],
    summary="Released anonymous results about a subject (hr; the manager concerned)",
)
async def aggregates(
    feedback: FeedbackDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    subject_kind: SubjectKind,
    subject_id: str | None = None,
) -> list[dict[str, Any]]:
    found = await anonymous.aggregates(feedback, principal, subject_kind, subject_id)
    await audit.record("anonymous_results.read", f"{subject_kind.value}/{subject_id or '*'}")
    return found


@router.post(
    "/submissions/{submission_id}/replies",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Answer a released submission",
    responses=responses(404),
)
async def answer(submission_id: str, body: ReplyIn, feedback: FeedbackDep, principal: CurrentPrincipal) -> None:
    await anonymous.answer_as_organisation(feedback, principal, submission_id, body.text)
