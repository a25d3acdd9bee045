"""Events published by the analytics service on `analytics.events`, keyed by the assistant they are about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from pacer_shared import topics
from pacer_shared.events.base import EventData


class ActivityDropped(EventData):
    """An assistant's last seven days of one activity kind fell well below their usual week: an early warning,
    before any goal is at risk. Raised at most once per assistant, kind and ISO week."""

    event_type = "ActivityDropped"
    topic = topics.ANALYTICS_EVENTS
    subject_field = "assistant_id"

    assistant_id: str
    kind: str = Field(description="SalesActivityRecorded.kind whose count dropped")
    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO week of the check, in the assistant's calendar")
    checked_on: date = Field(description="The assistant's local day the check ran on; the windows end the day before")
    recent_from: date = Field(description="First day of the trailing seven days (the assistant's calendar)")
    recent_to: date = Field(description="Last day of the trailing seven days, included")
    recent_count: int = Field(ge=0, description="Activities of the kind in the trailing seven days")
    baseline_from: date = Field(description="First day of the four weeks before the trailing seven days")
    baseline_to: date = Field(description="Last day of those four weeks, included")
    weekly_average: Decimal = Field(gt=0, description="Activities of the kind per week over those four weeks")
    threshold: Decimal = Field(gt=0, le=1, description="The fraction of the weekly average the count fell below")
    ratio: Decimal = Field(ge=0, description="recent_count / weekly_average")
