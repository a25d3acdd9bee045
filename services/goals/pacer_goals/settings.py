"""Settings of the goals service, read from PACER_GOALS_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar

from pacer_shared.settings import ServiceSettings


class GoalsSettings(ServiceSettings):
    service_name: ClassVar[str] = "goals"

    http_port: int = 8101
