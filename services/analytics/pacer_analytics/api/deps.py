"""FastAPI dependencies of the analytics API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_analytics.service.context import Analytics


def analytics_from(request: Request) -> Analytics:
    return request.app.state.context  # type: ignore[no-any-return]


AnalyticsDep = Annotated[Analytics, Depends(analytics_from)]
