"""Events published by the incentives service on `incentives.events`, keyed by the person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from pacer_shared import topics
from pacer_shared.events.base import EventData, SealedText, Sealing, upcaster


class IncentiveEvent(EventData):
    topic = topics.INCENTIVES_EVENTS
    subject_field = "person_id"

    person_id: str


class BonusCalculated(IncentiveEvent):
    """A statement was computed. Amounts are private: never for group channels."""

    event_type = "BonusCalculated"
    statement_id: str
    period_start: AwareDatetime
    period_end: AwareDatetime
    plan_id: str
    plan_version: int
    total: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class BonusAdjusted(IncentiveEvent):
    """Version 2 carries the reason (it names the goals behind the change) sealed for the person; version 1 carried
    it in clear."""

    version = 2
    event_type = "BonusAdjusted"
    sealing = Sealing(texts=("reason",), people=("person_id",), bound_to="statement_id")
    statement_id: str
    adjustment: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    sealed_reason: SealedText | None = Field(default=None, description="Sealed for person_id, bound to statement_id")
    reason: str | None = Field(default=None, description="In clear: in events of version 1 only")
    cause_event_ids: list[str] = []


class BonusApproved(IncentiveEvent):
    event_type = "BonusApproved"
    statement_id: str
    total: Decimal
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    approved_by: list[str]


class RecognitionGranted(IncentiveEvent):
    """Version 2 carries the citation, what the giver wrote, sealed for the person recognised
    (`pacer_shared.shredding`); version 1 carried it in clear."""

    version = 2
    event_type = "RecognitionGranted"
    sealing = Sealing(texts=("citation",), people=("person_id",), bound_to="recognition_id")

    recognition_id: str
    kind: str = Field(description="badge | award | kudos")
    name: str
    sealed_citation: SealedText | None = Field(
        default=None, description="Sealed for person_id, bound to recognition_id"
    )
    citation: str | None = Field(default=None, description="In clear: in events of version 1 only")
    granted_by: str | None = None
    team_id: str | None = None
    private: bool = False
    points: int = 0
    value_id: str | None = Field(default=None, description="The company value the kudos or award says was lived")
    value_names: dict[str, str] = Field(
        default_factory=dict,
        description="The value's name by locale (`en`, `zh-CN`), so posts name it without asking incentives",
    )


class PromotionRecommended(IncentiveEvent):
    event_type = "PromotionRecommended"
    rule: str
    evidence: list[str] = Field(description="Human-readable facts and the event ids behind them")


class ActingLeadAssigned(IncentiveEvent):
    """A person leads a project or a small team for a period: evidence of leadership for reviews and promotion."""

    version = 2
    event_type = "ActingLeadAssigned"
    sealing = Sealing(texts=("note",), people=("person_id",), bound_to="assignment_id")

    assignment_id: str
    scope: Literal["project", "team"]
    scope_name: str
    starts_on: date
    ends_on: date
    assigned_by: str
    sealed_note: SealedText | None = Field(default=None, description="Sealed for person_id, bound to assignment_id")
    note: str | None = Field(default=None, description="In clear: in events of version 1 only")


# Version 1 is read as written: the texts in clear, nothing sealed.
upcaster(BonusAdjusted, from_version=1)(dict)
upcaster(RecognitionGranted, from_version=1)(dict)
upcaster(ActingLeadAssigned, from_version=1)(dict)
