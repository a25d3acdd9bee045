"""Request and response bodies of the incentives API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pacer_incentives.domain.plan import PlanIn
from pacer_incentives.domain.values import CompanyValue
from pacer_shared.mongo import Document
from pacer_shared.people import People

NO_NAMES: Mapping[str, str] = {}


async def display_names(people: People, person_ids: Iterable[str | None]) -> dict[str, str]:
    """The roster's display names of these people, from this service's own projection: a reader who may not read
    the roster still sees by name the people an answer names (an approver, who gave an award). Ids the roster no
    longer holds (erased) have none."""
    found = await people.many(i for i in person_ids if i)
    return {i: d["display_name"] for i, d in found.items() if d.get("display_name")}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanVersionOut(BaseModel):
    plan_key: str
    version: int
    created_by: str
    created_at: datetime
    plan: PlanIn

    @classmethod
    def of(cls, document: Document) -> PlanVersionOut:
        return cls(
            plan_key=document["_id"],
            version=document["version"],
            created_by=document["created_by"],
            created_at=document["created_at"],
            plan=PlanIn.model_validate(document["plan"]),
        )


class LineOut(BaseModel):
    kind: str = Field(
        description="goal_attainment | review_multiplier | team_component | eligibility | adjustment | clawback"
    )
    label: str
    formula: str = Field(description="How the amount was computed, with the numbers filled in")
    amount: Decimal
    inputs: dict[str, str] = Field(description="Every input of the formula")
    cites: list[str] = Field(description="Ids of the events the line was computed from")


class Explanation(BaseModel):
    """The statement as computed: a pure function of the plan version and the events it cites."""

    statement_id: str
    kind: str = Field(description="period, or carry: adjustments to an approved statement")
    person_id: str
    plan_id: str
    plan_version: int
    period_start: datetime
    period_end: datetime
    close_at: datetime = Field(description="When the inputs became final; later events are adjustment lines")
    currency: str
    lines: list[LineOut]
    adjustments: list[LineOut]
    carried: list[LineOut] = Field(description="Adjustments moved to a later statement because this one is approved")
    total: Decimal
    carries_from: list[str] = []


class Approval(BaseModel):
    by: str
    by_name: str | None = Field(
        default=None, description="The approver's display name in the roster; null when the roster no longer has them"
    )
    role: str
    at: datetime


class StatementOut(BaseModel):
    explanation: Explanation
    status: str = Field(description="calculated → manager_approved → approved (frozen)")
    approvals: list[Approval]
    calculated_at: datetime

    @classmethod
    def of(cls, document: Document, names: Mapping[str, str] = NO_NAMES) -> StatementOut:
        fields = Explanation.model_fields
        explanation = {k: v for k, v in document.items() if k in fields}
        return cls(
            explanation=Explanation.model_validate({**explanation, "statement_id": document["_id"]}),
            status=document["status"],
            approvals=[Approval.model_validate({**a, "by_name": names.get(a["by"])}) for a in document["approvals"]],
            calculated_at=document["calculated_at"],
        )

    @staticmethod
    def named(documents: Iterable[Document]) -> list[str]:
        """Whose names the statements show: their approvers."""
        return [a["by"] for d in documents for a in d["approvals"]]


class StatementPage(BaseModel):
    items: list[StatementOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class SimulateIn(Body):
    plan: PlanIn
    period_start: AwareDatetime | None = Field(
        default=None, description="A moment in the period to simulate; the last ended period if absent"
    )


class SimulatedStatement(BaseModel):
    person_id: str
    lines: list[LineOut]
    total: Decimal


class SimulationOut(BaseModel):
    period_start: datetime
    period_end: datetime
    currency: str
    statements: list[SimulatedStatement]
    total: Decimal


class AwardIn(Body):
    person_id: str
    name: str = Field(min_length=1, max_length=120, examples=["Star of the month"])
    citation: str = Field(min_length=1, max_length=2000, description="Why: shown with the award")
    points: int | None = Field(default=None, ge=0, le=1000, description="The configured default if absent")
    private: bool = Field(default=False, description="Private awards are not posted to the team channel")
    award_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="A key of your own (e.g. the form's submission id): the same award sent again is granted once",
    )
    value_id: str | None = Field(
        default=None,
        max_length=60,
        description="A company value (GET /v1/values) this recognises",
        examples=["teamwork"],
    )


class KudosIn(Body):
    to: str = Field(description="The person thanked")
    message: str = Field(min_length=1, max_length=1000)
    value_id: str | None = Field(
        default=None,
        max_length=60,
        description="A company value (GET /v1/values) this recognises",
        examples=["teamwork"],
    )


class RecognitionOut(BaseModel):
    recognition_id: str
    person_id: str
    team_id: str | None
    kind: str = Field(description="badge | award | kudos")
    name: str
    citation: str
    points: int
    granted_by: str | None
    granted_by_name: str | None = Field(
        default=None, description="The giver's display name in the roster; null for a badge or once they left it"
    )
    private: bool
    value_id: str | None = Field(default=None, description="The company value it recognises, if any")
    granted_at: datetime

    @classmethod
    def of(cls, document: Document, names: Mapping[str, str] = NO_NAMES) -> RecognitionOut:
        giver = document.get("granted_by")
        named = {"granted_by_name": names.get(giver) if giver else None}
        return cls.model_validate({**document, **named, "recognition_id": document["_id"]})


class RecognitionPage(BaseModel):
    items: list[RecognitionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ValueOut(BaseModel):
    value_id: str
    names: dict[str, str] = Field(description="The value's name by locale: `en` and `zh-CN`")

    @classmethod
    def of(cls, value: CompanyValue) -> ValueOut:
        return cls(value_id=value.value_id, names=value.names())


class KudosBudgetOut(BaseModel):
    month: str
    budget: int
    remaining: int


class StandingOut(BaseModel):
    rank: int
    person_id: str
    score: Decimal = Field(description="Mean attainment (1 = 100%) or recognition points")
    detail: dict[str, str]
    tie_break: str


class LeaderboardOut(BaseModel):
    team_id: str
    month: str
    by: str
    standings: list[StandingOut]


class PromotionOut(BaseModel):
    recommendation_id: str
    person_id: str
    rule: str
    evidence: list[str]
    at: datetime

    @classmethod
    def of(cls, document: Document) -> PromotionOut:
        return cls.model_validate({**document, "recommendation_id": document["_id"]})


class IgnoredOut(BaseModel):
    key: str
    event_id: str
    type: str
    reason: str
    at: datetime

    @classmethod
    def of(cls, document: Document) -> IgnoredOut:
        return cls.model_validate({**document, "key": document["_id"]})


class ActingLeadIn(Body):
    person_id: str
    scope: Literal["project", "team"]
    scope_name: str = Field(min_length=1, max_length=120, examples=["Spring trade fair"])
    starts_on: date
    ends_on: date = Field(description="The last day, inclusive; not before starts_on")
    note: str = Field(default="", max_length=2000)


class ActingLeadOut(BaseModel):
    assignment_id: str
    person_id: str
    scope: Literal["project", "team"]
    scope_name: str
    starts_on: date
    ends_on: date
    note: str
    assigned_by: str
    assigned_at: datetime

    @classmethod
    def of(cls, document: Document) -> ActingLeadOut:
        return cls.model_validate({**document, "assignment_id": document["_id"]})
