"""Who may see and change which goals: assistants their own, managers their reports' and the teams they lead, hr and
admins all. Scope follows the reporting line and the roster's team leads, never merely sharing a team."""

from __future__ import annotations

from typing import Any

from pacer_goals.domain.goal import Goal
from pacer_shared.auth import Principal, Role
from pacer_shared.events.goals import OwnerKind
from pacer_shared.people import People
from pacer_shared.problems import Forbidden


async def visible_filter(principal: Principal, people: People) -> dict[str, Any]:
    """A MongoDB filter matching exactly the goals this principal may read."""
    if principal.has(Role.HR, Role.ADMIN):
        return {}
    owners, teams = await _scope(principal, people)
    return {
        "$or": [
            {"owner_kind": OwnerKind.ASSISTANT.value, "owner_id": {"$in": sorted(owners)}},
            {"owner_kind": OwnerKind.TEAM.value, "owner_id": {"$in": sorted(teams)}},
        ]
    }


async def ensure_can_read(principal: Principal, goal: Goal, people: People) -> None:
    if not await _in_scope(principal, goal, people, manage=False):
        raise Forbidden("this goal belongs to someone outside your team")


async def ensure_can_manage(principal: Principal, goal: Goal, people: People) -> None:
    """Managing (approving, cancelling) is for the owner's manager, hr and admins."""
    if not await _in_scope(principal, goal, people, manage=True):
        raise Forbidden("only the owner's manager, hr or an admin can do this")


async def is_manager_of(principal: Principal, owner_kind: OwnerKind, owner_id: str, people: People) -> bool:
    if principal.has(Role.HR, Role.ADMIN):
        return True
    if not principal.has(Role.MANAGER):
        return False
    if owner_kind is OwnerKind.TEAM:
        return await people.leads(principal.subject, owner_id)
    person = await people.get(owner_id)
    return person is not None and person.get("manager_id") == principal.subject


async def _in_scope(principal: Principal, goal: Goal, people: People, manage: bool) -> bool:
    if principal.has(Role.HR, Role.ADMIN):
        return True
    if await is_manager_of(principal, goal.owner_kind, goal.owner_id, people):
        return True
    if manage:
        return False
    owners, teams = await _scope(principal, people)
    return goal.owner_id in (owners if goal.owner_kind is OwnerKind.ASSISTANT else teams)


async def _scope(principal: Principal, people: People) -> tuple[set[str], set[str]]:
    me = await people.get(principal.subject)
    owners, teams = {principal.subject}, {me["team_id"]} if me and me.get("team_id") else set()
    if principal.has(Role.MANAGER):
        owners |= {p["_id"] for p in await people.reports_of(principal.subject)}
        teams |= await people.teams_led_by(principal.subject)
    return owners, teams


async def can_read_team_goals(principal: Principal, team_id: str, people: People) -> bool:
    _owners, teams = await _scope(principal, people)
    return principal.has(Role.HR, Role.ADMIN) or team_id in teams
