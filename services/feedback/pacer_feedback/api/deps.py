"""FastAPI dependencies of the feedback API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_feedback.settings import FeedbackSettings
from pacer_shared.service import Runtime


def runtime_from(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def settings_from(request: Request) -> FeedbackSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, FeedbackSettings)
    return settings


RuntimeDep = Annotated[Runtime, Depends(runtime_from)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_from)]
