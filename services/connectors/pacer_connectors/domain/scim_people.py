"""What a provisioned SCIM User and Group are, and the roster entry (`PersonUpserted`) a user stands for. No I/O."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from pacer_connectors.domain.scim_patch import (
    CORE_GROUP,
    CORE_USER,
    ENTERPRISE_USER,
    READ_ONLY,
    ScimError,
    attribute_at,
    get,
    invalid_value,
    key_of,
)
from pacer_shared.events.people import PersonUpserted, Role

TRUE_FALSE = {"true": True, "false": False}


def user_resource(body: Any) -> dict[str, Any]:
    """A User as stored: the client's attributes, less those the service provider owns, with Entra's string
    booleans and bare manager id in their RFC 7643 form. Refuses what no roster entry can be made of."""
    if not isinstance(body, dict):
        raise ScimError(400, "a User is a JSON object", "invalidSyntax")
    resource = {key: value for key, value in body.items() if key.lower() not in READ_ONLY}
    resource["schemas"] = [CORE_USER, *([ENTERPRISE_USER] if key_of(body, ENTERPRISE_USER) in body else [])]
    user_name = get(resource, "userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise invalid_value("userName is required")
    active_key = key_of(resource, "active")
    active = resource.get(active_key, True)
    if isinstance(active, str) and active.lower() in TRUE_FALSE:
        active = TRUE_FALSE[active.lower()]  # Entra sends "False" in a PATCH without its compatibility flag
    if not isinstance(active, bool):
        raise invalid_value("active is true or false")
    resource[active_key] = active
    extension = get(resource, ENTERPRISE_USER)
    if isinstance(extension, dict):
        manager_key = key_of(extension, "manager")
        manager = extension.get(manager_key)
        if isinstance(manager, list):  # a one-item list, as some PATCH bodies wrap it
            manager = manager[0] if manager else None
        if isinstance(manager, str):  # Entra: the manager's id as the operation's whole value
            manager = {"value": manager} if manager else None
        if manager is None or (isinstance(manager, dict) and not get(manager, "value")):
            extension.pop(manager_key, None)
        elif isinstance(manager, dict):
            extension[manager_key] = manager
        else:
            raise invalid_value("manager is an object with the manager's id as its value")
    return resource


def group_resource(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ScimError(400, "a Group is a JSON object", "invalidSyntax")
    resource = {key: value for key, value in body.items() if key.lower() not in READ_ONLY}
    resource["schemas"] = [CORE_GROUP]
    name = get(resource, "displayName")
    if not isinstance(name, str) or not name.strip():
        raise invalid_value("displayName is required")
    members = get(resource, "members") or []
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(get(m, "value"), str) for m in members
    ):
        raise invalid_value("members is a list of objects, each with a user's id as its value")
    unique: dict[str, dict[str, Any]] = {}
    for member in members:
        unique.setdefault(get(member, "value"), {"value": get(member, "value")})
    resource[key_of(resource, "members")] = list(unique.values())
    return resource


def member_ids(group: dict[str, Any]) -> list[str]:
    return [str(get(m, "value")) for m in get(group, "members") or []]


def manager_ref(user: dict[str, Any]) -> str | None:
    """The id the enterprise extension names as the user's manager (RFC 7643 §4.3: `manager.value`)."""
    value = attribute_at(user, f"{ENTERPRISE_USER}:manager.value")
    return value if isinstance(value, str) and value else None


def team_slug(display_name: str) -> str:
    """A readable team id from a group's name ("Sales North" -> "sales-north", "销售一部" as it is): ids stay what
    they were made as, so renaming the group keeps its people in the same team."""
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", display_name).casefold()).strip("-")
    return slug[:60] or "team"


@dataclass(frozen=True)
class RosterRules:
    """How a User's attributes become a roster entry; from the service's settings."""

    team_attribute: str | None
    """A User attribute naming the team (e.g. the enterprise extension's `department`); unset: group membership."""
    team_group_prefix: str
    """Only groups whose displayName starts with this are teams; the others are ignored."""
    default_role: Role


def person_of(
    user_id: str, user: dict[str, Any], team_groups: list[tuple[str, str]], manager_id: str | None, rules: RosterRules
) -> PersonUpserted:
    """The roster entry for this User: `team_groups` are (group id, displayName) of the groups holding them."""
    emails = [e for e in get(user, "emails") or [] if isinstance(e, dict) and isinstance(get(e, "value"), str)]
    chosen = (
        next((e for e in emails if get(e, "primary") is True), None)
        or next((e for e in emails if str(get(e, "type") or "").lower() == "work"), None)
        or (emails[0] if emails else None)
    )
    user_name = str(get(user, "userName"))
    email = get(chosen, "value") if chosen else (user_name if "@" in user_name else None)
    if not email:
        raise invalid_value("a person needs an email address: emails, or a userName that is one")
    name = get(user, "name") if isinstance(get(user, "name"), dict) else {}
    parts = [get(name, "givenName"), get(name, "familyName")]
    # Given and family names before `formatted`: Entra patches them one by one and leaves `formatted` as created.
    display_name = get(user, "displayName") or " ".join(p for p in parts if p) or get(name, "formatted") or user_name
    language = get(user, "preferredLanguage") or get(user, "locale") or "en"
    try:
        return PersonUpserted(
            person_id=user_id,
            display_name=str(display_name).strip(),
            email=email,
            role=_role(user, rules.default_role),
            manager_id=manager_id,
            team_id=_team(user, team_groups, rules),
            timezone=get(user, "timezone") or "UTC",
            locale=str(language).replace("_", "-").split(",")[0].strip(),
            active=bool(get(user, "active")),
        )
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise invalid_value(f"{where}: {problem['msg']}") from None


def _role(user: dict[str, Any], default: Role) -> Role:
    """The first of the user's `roles` (primary first), then `userType`, that names a Pacer role."""
    roles = [r for r in get(user, "roles") or [] if isinstance(r, dict)]
    roles.sort(key=lambda r: get(r, "primary") is not True)
    for candidate in [*(get(r, "value") for r in roles), get(user, "userType")]:
        if isinstance(candidate, str) and candidate.lower() in {role.value for role in Role}:
            return Role(candidate.lower())
    return default


def _team(user: dict[str, Any], team_groups: list[tuple[str, str]], rules: RosterRules) -> str | None:
    if rules.team_attribute:
        value = attribute_at(user, rules.team_attribute)
        return value.strip() if isinstance(value, str) and value.strip() else None
    named = sorted((name, group_id) for group_id, name in team_groups if name.startswith(rules.team_group_prefix))
    return named[0][1] if named else None  # in several teams: the first by name, the same every time
