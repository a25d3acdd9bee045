"""Role profiles, templates drawn from them, and quarterly duty evaluations with their trend."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.models import TemplateOut
from pacer_reviews.domain.role_profiles import RoleProfileIn
from pacer_reviews.domain.templates import ScaleIn, TemplateIn
from pacer_reviews.service import duty_evaluations, role_profiles
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["duties"], responses=RESPONSES)
Hr = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]
Person = Annotated[Principal, Depends(require(Role.ASSISTANT, Role.MANAGER, Role.HR, Role.ADMIN))]
Assessor = Annotated[Principal, Depends(require(Role.MANAGER, Role.HR))]


class RoleProfileOut(RoleProfileIn):
    """A version of a role profile; `sales-assistant:v1` ships with Pacer (`created_by` pacer, no `created_at`)."""

    profile_id: str = Field(description="`<name>:v<version>`")
    version: int
    created_by: str
    created_at: datetime | None


class TemplateFromProfileIn(BaseModel):
    """A review template whose criteria are a role profile version's duties, one criterion each."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,59}$")
    title: str = Field(min_length=1, max_length=200)
    profile_id: str = Field(description="The role profile version, e.g. `sales-assistant:v1`")
    goal_weight: Decimal = Field(ge=0, le=100)
    customer_rating_weight: Decimal = Field(default=Decimal(0), ge=0, le=100)
    duty_weights: dict[str, Decimal] | None = Field(
        default=None, description="Weight per duty key; without it the duties share what is left of 100 evenly"
    )
    scale: ScaleIn = TemplateIn.model_fields["scale"].default


class DutyScoresIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int] = Field(description="Duty key -> score, 1 (well below expectations) to 5 (well above)")
    comment: str = Field(default="", max_length=2000)


class DutyEvaluationOut(BaseModel):
    quarter: str
    profile_id: str = Field(description="The role profile version scored against, pinned at the first score")
    scores: dict[str, int]
    average: str
    comment: str
    revision: int
    recorded_at: datetime


class DutyName(BaseModel):
    key: str
    name: str


class TrendPoint(BaseModel):
    quarter: str
    score: int | None = Field(description="None: the duty was not in the profile version that quarter was scored on")


class DutyTrend(BaseModel):
    """A person's duty evaluations, oldest quarter first, and per duty of their current profile its line."""

    person_id: str
    profile_id: str | None = Field(description="The profile the person's roster role has now (none: no profile)")
    duties: list[DutyName]
    quarters: list[DutyEvaluationOut]
    series: dict[str, list[TrendPoint]]


def _profile_out(document: dict[str, Any]) -> RoleProfileOut:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return RoleProfileOut.model_validate({"profile_id": document["_id"], **fields})


@router.get("/role-profiles", summary="The latest version of every role profile")
async def list_profiles(reviews: ReviewsDep, _: Person) -> list[RoleProfileOut]:
    return [_profile_out(p) for p in await role_profiles.newest(reviews)]


@router.post(
    "/role-profiles",
    status_code=status.HTTP_201_CREATED,
    summary="Create a role profile, or its next version (hr)",
    responses=responses(409),
)
async def save_profile(body: RoleProfileIn, reviews: ReviewsDep, principal: Hr, audit: AuditDep) -> RoleProfileOut:
    document = await role_profiles.save(reviews, body, principal.subject)
    await audit.record("role_profile.changed", f"role-profile/{document['_id']}")
    return _profile_out(document)


@router.get("/role-profiles/{profile_id}", summary="One version of a role profile", responses=responses(404))
async def get_profile(profile_id: str, reviews: ReviewsDep, _: Person) -> RoleProfileOut:
    return _profile_out(await role_profiles.get(reviews, profile_id))


@router.post(
    "/templates/from-role-profile",
    status_code=status.HTTP_201_CREATED,
    summary="Create a template (or its next version) with one criterion per duty of a role profile (hr)",
    responses=responses(404, 409),
)
async def template_from_profile(
    body: TemplateFromProfileIn, reviews: ReviewsDep, principal: Hr, audit: AuditDep
) -> TemplateOut:
    fields = body.model_dump(exclude={"profile_id", "duty_weights"})
    document = await role_profiles.template_from(reviews, body.profile_id, fields, body.duty_weights, principal.subject)
    await audit.record("review_template.changed", f"template/{document['_id']}")
    return TemplateOut.model_validate({"template_id": document.pop("_id"), **document})


@router.put(
    "/duty-evaluations/{person_id}/{quarter}",
    summary="Score each duty of a person's role profile for a quarter, or correct the scores (their manager, hr)",
    responses=responses(404, 409),
)
async def score_duties(
    person_id: str, quarter: str, body: DutyScoresIn, reviews: ReviewsDep, principal: Assessor, audit: AuditDep
) -> DutyEvaluationOut:
    document = await duty_evaluations.record(reviews, principal, person_id, quarter, body.scores, body.comment)
    await audit.record("duty_evaluation.recorded", f"duty-evaluation/{document['_id']}")
    return DutyEvaluationOut.model_validate(document)


@router.get(
    "/duty-evaluations/{person_id}",
    summary="A person's duty scores across quarters (the person, their manager, hr)",
    responses=responses(404),
)
async def duty_trend(person_id: str, reviews: ReviewsDep, principal: CurrentPrincipal, audit: AuditDep) -> DutyTrend:
    found = await duty_evaluations.trend_of(reviews, principal, person_id)
    await audit.record("duty_evaluation.read", f"duty-evaluations/{person_id}")
    return DutyTrend.model_validate(found)
