"""The roster from a CRM's users (Zoho's `GET /crm/v7/users`; Salesforce's User records and Fxiaoke's members, which
their adapters give in the same shape): which Pacer person each CRM user is, and the roster entry an active one
stands for. No I/O.

A user's fields as Zoho's users API shows them (https://www.zoho.com/deluge/help/crm/get-user-data.html and the v2
example at https://www.zoho.com/de/crm/help/api-diff/getUsers.html): `id`, `email`, `full_name`, `first_name`,
`last_name`, `status` (`active`), `role` (`{name, id}`), `time_zone`, `locale` (`en_US`), `language`, and
`Reporting_To` (`{name, id}`), the user they report to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from pacer_connectors.domain.mapping import PeopleMapping, RosterFromCrm
from pacer_shared.events.people import PersonUpserted, Role, validate_timezone
from pacer_shared.mongo import Document


class UserUnusable(Exception):
    """A CRM user no roster entry can be made of (no address, say): reported, not published."""


def person_id_of(crm: str, user: Mapping[str, Any], people: PeopleMapping, by_email: Mapping[str, str]) -> str:
    """The connection's table first (by CRM user id or address), then the roster person with the address, else an
    id of the CRM's own: `zoho-<user id>`, which the records of that user then map to by address."""
    user_id, email = str(user.get("id")), str(user.get("email") or "").lower()
    return (
        people.table.get(user_id)
        or (people.table.get(email) if email else None)
        or (by_email.get(email) if email and people.by_email else None)
        or f"{crm}-{user_id}"
    )


def person_of(
    user: Mapping[str, Any], person_id: str, manager_id: str | None, rules: RosterFromCrm, known: Document | None
) -> PersonUpserted:
    """The roster entry of an active CRM user. What the CRM does not say (chat handles, teams led, a role its CRM role
    does not map to; a time zone, locale or address where its users have none, as Fxiaoke's members have no zone or
    locale and often no address) stays as the roster already has it. A user with no address whom the roster does not
    know is no roster entry (UserUnusable): the address is never made up."""
    role_name = (user.get("role") or {}).get("name") if isinstance(user.get("role"), dict) else None
    role = rules.roles.get(str(role_name)) or (Role(known["role"]) if known else rules.default_role)
    parts = [user.get("first_name"), user.get("last_name")]
    name = user.get("full_name") or " ".join(str(p) for p in parts if p) or user.get("email")
    team = user.get(rules.team_field) if rules.team_field else None
    if isinstance(team, dict):  # a lookup field: {"name": ..., "id": ...}
        team = team.get("name")
    before = known or {}
    email = user.get("email") or before.get("email")
    zone = user.get("time_zone")
    try:
        return PersonUpserted(
            person_id=person_id,
            display_name=str(name or email or ""),
            email=str(email or ""),
            role=role,
            manager_id=manager_id,
            team_id=str(team) if team else None,
            leads_team_ids=(known or {}).get("leads_team_ids") or [],
            timezone=_timezone(zone, rules.timezone) if zone or not before.get("timezone") else before["timezone"],
            locale=str(user.get("locale") or user.get("language") or before.get("locale") or "en").replace("_", "-"),
            chat=(known or {}).get("chat") or {},
            active=True,
        )
    except ValidationError as error:
        problem = error.errors()[0]
        raise UserUnusable(f"CRM user {user.get('id')}: {problem['loc'][0]}: {problem['msg']}") from None


def _timezone(value: Any, fallback: str) -> str:
    try:
        return validate_timezone(str(value)) if value else fallback
    except ValueError:
        return fallback  # Zoho may name a zone by an abbreviation (IST) or a retired alias
