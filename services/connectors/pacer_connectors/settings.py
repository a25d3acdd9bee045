"""Settings of the connectors service, read from PACER_CONNECTORS_* (then PACER_*) environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from pacer_shared.settings import ServiceSettings


class ConnectorsSettings(ServiceSettings):
    service_name: ClassVar[str] = "connectors"

    http_port: int = 8107
    metrics_port: int = 9107
    connections_dir: Path | None = Field(
        default=None,
        description="A folder of YAML files, one per CRM connection (see the README); none: the service syncs nothing",
    )
    retry_seconds: float = Field(default=30, gt=0, description="Wait before retrying a connection whose sync failed")
