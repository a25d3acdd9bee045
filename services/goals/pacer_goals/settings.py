"""Settings of the goals service, read from PACER_GOALS_* (then PACER_*) environment variables."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field, field_validator

from pacer_shared.settings import ServiceSettings


class GoalsSettings(ServiceSettings):
    service_name: ClassVar[str] = "goals"
    seals_text: ClassVar[bool] = True

    http_port: int = 8101
    metrics_port: int = 9101
    consumer_batch_size: int = Field(
        default=5000,
        ge=1,
        description="Sales activities applied per transaction: each goal is read and written once per batch",
    )
    dashboard_cache_goals: int = Field(
        default=5000,
        ge=0,
        description="Goals the team dashboard keeps decoded between reads, about 5 KB each (0: none); never stale",
    )
    at_risk_levels: list[Decimal] = Field(
        default=[Decimal("0.8"), Decimal("0.6")], description="Fractions of pace that raise GoalAtRisk"
    )
    at_risk_grace: Decimal = Field(
        default=Decimal("0.2"), ge=0, lt=1, description="No at-risk warning before this fraction of the period"
    )
    adjustment_requires_approval: bool = Field(
        default=True, description="An assistant's change to a target or period waits for the manager"
    )
    allow_standalone_goals: bool = Field(default=True, description="SMART 'relevant' passes without a parent goal")
    deadline_poll_seconds: float = Field(default=1.0, gt=0, description="Longest sleep of the deadline worker")
    checkin_weekday: int = Field(default=4, ge=0, le=6, description="Weekly check-in day, 0 = Monday, local time")
    checkin_hour: int = Field(default=16, ge=0, le=23, description="Weekly check-in hour, local time")
    checkin_reminder_hours: float = Field(
        default=24, gt=0, description="Hours after a weekly check-in falls due before its one gentle reminder"
    )
    ingest_max_batch: int = Field(default=1000, ge=1, description="Most activities one ingest request may carry")

    @field_validator("at_risk_levels")
    @classmethod
    def _levels(cls, levels: list[Decimal]) -> list[Decimal]:
        if any(not Decimal(0) < level < Decimal(1) for level in levels):
            raise ValueError("at-risk levels are fractions of pace between 0 and 1")
        return sorted(set(levels), reverse=True)
