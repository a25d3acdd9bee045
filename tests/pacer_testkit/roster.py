"""Roster records as tests write them: a name from the id, an address at example.com, the rest as given."""

from __future__ import annotations

from typing import Any

from pacer_shared.events.people import PersonUpserted


def person(
    person_id: str,
    role: str,
    manager_id: str | None = None,
    team_id: str | None = None,
    *,
    timezone: str = "UTC",
    **fields: Any,
) -> PersonUpserted:
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
