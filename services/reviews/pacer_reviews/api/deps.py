"""FastAPI dependencies of the reviews API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_reviews.service.context import Reviews
from pacer_shared.auth import Principal, Role, require


def reviews_from(request: Request) -> Reviews:
    return request.app.state.context  # type: ignore[no-any-return]


ReviewsDep = Annotated[Reviews, Depends(reviews_from)]
Planner = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN, Role.MANAGER))]
