"""Recognition API: awards, kudos and their budget, recognitions, leaderboards, promotion recommendations."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query, status

from pacer_incentives.api.deps import Approver, HrOnly, IncentivesDep
from pacer_incentives.api.models import (
    AwardIn,
    KudosBudgetOut,
    KudosIn,
    LeaderboardOut,
    PromotionOut,
    RecognitionOut,
    RecognitionPage,
    StandingOut,
    ValueOut,
    display_names,
)
from pacer_incentives.domain.periods import Cadence, period_at
from pacer_incentives.service import leaderboards, recognition
from pacer_shared.audit import AuditDep
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Role
from pacer_shared.problems import Forbidden, NotFound, responses

router = APIRouter(prefix="/v1", tags=["recognition"], responses=RESPONSES)
MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"


@router.post(
    "/awards",
    status_code=status.HTTP_201_CREATED,
    summary="Give an award with a citation",
    responses=responses(404, 422),
)
async def give_award(body: AwardIn, incentives: IncentivesDep, principal: Approver) -> RecognitionOut:
    granted = await recognition.award(
        incentives,
        principal,
        body.person_id,
        body.name,
        body.citation,
        body.points,
        body.private,
        body.award_id,
        body.value_id,
    )
    return RecognitionOut.of(granted, await display_names(incentives.runtime.people, [granted.get("granted_by")]))


@router.post(
    "/kudos",
    status_code=status.HTTP_201_CREATED,
    summary="Thank a colleague, within your monthly kudos budget",
    responses=responses(404, 409, 422),
)
async def give_kudos(body: KudosIn, incentives: IncentivesDep, principal: CurrentPrincipal) -> RecognitionOut:
    given = await recognition.kudos(incentives, principal, body.to, body.message, body.value_id)
    return RecognitionOut.of(given, await display_names(incentives.runtime.people, [given.get("granted_by")]))


@router.get("/values", summary="The company values kudos and awards can name, in English and Chinese")
async def values(incentives: IncentivesDep, _: CurrentPrincipal) -> list[ValueOut]:
    return [ValueOut.of(v) for v in incentives.settings.values]


@router.get("/kudos/budget", summary="How many kudos you can still give this month")
async def kudos_budget(incentives: IncentivesDep, principal: CurrentPrincipal) -> KudosBudgetOut:
    return KudosBudgetOut.model_validate(await recognition.kudos_left(incentives, principal.subject))


@router.get(
    "/recognitions", summary="Recognitions, newest first, a page at a time; private ones only for whom they concern"
)
async def list_recognitions(
    incentives: IncentivesDep,
    principal: CurrentPrincipal,
    person_id: str | None = None,
    team_id: str | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=200),
) -> RecognitionPage:
    found, next_cursor = await recognition.listed(incentives, principal, person_id, team_id, cursor, limit)
    names = await display_names(incentives.runtime.people, [r.get("granted_by") for r in found])
    return RecognitionPage(items=[RecognitionOut.of(r, names) for r in found], next_cursor=next_cursor)


@router.get(
    "/teams/{team_id}/leaderboard",
    summary="A team's ranking for a month, by attainment or points",
)
async def leaderboard(
    team_id: str,
    incentives: IncentivesDep,
    principal: CurrentPrincipal,
    by: Literal["attainment", "points"] = "attainment",
    month: str | None = Query(default=None, pattern=MONTH, description="YYYY-MM (UTC); the current month if absent"),
) -> LeaderboardOut:
    members = await incentives.runtime.people.team(team_id)
    if not principal.has(Role.HR) and principal.subject not in {
        *(m["_id"] for m in members),
        *(m.get("manager_id") for m in members),
    }:
        raise Forbidden("leaderboards are for the team, its manager and hr")
    moment = datetime.fromisoformat(f"{month}-01T00:00:00+00:00") if month else incentives.runtime.clock.now()
    period = period_at(Cadence.MONTHLY, moment, moment)
    standings = await leaderboards.leaderboard(incentives, team_id, period, by)
    tie_break = (
        "higher score, then more goals achieved, then person id"
        if by == "attainment"
        else ("more points, then more recognitions, then person id")
    )
    return LeaderboardOut(
        team_id=team_id,
        month=recognition.month_of(period.start),
        by=by,
        standings=[
            StandingOut(rank=i, person_id=s.person_id, score=s.score, detail=s.detail, tie_break=tie_break)
            for i, s in enumerate(standings, start=1)
        ],
    )


@router.get("/promotions", summary="Promotion recommendations with their evidence (hr)", responses=responses(404))
async def promotions(
    incentives: IncentivesDep, _: HrOnly, audit: AuditDep, person_id: str | None = None
) -> list[PromotionOut]:
    found = await incentives.promotions.recommended(person_id)
    if person_id is not None and not found:
        raise NotFound(f"no promotion recommendation for {person_id}")
    await audit.record("promotion_recommendation.read", f"promotions?person_id={person_id or '*'}")
    return [PromotionOut.of(d) for d in found]
