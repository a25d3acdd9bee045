"""Reviews: who may see which, the self and manager assessments, acknowledgement, the score and the 1:1 agenda."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from pacer_reviews.api.deps import Locale, ReviewsDep
from pacer_reviews.api.models import (
    AcknowledgeIn,
    AssessmentIn,
    ReviewDetail,
    ReviewPage,
    ReviewWithAssessments,
    ScoreExplanation,
)
from pacer_reviews.domain.agenda import Agenda
from pacer_reviews.service import flow
from pacer_reviews.service.agenda import agenda_for
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.events.reviews import Cadence, ReviewStep
from pacer_shared.problems import Conflict, responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


@router.get(
    "/reviews",
    response_model=ReviewPage,
    summary="Reviews you may see, by person, manager, cycle, cadence or status, newest period first, a page at a time",
)
async def list_reviews(
    reviews: ReviewsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    person_id: str | None = None,
    manager_id: Annotated[str | None, Query(description="The reviews this manager writes")] = None,
    cycle_id: str | None = None,
    cadence: Cadence | None = None,
    review_status: Annotated[str | None, Query(alias="status")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    wanted = flow.ReviewFilter(person_id, manager_id, cycle_id, cadence.value if cadence else None, review_status)
    found, next_cursor = await flow.visible(reviews, principal, wanted, cursor, limit)
    await audit.record("review.listed", f"reviews?person_id={person_id or '*'}&cycle_id={cycle_id or '*'}")
    return {"items": [{"review_id": r.pop("_id"), **r} for r in found], "next_cursor": next_cursor}


@router.get(
    "/reviews/{review_id}",
    response_model=ReviewDetail,
    summary="A review with its inputs (the manager's part only once completed)",
    responses=responses(404),
)
async def get_review(
    review_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> dict[str, Any]:
    review = await flow.view(reviews, principal, review_id)
    await audit.record("review.read", f"review/{review_id}")
    training = [{"assignment_id": t.pop("_id"), **t} for t in review["open_training"]]
    return {**review, "open_training": training}


@router.post(
    "/reviews/{review_id}/self",
    response_model=ReviewWithAssessments,
    summary="Submit the self-assessment",
    responses=responses(404, 409),
)
async def submit_self(
    review_id: str, body: AssessmentIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.submit(reviews, principal, review_id, ReviewStep.SELF, body.assessment()))


@router.post(
    "/reviews/{review_id}/manager",
    response_model=ReviewWithAssessments,
    summary="Submit the manager assessment: completes the review with its score",
    description="After the self-assessment, or without one once the self-assessment's due date has passed.",
    responses=responses(404, 409),
)
async def submit_manager(
    review_id: str, body: AssessmentIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.submit(reviews, principal, review_id, ReviewStep.MANAGER, body.assessment()))


@router.post(
    "/reviews/{review_id}/acknowledge",
    response_model=ReviewWithAssessments,
    summary="Acknowledge a completed review, with an optional comment",
    responses=responses(404, 409),
)
async def acknowledge(
    review_id: str, body: AcknowledgeIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.acknowledge(reviews, principal, review_id, body.comment))


@router.get(
    "/reviews/{review_id}/score",
    response_model=ScoreExplanation,
    summary="The score's formula, every input, its weight and its contribution",
    responses=responses(404, 409),
)
async def score(review_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep) -> dict[str, Any]:
    review = await flow.view(reviews, principal, review_id)
    if review["result"] is None:
        raise Conflict("the score exists once the manager has completed the review")
    await audit.record("review_score.read", f"review/{review_id}")
    return review["result"]["explanation"]  # type: ignore[no-any-return]


@router.get(
    "/reviews/{review_id}/agenda",
    summary="The 1:1 agenda of a weekly check-in, as talking points",
    responses=responses(404),
)
async def agenda(review_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, locale: Locale = None) -> Agenda:
    """The week's goals (at-risk first, with why), open training, feedback received; 404 unless the review is weekly."""
    return await agenda_for(reviews, principal, review_id, locale)


def _public(review: dict[str, Any]) -> dict[str, Any]:
    return {"review_id": review["_id"], **{k: v for k, v in review.items() if k not in ("_id", "manager_as_of_us")}}
