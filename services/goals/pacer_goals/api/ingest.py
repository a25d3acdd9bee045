"""HTTP ingest for systems that cannot produce to Kafka: activities in, onto `sales.activity`, answered per item."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ValidationError

from pacer_goals.api.deps import GoalsDep
from pacer_goals.domain.activities import unknown_currency
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.events import derived_id, wrap
from pacer_shared.events.sales import SalesActivity, SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.problems import Problem, Unprocessable, responses

router = APIRouter(prefix="/v1/sales-activities", tags=["ingest"], responses=RESPONSES)
KINDS: dict[str, type[SalesActivity]] = {
    SalesActivityRecorded.event_type: SalesActivityRecorded,
    SalesActivityRetracted.event_type: SalesActivityRetracted,
}


class ItemResult(BaseModel):
    index: int
    activity_id: str | None
    status: Literal["accepted", "rejected"]
    event_id: str | None = None
    errors: list[str] = []


class IngestResult(BaseModel):
    accepted: int
    rejected: int
    items: list[ItemResult]


class TooLarge(Problem):
    status = 413
    title = "Batch too large"


@router.post(
    "",
    summary="Record (or retract) sales activities: one object or a list",
    description=(
        "Each item is a `SalesActivityRecorded` payload, or a `SalesActivityRetracted` one with "
        '`"type": "SalesActivityRetracted"` (`activity_id` and `reason`; `assistant_id` when known). Valid items '
        "are written to `sales.activity`, keyed by assistant (a retraction without one: by `activity_id`); the "
        "answer says per item whether it was accepted and, if not, which fields were wrong. Needs a service-account "
        "token."
    ),
    responses=responses(413, 422),
)
async def ingest(
    body: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    goals: GoalsDep,
    principal: Annotated[Principal, Depends(require(Role.SERVICE, Role.ADMIN))],
) -> IngestResult:
    items = body if isinstance(body, list) else [body]
    if not items:
        raise Unprocessable("body: send at least one activity")
    if len(items) > goals.settings.ingest_max_batch:
        raise TooLarge(f"body: at most {goals.settings.ingest_max_batch} activities per request")
    results, sends = [], []
    runtime = goals.runtime
    for index, item in enumerate(items):
        data, errors = _parse(item)
        if data is None:
            named = item.get("activity_id")  # echoed back only if it is what an id can be
            results.append(
                ItemResult(
                    index=index,
                    activity_id=named if isinstance(named, str) else None,
                    status="rejected",
                    errors=errors,
                )
            )
            continue
        event_id = derived_id(data, data.activity_id)
        envelope = wrap(
            data, source=f"/pacer/goals/ingest/{principal.subject}", time=runtime.clock.now(), event_id=event_id
        )
        sends.append(
            runtime.producer.send_and_wait(runtime.topics(data.topic), envelope.to_json(), key=data.subject.encode())
        )
        results.append(ItemResult(index=index, activity_id=data.activity_id, status="accepted", event_id=event_id))
    await asyncio.gather(*sends)
    accepted = sum(1 for r in results if r.status == "accepted")
    return IngestResult(accepted=accepted, rejected=len(results) - accepted, items=results)


def _parse(item: dict[str, Any]) -> tuple[SalesActivity | None, list[str]]:
    kind = item.get("type", SalesActivityRecorded.event_type)
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None, [f"type: must be one of {', '.join(KINDS)}"]
    try:
        data = model.model_validate({k: v for k, v in item.items() if k != "type"})
    except ValidationError as error:
        return None, [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    if reason := unknown_currency(data):
        return None, [f"currency: {reason}"]
    return data, []
