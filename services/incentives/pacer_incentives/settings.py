"""Settings of the incentives service, read from PACER_INCENTIVES_* (then PACER_*) environment variables."""

from __future__ import annotations

from typing import ClassVar

from pacer_shared.settings import ServiceSettings


class IncentivesSettings(ServiceSettings):
    service_name: ClassVar[str] = "incentives"

    http_port: int = 8104
