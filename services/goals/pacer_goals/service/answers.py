"""Answering a weekly check-in, asking for one between weeks, and reading check-ins: the assistant's own, a manager's
reports', hr's all."""

from __future__ import annotations

from pacer_goals.domain.checkin import CheckIn, CheckInAnswer, CheckInStatus
from pacer_goals.domain.errors import GoalRuleViolation
from pacer_goals.service.access import is_manager_of
from pacer_goals.service.checkins import raise_checkin
from pacer_goals.service.context import Goals
from pacer_goals.service.refusals import refused
from pacer_shared.auth import Principal, Role
from pacer_shared.events.goals import OwnerKind
from pacer_shared.mongo import Session
from pacer_shared.problems import Conflict, Forbidden, NotFound, Unprocessable


async def record_answer(goals: Goals, principal: Principal, checkin_id: str, answer: CheckInAnswer) -> CheckIn:
    async def work(session: Session) -> CheckIn:
        checkin = await goals.checkins.get(checkin_id, session)
        if checkin is None:
            raise NotFound(f"no check-in {checkin_id}")
        if checkin.owner_id != principal.subject:
            raise Forbidden("a check-in is answered by the assistant it asks")
        if checkin.status is CheckInStatus.RECORDED:
            raise Conflict("this check-in is already answered", code="checkin_answered")
        try:
            checkin.record(answer, goals.runtime.clock.now())
        except GoalRuleViolation as error:
            raise refused(error) from error
        await goals.checkins.save(checkin, session)
        return checkin

    return await goals.runtime.uow.run(work)


async def request_checkin(goals: Goals, principal: Principal, owner_id: str) -> CheckIn:
    """A check-in due now, on top of the weekly one: a manager wants the update before a 1:1 or a meeting."""
    if owner_id == principal.subject or not await is_manager_of(
        principal, OwnerKind.ASSISTANT, owner_id, goals.runtime.people
    ):
        raise Forbidden("a check-in is asked for by the person's manager or hr")

    async def work(session: Session) -> CheckIn:
        open_goals = await goals.repository.open_goals_for([owner_id], [], session)
        if not open_goals:
            raise Unprocessable(
                f"owner_id: {owner_id} has no open goals to check in on",
                field="body.owner_id",
                code="checkin_no_open_goals",
                ctx={"owner_id": owner_id},
            )
        return await raise_checkin(goals, owner_id, open_goals, goals.runtime.clock.now(), session)

    return await goals.runtime.uow.run(work)


async def get_checkin(goals: Goals, principal: Principal, checkin_id: str) -> CheckIn:
    checkin = await goals.checkins.get(checkin_id)
    if checkin is None:
        raise NotFound(f"no check-in {checkin_id}")
    if not await _may_read(goals, principal, checkin.owner_id):
        raise Forbidden("this check-in belongs to someone outside your team")
    return checkin


async def list_checkins(
    goals: Goals,
    principal: Principal,
    owner_id: str | None,
    status: list[CheckInStatus] | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[CheckIn], str | None]:
    """A page, newest first: the latest recorded check-in of a person is `status=recorded, limit=1`."""
    if owner_id is not None:
        owners = [owner_id] if await _may_read(goals, principal, owner_id) else []
    else:
        owners = [principal.subject]
        if principal.has(Role.MANAGER):
            owners += [p["_id"] for p in await goals.runtime.people.reports_of(principal.subject)]
    if not owners:
        return [], None
    return await goals.checkins.of_owners(owners, status, cursor, limit)


async def _may_read(goals: Goals, principal: Principal, owner_id: str) -> bool:
    if owner_id == principal.subject:
        return True
    return await is_manager_of(principal, OwnerKind.ASSISTANT, owner_id, goals.runtime.people)
