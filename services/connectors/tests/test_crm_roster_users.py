"""Which Pacer person a CRM user is, and the roster entry an active one stands for: pure domain, no server."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from pacer_connectors.domain.crm_roster import UserUnusable, person_id_of, person_of
from pacer_connectors.domain.mapping import Connection, PeopleMapping, RosterFromCrm
from pacer_shared.events.people import Role

RULES = RosterFromCrm(roles={"Sales Manager": Role.MANAGER}, team_field="Team", timezone="Asia/Shanghai")


def user(**fields: Any) -> dict[str, Any]:
    return {
        "id": "41508680001",
        "email": "Li.Lei@example.com",
        "full_name": "Lei Li",
        "role": {"name": "Sales Rep", "id": "1"},
        "time_zone": "Europe/Berlin",
        "locale": "zh_CN",
        **fields,
    }


def test_a_user_is_the_table_s_person_then_the_roster_s_by_address_then_one_of_the_crm_s_own() -> None:
    table = PeopleMapping(table={"41508680001": "lei"})
    assert person_id_of("zoho", user(), table, {"li.lei@example.com": "li"}) == "lei"
    assert person_id_of("zoho", user(), PeopleMapping(), {"li.lei@example.com": "li"}) == "li"
    assert (
        person_id_of("zoho", user(), PeopleMapping(by_email=False), {"li.lei@example.com": "li"}) == "zoho-41508680001"
    )


def test_the_entry_takes_the_crm_s_fields_and_keeps_what_the_roster_had() -> None:
    known = {"role": "hr", "chat": {"slack": "U1"}, "leads_team_ids": ["north"]}
    person = person_of(user(Team={"name": "north", "id": "9"}), "li", "mia", RULES, known)
    assert (person.display_name, person.timezone, person.locale, person.team_id) == (
        "Lei Li",
        "Europe/Berlin",
        "zh-CN",
        "north",
    )
    assert (person.role, person.chat.slack, person.leads_team_ids, person.manager_id) == (
        Role.HR,
        "U1",
        ["north"],
        "mia",
    )
    manager = person_of(user(role={"name": "Sales Manager"}, time_zone="IST"), "li", None, RULES, known)
    assert (manager.role, manager.timezone) == (Role.MANAGER, "Asia/Shanghai")
    assert person_of(user(), "li", None, RULES, None).role == Role.ASSISTANT


def test_a_user_without_an_address_is_left_out_with_the_reason() -> None:
    with pytest.raises(UserUnusable, match="email"):
        person_of(user(email=None), "li", None, RULES, None)


def test_a_fxiaoke_connection_does_not_publish_the_roster_yet() -> None:
    with pytest.raises(ValidationError, match="roster"):
        Connection.model_validate(
            {
                "id": "fx",
                "crm": "fxiaoke",
                "fxiaoke": {
                    "app_id": "a",
                    "app_secret_env": "S",
                    "permanent_code_env": "P",
                    "current_open_user_id": "u",
                },
                "objects": [{"object": "QuoteObj", "kind": "quote_sent"}],
                "roster": {},
            }
        )
