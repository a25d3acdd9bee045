"""Settings of the incentives service, read from PACER_INCENTIVES_* (then PACER_*) environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator

from pacer_incentives.domain.values import DEFAULT_VALUES, CompanyValue, unique
from pacer_shared.settings import ServiceSettings

HERE = Path(__file__).resolve().parent


class IncentivesSettings(ServiceSettings):
    service_name: ClassVar[str] = "incentives"
    seals_text: ClassVar[bool] = True

    http_port: int = 8104
    metrics_port: int = 9104
    recognition_file: Path = Field(
        default=HERE / "recognition.yaml",
        description="Badge, kudos and promotion rules (YAML); the packaged file is the default",
    )
    close_settle_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long after a period's inputs became final the ledger waits before calculating, "
        "so events in flight on other topics arrive first",
    )
    ledger_poll_seconds: float = Field(default=1.0, gt=0, description="Longest sleep of the ledger worker")
    values: list[CompanyValue] = Field(
        default=list(DEFAULT_VALUES),
        description="The company values kudos and awards may name, as JSON: "
        '[{"value_id": "customer-first", "en": "Customer first", "zh-CN": "客户第一"}, ...]',
    )

    @field_validator("values")
    @classmethod
    def _unique_values(cls, values: list[CompanyValue]) -> list[CompanyValue]:
        return list(unique(values))
