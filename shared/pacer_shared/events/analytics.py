"""Events published by the analytics service on `analytics.events`, keyed by the assistant they are about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from pacer_shared import topics
from pacer_shared.events.attachments import Attachment
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


class TeamReportReady(EventData):
    """A team's month or quarter ended in the organisation's zone: its report, as the XLSX a manager opens, for the
    readers the event names. Two copies per team and period: the manager's, without any bonus amount, and hr's,
    with the assistants' bonus statements of the period (private: by email only). One event per copy and language,
    its file in that language; its id derived from team, period, copy and language, so a re-sent one is dropped."""

    event_type = "TeamReportReady"
    topic = topics.ANALYTICS_EVENTS
    subject_field = "team_id"

    team_id: str
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$", description="A month (2026-11) or quarter (2026-Q4)")
    first_day: date = Field(description="The period's first day")
    last_day: date = Field(description="The period's last day, included")
    compared_with: str = Field(
        description="The period it is compared with: the month before, or the same quarter a year earlier"
    )
    audience: Literal["manager", "hr"] = Field(description="Whose copy: the team's manager (no bonus amounts) or hr")
    recipient_ids: list[str] = Field(min_length=1, description="The people this copy is for, all reading `language`")
    language: Literal["en", "zh-CN"] = Field(description="The language of the attached report")
    includes_bonuses: bool = Field(description="Whether the attachment holds bonus amounts (hr's copy only)")
    assistants: int = Field(ge=0, description="The team's assistants in the report")
    attachments: list[Attachment] = Field(min_length=1, description="The report as XLSX")
