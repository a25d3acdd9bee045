"""Acting-lead assignments: who leads a project or a small team, and for which period."""

from __future__ import annotations

from fastapi import APIRouter, status

from pacer_incentives.api.deps import Approver, IncentivesDep
from pacer_incentives.api.models import ActingLeadIn, ActingLeadOut
from pacer_incentives.service import acting_leads
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1", tags=["acting leads"], responses=RESPONSES)


@router.post(
    "/acting-leads",
    status_code=status.HTTP_201_CREATED,
    summary="Record that a person leads a project or a small team for a period (their manager or hr)",
    responses=responses(404, 422),
)
async def assign(body: ActingLeadIn, incentives: IncentivesDep, principal: Approver) -> ActingLeadOut:
    found = await acting_leads.assign(
        incentives, principal, body.person_id, body.scope, body.scope_name, body.starts_on, body.ends_on, body.note
    )
    return ActingLeadOut.of(found)


@router.get("/acting-leads", summary="Acting-lead assignments, the latest start first: your own, your reports', hr all")
async def listed(
    incentives: IncentivesDep, principal: CurrentPrincipal, person_id: str | None = None
) -> list[ActingLeadOut]:
    return [ActingLeadOut.of(a) for a in await acting_leads.listed(incentives, principal, person_id)]
