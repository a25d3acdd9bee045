"""The organisation the security suites run the six services with, and the callers of each role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from pacer_shared.auth import Role
from pacer_testkit.platform import Platform, running_platform
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import Stack, free_port


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


CONNECTION = "crm-north"
"""The connectors' one connection in the organisation: a Zoho account at an address nobody answers, so its sync
fails and retries while its status and callback endpoints answer as they always do."""


SALESFORCE_CONNECTION = "crm-south"
"""A Salesforce org at an address nobody answers, so its Outbound Message endpoint answers as it always does."""
SALESFORCE_ORG = "00D5e000000KQ2eEAG"


@asynccontextmanager
async def organisation(stack: Stack, log_dir: Path, with_connectors: bool = False) -> AsyncIterator[Platform]:
    """The six services (and the connectors, when asked) as processes in a namespace of their own, once each knows
    the whole roster."""
    extra = {"connectors": _connectors_settings(log_dir)} if with_connectors else None
    async with running_platform(stack, f"sec{uuid.uuid4().hex[:8]}", log_dir, extra=extra) as platform:
        yield platform


SCIM_TOKEN = "matrix-scim-token-of-the-identity-provider-0123"


def _connectors_settings(log_dir: Path) -> dict[str, str]:
    folder = log_dir / "connections"
    folder.mkdir(parents=True, exist_ok=True)
    connection = {
        "id": CONNECTION,
        "crm": "zoho",
        "zoho": {
            "accounts_url": f"http://127.0.0.1:{free_port()}",
            "allow_any_accounts_url": True,
            "client_id": "1000.CLIENT",
            "client_secret_env": "MATRIX_ZOHO_SECRET",
            "refresh_token_env": "MATRIX_ZOHO_REFRESH",
            "notify_url": "http://127.0.0.1/unused",
            "channel_token_env": "MATRIX_ZOHO_CHANNEL",
        },
        "objects": [{"object": "Calls", "kind": "call"}],
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(connection))
    salesforce = {
        "id": SALESFORCE_CONNECTION,
        "crm": "salesforce",
        "salesforce": {
            "flow": "client_credentials",
            "login_url": f"http://127.0.0.1:{free_port()}",
            "allow_any_login_url": True,
            "client_id": "3MVG9CLIENT",
            "client_secret_env": "MATRIX_SALESFORCE_SECRET",
            "organization_id": SALESFORCE_ORG,
        },
        "objects": [{"object": "Task", "kind": "call", "owner_field": "OwnerId", "occurred_at_field": "CreatedDate"}],
    }
    (folder / f"{SALESFORCE_CONNECTION}.yaml").write_text(yaml.safe_dump(salesforce))
    return {
        "MATRIX_SALESFORCE_SECRET": "secret",
        "PACER_CONNECTORS_CONNECTIONS_DIR": str(folder),
        "MATRIX_ZOHO_SECRET": "secret",
        "MATRIX_ZOHO_REFRESH": "refresh",
        "MATRIX_ZOHO_CHANNEL": "channel-token",
        # Set, so a person's JWT on the SCIM endpoint is refused for not being it, not because SCIM is off.
        "PACER_CONNECTORS_SCIM_TOKEN": SCIM_TOKEN,
    }
