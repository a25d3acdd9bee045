"""FastAPI dependencies of the reviews API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role, require


def reviews_from(request: Request) -> Reviews:
    return request.app.state.context  # type: ignore[no-any-return]


ReviewsDep = Annotated[Reviews, Depends(reviews_from)]
Planner = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN, Role.MANAGER))]

Locale = Annotated[
    str | None,
    Query(
        max_length=35,
        description="The language to word the talking points in (en, zh-CN); default: the reader's roster locale",
    ),
]
