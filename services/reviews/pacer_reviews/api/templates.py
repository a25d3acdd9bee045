"""Review templates: versions created by hr, read (each version, and the newest of each) by anyone signed in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from pacer_reviews.api.deps import ReviewsDep
from pacer_reviews.api.models import TemplateOut, TemplatePage
from pacer_reviews.domain.templates import TemplateIn
from pacer_reviews.service import cycles
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["reviews"], responses=RESPONSES)


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
) -> TemplateOut:
    document = await cycles.save_template(reviews, body, principal.subject)
    await audit.record("review_template.changed", f"template/{document['_id']}")
    return TemplateOut.of(document)


@router.get("/templates", summary="The templates, by name, each in its newest version, a page at a time")
async def list_templates(
    reviews: ReviewsDep,
    _: CurrentPrincipal,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TemplatePage:
    found, next_cursor = await cycles.latest_templates(reviews, cursor, limit)
    return TemplatePage(items=[TemplateOut.of(d) for d in found], next_cursor=next_cursor)


@router.get(
    "/templates/{name}/versions",
    summary="Every version of a template, newest first",
    responses=responses(404),
)
async def template_versions(name: str, reviews: ReviewsDep, _: CurrentPrincipal) -> list[TemplateOut]:
    return [TemplateOut.of(d) for d in await cycles.template_versions(reviews, name)]


@router.get("/templates/{template_id}", summary="One version of a template", responses=responses(404))
async def get_template(template_id: str, reviews: ReviewsDep, _: CurrentPrincipal) -> TemplateIn:
    return await cycles.template(reviews, template_id)
