"""Training effect: the activity a completed course targets, in the weeks before and after it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pacer_analytics.api.deps import AnalyticsDep
from pacer_analytics.domain.training import Effect, KindEffect
from pacer_analytics.service import training
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/analytics", tags=["training effect"], responses=RESPONSES)


class KindEffectOut(BaseModel):
    kind: str
    before: int = Field(description="Activities of the kind in the weeks before")
    after: int = Field(description="In the weeks after (so far, until they have ended)")
    change: int
    change_ratio: Decimal | None = Field(description="change / before; null from zero")

    @classmethod
    def of(cls, found: KindEffect) -> KindEffectOut:
        return cls(
            kind=found.kind, before=found.before, after=found.after, change=found.change, change_ratio=found.ratio
        )


class EffectOut(BaseModel):
    assignment_id: str
    course_id: str
    category: str
    completed_on: date = Field(description="In the assistant's own calendar")
    before_from: date
    before_to: date
    after_from: date
    after_to: date
    after_ended: bool = Field(description="False while the weeks after are still running")
    kinds: list[KindEffectOut] = Field(description="The kinds the course's category targets (TRAINING_KINDS)")

    @classmethod
    def of(cls, found: Effect) -> EffectOut:
        return cls(
            assignment_id=found.completion.assignment_id,
            course_id=found.completion.course_id,
            category=found.completion.category,
            completed_on=found.completion.completed_on,
            before_from=found.before[0],
            before_to=found.before[1],
            after_from=found.after[0],
            after_to=found.after[1],
            after_ended=found.after_ended,
            kinds=[KindEffectOut.of(k) for k in found.kinds],
        )


class TrainingEffectOut(BaseModel):
    assistant_id: str
    weeks: int
    courses: list[EffectOut] = Field(description="Every course completed, most recent first")


@router.get(
    "/assistants/{assistant_id}/training-effect",
    summary="One assistant's completed courses, with the activity each targets in the weeks before and after",
    response_model=TrainingEffectOut,
    responses=responses(404, 422),
)
async def assistant_training_effect(
    assistant_id: str,
    analytics: AnalyticsDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    weeks: Annotated[int, Query(ge=1, le=26, description="Weeks before and after the completion")] = 4,
) -> TrainingEffectOut:
    found = await training.of_assistant(analytics, principal, assistant_id, weeks)
    if assistant_id != principal.subject:
        await audit.record("training_effect.read", f"person/{assistant_id}/activity")
    return TrainingEffectOut(assistant_id=assistant_id, weeks=weeks, courses=[EffectOut.of(e) for e in found])
