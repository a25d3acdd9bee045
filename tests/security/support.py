"""The organisation the security suites run the six services with, and the callers of each role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pacer_shared.auth import Role
from pacer_testkit.platform import Platform, running_platform
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import Stack


class Relation(StrEnum):
    """Whose data a call is about, seen from the caller."""

    OWN = "own"
    TEAM = "team"
    OTHER = "other"


@dataclass(frozen=True)
class Actor:
    """Who calls, as a role: the person they are, someone in their team (a report, for a manager), an outsider."""

    role: Role
    person_id: str
    team_mate: str
    outsider: str
    team: str = "north"
    """Their team; hr, admins and machines have none, and their rights do not depend on one."""

    def person(self, relation: Relation) -> str:
        return {Relation.OWN: self.person_id, Relation.TEAM: self.team_mate, Relation.OTHER: self.outsider}[relation]

    def team_for(self, relation: Relation) -> str:
        return "south" if relation is Relation.OTHER else self.team

    @property
    def relations(self) -> tuple[Relation, ...]:
        """A machine account has no data of its own."""
        return (Relation.TEAM, Relation.OTHER) if self.role is Role.SERVICE else tuple(Relation)


# The roster's organisation: mia manages ann, bob and cid (team north) and eve (east); max manages dan (team south);
# hana is hr; ada administers.
ACTORS = {
    Role.ASSISTANT: Actor(Role.ASSISTANT, "ann", team_mate="bob", outsider="dan"),
    Role.MANAGER: Actor(Role.MANAGER, "mia", team_mate="ann", outsider="dan"),
    Role.HR: Actor(Role.HR, "hana", team_mate="ann", outsider="dan"),
    Role.ADMIN: Actor(Role.ADMIN, "ada", team_mate="ann", outsider="dan"),
    Role.SERVICE: Actor(Role.SERVICE, "crm-sync", team_mate="ann", outsider="dan"),
}


ROLE_OF = {person.person_id: Role(person.role) for person in ROSTER}


@asynccontextmanager
async def organisation(stack: Stack, log_dir: Path) -> AsyncIterator[Platform]:
    """The six services as processes in a namespace of their own, once each knows the whole roster."""
    async with running_platform(stack, f"sec{uuid.uuid4().hex[:8]}", log_dir) as platform:
        yield platform
