"""FastAPI dependencies of the feedback API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_feedback.service.context import Feedback
from pacer_feedback.settings import FeedbackSettings


def feedback_from(request: Request) -> Feedback:
    return request.app.state.context  # type: ignore[no-any-return]


def settings_from(request: Request) -> FeedbackSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, FeedbackSettings)
    return settings


FeedbackDep = Annotated[Feedback, Depends(feedback_from)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_from)]
