"""Reviews API: templates, cycles, reviews and their submissions, score explanations, training, dashboards."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pacer_reviews.domain.agenda import Agenda
from pacer_reviews.domain.templates import TemplateIn
from pacer_reviews.service import cycles, flow, training
from pacer_reviews.service.agenda import agenda_for
from pacer_reviews.service.cycles import REVIEWS, Reviews
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.events.reviews import Cadence, ReviewStep
from pacer_shared.problems import Conflict, NotFound, responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


def reviews_from(request: Request) -> Reviews:
    return request.app.state.context  # type: ignore[no-any-return]


ReviewsDep = Annotated[Reviews, Depends(reviews_from)]
Planner = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN, Role.MANAGER))]


class CycleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    cadence: Cadence
    template_name: str
    period_start: date
    period_end: date | None = Field(default=None, description="Only for a custom cadence (inclusive)")
    team_id: str | None = None
    role: str | None = Field(default=None, description="Population by role (default: assistants)")
    person_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=5000, description="Population by name (omit for team or role)"
    )
    recurring: bool = Field(default=False, description="Open the next period's cycle by itself")


class AcknowledgeIn(BaseModel):
    comment: str = Field(default="", max_length=4000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str
    course_id: str
    due_at: AwareDatetime = Field(description="With its UTC offset, e.g. 2026-12-31T00:00:00Z")


@router.post(
    "/templates",
    status_code=status.HTTP_201_CREATED,
    summary="Create a template, or a new version of one",
    responses=responses(409),
)
async def save_template(
    body: TemplateIn,
    reviews: ReviewsDep,
    principal: Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))],
    audit: AuditDep,
) -> dict[str, Any]:
    document = await cycles.save_template(reviews, body, principal.subject)
    await audit.record("review_template.changed", f"template/{document['_id']}")
    return {"template_id": document.pop("_id"), **document}


@router.get("/templates/{template_id}", summary="One version of a template", responses=responses(404))
async def get_template(template_id: str, reviews: ReviewsDep, _: CurrentPrincipal) -> TemplateIn:
    return await cycles.template(reviews, template_id)


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
    found = await reviews.db[REVIEWS].find({"cycle_id": cycle_id}, {"status": 1, "overdue_raised": 1}).to_list()
    if not found:
        raise NotFound(f"no cycle {cycle_id}")
    return {
        "cycle_id": cycle_id,
        "reviews": len(found),
        "by_status": dict(Counter(r["status"] for r in found)),
        "overdue": dict(Counter(step for r in found for step in r.get("overdue_raised", []))),
    }


@router.get("/reviews", summary="Reviews you may see, by person, cycle or status")
async def list_reviews(
    reviews: ReviewsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    person_id: str | None = None,
    cycle_id: str | None = None,
    review_status: Annotated[str | None, Query(alias="status")] = None,
) -> list[dict[str, Any]]:
    query: dict[str, Any] = {
        k: v for k, v in {"person_id": person_id, "cycle_id": cycle_id, "status": review_status}.items() if v
    }
    if not principal.has(Role.HR, Role.ADMIN):
        query["$or"] = [{"person_id": principal.subject}, {"manager_id": principal.subject}]
    found = await reviews.db[REVIEWS].find(query, {"self": 0, "manager": 0}).sort("period_end", -1).limit(200).to_list()
    await audit.record("review.listed", f"reviews?person_id={person_id or '*'}&cycle_id={cycle_id or '*'}")
    return [{"review_id": r.pop("_id"), **r} for r in found]


@router.get(
    "/reviews/{review_id}",
    summary="A review with its inputs (the manager's part only once completed)",
    responses=responses(404),
)
async def get_review(
    review_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep
) -> dict[str, Any]:
    review = await flow.view(reviews, principal, review_id)
    await audit.record("review.read", f"review/{review_id}")
    return review


@router.post("/reviews/{review_id}/self", summary="Submit the self-assessment", responses=responses(404, 409))
async def submit_self(
    review_id: str, body: flow.AssessmentIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.submit(reviews, principal, review_id, ReviewStep.SELF, body))


@router.post(
    "/reviews/{review_id}/manager",
    summary="Submit the manager assessment: completes the review with its score",
    description="After the self-assessment, or without one once the self-assessment's due date has passed.",
    responses=responses(404, 409),
)
async def submit_manager(
    review_id: str, body: flow.AssessmentIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.submit(reviews, principal, review_id, ReviewStep.MANAGER, body))


@router.post(
    "/reviews/{review_id}/acknowledge",
    summary="Acknowledge a completed review, with an optional comment",
    responses=responses(404, 409),
)
async def acknowledge(
    review_id: str, body: AcknowledgeIn, reviews: ReviewsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    return _public(await flow.acknowledge(reviews, principal, review_id, body.comment))


@router.get(
    "/reviews/{review_id}/score",
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
async def agenda(review_id: str, reviews: ReviewsDep, principal: CurrentPrincipal) -> Agenda:
    """The week's goals (at-risk first, with why), open training, feedback received; 404 unless the review is weekly."""
    return await agenda_for(reviews, principal, review_id)


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


def _public(review: dict[str, Any]) -> dict[str, Any]:
    return {"review_id": review["_id"], **{k: v for k, v in review.items() if k not in ("_id", "manager_as_of_us")}}
