"""FastAPI dependencies of the goals API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_goals.service.context import Goals


def goals_from(request: Request) -> Goals:
    return request.app.state.context  # type: ignore[no-any-return]


GoalsDep = Annotated[Goals, Depends(goals_from)]
