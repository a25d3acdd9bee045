"""Who leads a team, asked for one team (the team dashboard, on every read) or for all of a person's teams: both
answers agree, against the roster projection in the real database."""

from __future__ import annotations

from typing import Any

from pacer_shared.mongo import create_client
from pacer_shared.people import PEOPLE, People
from pacer_testkit.stack import Stack


def someone(person_id: str, role: str, manager_id: str | None, team_id: str | None, **more: Any) -> dict[str, Any]:
    return {"_id": person_id, "display_name": person_id, "role": role, "manager_id": manager_id,
            "team_id": team_id, "active": True, **more}  # fmt: skip


ROSTER = [
    # north: every assistant reports to max and nobody is named: max leads it.
    someone("max", "manager", None, "north"),
    someone("ann", "assistant", "max", "north"),
    someone("bob", "assistant", "max", "north"),
    # south: one of its assistants reports to max, the other to sue: neither leads it.
    someone("sue", "manager", None, "south"),
    someone("cal", "assistant", "max", "south"),
    someone("dee", "assistant", "sue", "south"),
    # east: every assistant reports to max, but the roster names mia its lead: mia leads it, max does not.
    someone("mia", "manager", None, "east", leads_team_ids=["east"]),
    someone("eve", "assistant", "max", "east"),
    # west: named for sue although none of its assistants reports to her; its one assistant left the company.
    someone("fay", "assistant", "max", "west", active=False),
    # a manager who left still names the team led; nobody leads a team with no assistants by reporting alone.
    someone("old", "manager", None, None, leads_team_ids=["gone"], active=False),
    someone("gus", "assistant", "old", "gone"),
    # a report who is a manager, not an assistant, does not make a lead.
    someone("ned", "manager", "sue", "empty"),
]
ROSTER[3]["leads_team_ids"] = ["west"]


async def test_one_team_led_agrees_with_every_team_led(stack: Stack, namespace: str) -> None:
    client = create_client(stack.mongo_url, "test")
    try:
        database = client[f"{namespace}_people"]
        await database[PEOPLE].insert_many(ROSTER)
        people = People(database)
        teams = ["north", "south", "east", "west", "gone", "empty", "nowhere"]
        answers = {}
        for person in ["max", "sue", "mia", "old", "ann", "nobody"]:
            every = await people.teams_led_by(person)
            one = {team for team in teams if await people.leads(person, team)}
            assert one == every, person
            answers[person] = one
        assert answers == {
            "max": {"north"},
            "sue": {"west"},
            "mia": {"east"},
            "old": set(),
            "ann": set(),
            "nobody": set(),
        }
    finally:
        await client.close()
