"""Settings of the feedback service, read from PACER_FEEDBACK_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar

from pacer_shared.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    service_name: ClassVar[str] = "feedback"

    http_port: int = 8103
