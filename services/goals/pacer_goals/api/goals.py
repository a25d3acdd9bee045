"""Goal routes: set, read, list, adjust, cancel, analyse a miss, the SMART check and the history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import AfterValidator

from pacer_goals.api.deps import GoalsDep
from pacer_goals.api.models import (
    AdjustmentIn,
    DecisionIn,
    GoalIn,
    GoalOut,
    GoalPage,
    HistoryOut,
    MissAnalysisIn,
    ProgressOut,
    ProgressPoint,
    ReasonIn,
    SmartOut,
    within_years,
)
from pacer_goals.domain.goal import GoalStatus
from pacer_goals.service import commands, queries
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal
from pacer_shared.problems import responses

router = APIRouter(prefix="/v1/goals", tags=["goals"], responses=RESPONSES)


@router.post("/smart-check", summary="Judge a goal against each SMART letter without setting it")
async def smart_check(body: GoalIn, goals: GoalsDep, principal: CurrentPrincipal) -> SmartOut:
    return SmartOut.of(await commands.smart_check_as(goals, principal, body.draft()))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Set a goal (refused with the report if not SMART)",
    responses=responses(422),
)
async def create_goal(body: GoalIn, goals: GoalsDep, principal: CurrentPrincipal) -> GoalOut:
    goal, report = await commands.create_goal(goals, principal, body.draft())
    goals.deadlines_changed.set()
    return GoalOut.of(goal, goals.runtime.clock.now(), report)


@router.get("", summary="Goals you may see, filtered, oldest period end first")
async def list_goals(
    goals: GoalsDep,
    principal: CurrentPrincipal,
    owner_id: str | None = None,
    team_id: str | None = None,
    status: GoalStatus | None = None,
    period_from: Annotated[
        datetime | None, Query(description="Goals whose period ends after this"), AfterValidator(within_years)
    ] = None,
    period_to: Annotated[
        datetime | None, Query(description="Goals whose period starts before this"), AfterValidator(within_years)
    ] = None,
    needs_miss_analysis: Annotated[
        bool | None, Query(description="Missed goals still lacking a cause analysis")
    ] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> GoalPage:
    wanted = queries.GoalFilter(owner_id, team_id, status, period_from, period_to, needs_miss_analysis)
    page, next_cursor = await queries.list_goals(goals, principal, wanted, cursor, limit)
    now = goals.runtime.clock.now()
    return GoalPage(items=[GoalOut.of(g, now) for g in page], next_cursor=next_cursor)


@router.get("/{goal_id}", summary="One goal with its progress and pace", responses=responses(404))
async def get_goal(goal_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> GoalOut:
    return GoalOut.of(await queries.get_goal(goals, principal, goal_id), goals.runtime.clock.now())


@router.get(
    "/{goal_id}/history", summary="Everything that happened to the goal, oldest first", responses=responses(404)
)
async def goal_history(goal_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> list[HistoryOut]:
    return [HistoryOut(**entry) for entry in await queries.history(goals, principal, goal_id)]


@router.get(
    "/{goal_id}/progress",
    summary="The goal's actual against its pace over its period, for a chart",
    responses=responses(404),
)
async def goal_progress(goal_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> ProgressOut:
    curve = await queries.progress_curve(goals, principal, goal_id)
    goal = curve.goal
    return ProgressOut(
        goal_id=goal.goal_id,
        target=goal.target,
        unit=goal.unit,
        period_start=goal.period.start,
        period_end=goal.period.end,
        actual=[ProgressPoint(at=at, value=value) for at, value in curve.actual],
        pace=[ProgressPoint(at=at, value=value) for at, value in curve.pace],
    )


@router.post("/{goal_id}/activate", summary="Activate a draft goal", responses=responses(404, 422))
async def activate(goal_id: str, goals: GoalsDep, principal: CurrentPrincipal) -> GoalOut:
    goal = await commands.activate(goals, goal_id, principal)
    goals.deadlines_changed.set()
    return GoalOut.of(goal, goals.runtime.clock.now())


@router.post(
    "/{goal_id}/adjustments",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Change the target or period end, with a reason; waits for the manager's approval when required",
    responses=responses(404),
)
async def adjust(
    goal_id: str, body: AdjustmentIn, goals: GoalsDep, principal: CurrentPrincipal, audit: AuditDep
) -> GoalOut:
    goal = await commands.request_adjustment(
        goals, goal_id, principal, body.reason, body.new_target, body.new_period_end
    )
    await audit.record("goal_adjustment.requested", f"goal/{goal_id}/adjustment/{goal.adjustments[-1].adjustment_id}")
    goals.deadlines_changed.set()
    return GoalOut.of(goal, goals.runtime.clock.now())


@router.post(
    "/{goal_id}/adjustments/{adjustment_id}/decision",
    summary="Approve or reject a pending adjustment",
    responses=responses(404),
)
async def decide(
    goal_id: str, adjustment_id: str, body: DecisionIn, goals: GoalsDep, principal: CurrentPrincipal, audit: AuditDep
) -> GoalOut:
    goal = await commands.decide_adjustment(goals, goal_id, adjustment_id, principal, body.approve)
    verdict = "approved" if body.approve else "rejected"
    await audit.record(f"goal_adjustment.{verdict}", f"goal/{goal_id}/adjustment/{adjustment_id}")
    goals.deadlines_changed.set()
    return GoalOut.of(goal, goals.runtime.clock.now())


@router.post("/{goal_id}/cancel", summary="Cancel a goal, with a reason", responses=responses(404))
async def cancel(goal_id: str, body: ReasonIn, goals: GoalsDep, principal: CurrentPrincipal) -> GoalOut:
    return GoalOut.of(await commands.cancel(goals, goal_id, principal, body.reason), goals.runtime.clock.now())


@router.post(
    "/{goal_id}/miss-analysis",
    summary="Record why a missed goal was missed and the plan to recover",
    responses=responses(404),
)
async def analyze_miss(goal_id: str, body: MissAnalysisIn, goals: GoalsDep, principal: CurrentPrincipal) -> GoalOut:
    goal = await commands.analyze_miss(goals, goal_id, principal, body.cause, body.action_plan)
    return GoalOut.of(goal, goals.runtime.clock.now())
