"""The one roster every suite runs with, and the builder for people a test adds to it.

Both live in deploy/local/people.py, which the demo also seeds, because the demo cannot import the test kit.
"""

from __future__ import annotations

from typing import Any

from people import ROSTER, member, person

from pacer_shared.events.people import PersonUpserted

__all__ = ["ROSTER", "assistants_of", "member", "person", "roster_with"]


def assistants_of(team_id: str) -> list[str]:
    """The ids of a team's assistants in the roster, in order."""
    return sorted(p.person_id for p in ROSTER if p.team_id == team_id and p.role == "assistant")


def roster_with(**changes: dict[str, Any]) -> list[PersonUpserted]:
    """The roster with some people's records changed, for a suite whose subject is that difference:
    `roster_with(bob={"chat": ChatHandles(feishu="bob-fs")})`."""
    return [p.model_copy(update=changes[p.person_id]) if p.person_id in changes else p for p in ROSTER]
