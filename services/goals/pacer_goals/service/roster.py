"""Team membership from `org.people`: who counts toward which team goal."""

from __future__ import annotations

from collections.abc import Sequence

from pacer_goals.service.context import Goals
from pacer_goals.service.progress import recount_team_goals
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Session


async def apply_roster(goals: Goals, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
    """A person joined, moved or left a team: recount the open goals of the teams concerned.

    This also applies activities that arrived before their assistant was in the roster:
    they were stored, and count as soon as the person's team is known.
    """
    affected: set[str] = set()
    for event in events:
        person = event.data
        team = person.team_id if person.active else None
        before, after = await goals.repository.set_team(person.person_id, team, event.time, session)
        if before != after:
            affected.update(t for t in (before, after) if t)
    if affected:
        await recount_team_goals(goals, affected, session)
