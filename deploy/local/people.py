"""The organisation Pacer is shown and tested with: one roster, so the demo and every suite meet the same people.

Mia manages team north (Ann, Bob, Cid) and Eve, who sits in team east; Max manages Dan in team south; Hana is hr
and Ada administers. Their zones and languages differ on purpose: Ann reads Chinese in Shanghai, Cid works from
New York, Eve from Singapore, and Mia and Eve are reached by chat.

It lives beside the demo rather than in the test kit because `make run` gives the demo deploy/local only, never
tests/; the test suites have deploy/local on their path, and `pacer_testkit.roster` re-exports what is here.
"""

from __future__ import annotations

from typing import Any

from pacer_shared.events.people import ChatHandles, PersonUpserted


def person(
    person_id: str,
    role: str,
    manager_id: str | None = None,
    team_id: str | None = None,
    *,
    timezone: str = "UTC",
    **fields: Any,
) -> PersonUpserted:
    """A roster record: a name from the id and an address at example.com unless given, the rest as given."""
    return PersonUpserted(
        person_id=person_id,
        display_name=fields.pop("display_name", person_id.capitalize()),
        email=fields.pop("email", f"{person_id}@example.com"),
        role=role,
        manager_id=manager_id,
        team_id=team_id,
        timezone=timezone,
        **fields,
    )


ROSTER = [
    person(
        "mia",
        "manager",
        team_id="north",
        timezone="Europe/Berlin",
        display_name="Mia Manager",
        chat=ChatHandles(dingtalk="mia-dt"),
    ),
    person("ann", "assistant", "mia", "north", timezone="Asia/Shanghai", display_name="Ann Assistant", locale="zh-CN"),
    person("bob", "assistant", "mia", "north", timezone="Europe/Berlin", display_name="Bob Assistant"),
    person("cid", "assistant", "mia", "north", timezone="America/New_York", display_name="Cid Assistant"),
    person(
        "eve",
        "assistant",
        "mia",
        "east",
        timezone="Asia/Singapore",
        display_name="Eve Assistant",
        chat=ChatHandles(feishu="eve-fs"),
    ),
    person("max", "manager", team_id="south", timezone="America/New_York", display_name="Max Manager"),
    person("dan", "assistant", "max", "south", timezone="America/New_York", display_name="Dan Assistant"),
    person("hana", "hr", display_name="Hana HR"),
    person("ada", "admin", display_name="Ada Admin"),
]


NEWCOMER = person(
    "nia", "assistant", "mia", "north", timezone="Asia/Shanghai", display_name="Nia Newcomer", locale="zh-CN"
)
"""Joins team north while the demo runs, so the onboarding programme is assigned to her by itself."""


def member(person_id: str) -> PersonUpserted:
    """The roster's record of one person."""
    return next(p for p in ROSTER if p.person_id == person_id)
