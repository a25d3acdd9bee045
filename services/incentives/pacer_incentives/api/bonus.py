"""Bonus API: plan versions, plan simulation, statements with their explanation, approvals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi import APIRouter, Query, status

from pacer_incentives.api.deps import Approver, HrOnly, IncentivesDep
from pacer_incentives.api.models import (
    IgnoredOut,
    LineOut,
    PlanVersionOut,
    SimulatedStatement,
    SimulateIn,
    SimulationOut,
    StatementOut,
    StatementPage,
    display_names,
)
from pacer_incentives.domain.ledger import Line
from pacer_incentives.domain.plan import PlanIn
from pacer_incentives.service import ledger, plans
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import NotFound, responses

router = APIRouter(prefix="/v1", tags=["bonus"], responses=RESPONSES)


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    summary="Create a bonus plan, or its next version",
    responses=responses(409),
)
async def create_plan(body: PlanIn, incentives: IncentivesDep, principal: HrOnly, audit: AuditDep) -> PlanVersionOut:
    version = PlanVersionOut.of(await plans.create_version(incentives, body, principal.subject))
    await audit.record("bonus_plan.adopted", f"plan/{version.plan.plan_id}/version/{version.version}")
    return version


@router.get("/plans", summary="The latest version of every plan")
async def list_plans(incentives: IncentivesDep, _: Approver) -> list[PlanVersionOut]:
    return [PlanVersionOut.of(d) for d in await plans.all_latest(incentives)]


@router.get("/plans/{plan_id}", summary="Every version of a plan", responses=responses(404))
async def plan_versions(plan_id: str, incentives: IncentivesDep, _: Approver) -> list[PlanVersionOut]:
    return [PlanVersionOut.of(d) for d in await plans.versions(incentives, plan_id)]


@router.post("/plans/simulate", summary="What a plan would pay for a past period, on the events known now")
async def simulate(body: SimulateIn, incentives: IncentivesDep, _: HrOnly) -> SimulationOut:
    moment = body.period_start
    if moment is None:
        current = plans.period_of(body.plan, incentives.runtime.clock.now())
        moment = current.start - timedelta(microseconds=1)
    period, results = await ledger.simulate(incentives, body.plan, moment)
    statements = [
        SimulatedStatement(person_id=person, lines=[_line(line) for line in lines], total=_total(lines))
        for person, lines in results
    ]
    return SimulationOut(
        period_start=period.start,
        period_end=period.end,
        currency=body.plan.currency,
        statements=statements,
        total=sum((s.total for s in statements), Decimal(0)),
    )


def _line(line: Line) -> LineOut:
    return LineOut.model_validate(ledger.line_document(line))


def _total(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


@router.get(
    "/statements",
    summary="Statements: your own, your team's (managers), everyone's (hr); newest period first, a page at a time",
)
async def list_statements(
    incentives: IncentivesDep,
    principal: CurrentPrincipal,
    audit: AuditDep,
    person_id: str | None = None,
    plan_id: str | None = None,
    status_: str | None = Query(default=None, alias="status", pattern="^(calculated|manager_approved|approved)$"),
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=200),
) -> StatementPage:
    found, next_cursor = await ledger.statements_for(incentives, principal, person_id, plan_id, status_, cursor, limit)
    await audit.record("bonus_statement.listed", f"statements?person_id={person_id or '*'}")
    names = await display_names(incentives.runtime.people, StatementOut.named(found))
    return StatementPage(items=[StatementOut.of(d, names) for d in found], next_cursor=next_cursor)


@router.get(
    "/statements/{statement_id}",
    summary="A statement with every line's formula, inputs and events",
    responses=responses(404),
)
async def get_statement(
    statement_id: str, incentives: IncentivesDep, principal: CurrentPrincipal, audit: AuditDep
) -> StatementOut:
    found = await incentives.statements.get(statement_id)
    if found is None or not ledger.can_see(principal, found):
        raise NotFound(f"no statement {statement_id}")
    await audit.record("bonus_statement.read", f"statement/{statement_id}")
    return StatementOut.of(found, await display_names(incentives.runtime.people, StatementOut.named([found])))


@router.post(
    "/statements/{statement_id}/approve",
    summary="Approve a statement: the manager first, then hr, which freezes it",
    responses=responses(404, 409),
)
async def approve(statement_id: str, incentives: IncentivesDep, principal: Approver, audit: AuditDep) -> StatementOut:
    approved = await ledger.approve(incentives, statement_id, principal)
    statement = StatementOut.of(
        approved, await display_names(incentives.runtime.people, StatementOut.named([approved]))
    )
    await audit.record("bonus_statement.approved", f"statement/{statement_id}")
    return statement


@router.get("/ignored-events", summary="Events no plan could use, with the reason")
async def ignored(
    incentives: IncentivesDep, _: HrOnly, limit: int = Query(default=100, ge=1, le=500)
) -> list[IgnoredOut]:
    found = await incentives.ignored.latest(limit)
    return [IgnoredOut.of(d) for d in found]
