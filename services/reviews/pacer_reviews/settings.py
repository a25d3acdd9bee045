"""Settings of the reviews service, read from PACER_REVIEWS_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar

from pacer_shared.settings import ServiceSettings


class ReviewsSettings(ServiceSettings):
    service_name: ClassVar[str] = "reviews"

    http_port: int = 8102
