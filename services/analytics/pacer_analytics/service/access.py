"""Who may read whose trends: assistants their own, managers their reports and teams they lead, hr and admins all."""

from __future__ import annotations

from pacer_shared.auth import Principal, Role
from pacer_shared.mongo import Document
from pacer_shared.people import People
from pacer_shared.problems import Forbidden, NotFound


async def readable_assistant(people: People, principal: Principal, assistant_id: str) -> Document:
    person = await people.get(assistant_id)
    if person is None:
        # Asked before the roster knows them, only hr and admins learn that; others get the same 403 as for
        # anyone they may not see, so the answer does not tell who exists.
        if principal.has(Role.HR, Role.ADMIN):
            raise NotFound(f"person {assistant_id!r} is not in the roster (yet)")
        raise Forbidden("assistants see their own trends, managers their reports' and their teams', hr everyone's")
    if principal.has(Role.HR, Role.ADMIN) or principal.subject in (assistant_id, person.get("manager_id")):
        return person
    team = person.get("team_id")
    if principal.has(Role.MANAGER) and team and await people.leads(principal.subject, team):
        return person
    raise Forbidden("assistants see their own trends, managers their reports' and their teams', hr everyone's")


async def readable_team(people: People, principal: Principal, team_id: str) -> list[Document]:
    """The team's active assistants, for the team's lead, hr and admins."""
    if not principal.has(Role.HR, Role.ADMIN) and team_id not in await people.teams_led_by(principal.subject):
        raise Forbidden("a team's trends are for the manager who leads it, hr and admins")
    return [member for member in await people.team(team_id) if member.get("role") == "assistant"]
