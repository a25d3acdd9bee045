"""Settings of the reviews service, read from PACER_REVIEWS_* (then PACER_*) environment variables."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from pacer_shared.settings import ServiceSettings


class Retention(StrEnum):
    DELETE = "delete"
    """An erased person's reviews go with them."""
    PSEUDONYMISE = "pseudonymise"
    """Their completed reviews stay as pseudonymised aggregates: scores and criteria, no id, name or free text."""


class ReviewsSettings(ServiceSettings):
    service_name: ClassVar[str] = "reviews"
    seals_text: ClassVar[bool] = True

    http_port: int = 8102
    retention: Retention = Field(
        default=Retention.DELETE,
        description="What erasing a person does to their completed reviews: delete them, or pseudonymise them",
    )
    metrics_port: int = 9102
    self_due_days: int = Field(
        default=3, ge=0, description="Days after the period ends that the self-assessment is due"
    )
    manager_due_days: int = Field(
        default=7, ge=0, description="Days after the period ends that the manager's part is due"
    )
    scheduler_poll_seconds: float = Field(
        default=1.0, gt=0, description="Longest sleep of the cycle and overdue worker"
    )
    training_reminder_hours: float = Field(
        default=48, gt=0, description="How long before an open course is due its person is reminded (once)"
    )
    action_item_reminder_hours: float = Field(
        default=24, gt=0, description="How long before an action item is due its owner is reminded"
    )
