"""Which Pacer person a CRM user is, and the roster entry an active one stands for: pure domain, no server."""

from __future__ import annotations

from typing import Any

import pytest

from pacer_connectors.adapters.fxiaoke import users_of
from pacer_connectors.domain.crm_roster import UserUnusable, person_id_of, person_of
from pacer_connectors.domain.mapping import Connection, PeopleMapping, RosterFromCrm
from pacer_shared.events.people import Role

RULES = RosterFromCrm(roles={"Sales Manager": Role.MANAGER}, team_field="Team", timezone="Asia/Shanghai")
RULES_FX = RosterFromCrm(roles={"销售经理": Role.MANAGER}, team_field="mainDepartmentId", timezone="Asia/Shanghai")


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


def test_a_fxiaoke_connection_can_publish_the_roster() -> None:
    connection = Connection.model_validate(
        {
            "id": "fx",
            "crm": "fxiaoke",
            "fxiaoke": {"app_id": "a", "app_secret_env": "S", "permanent_code_env": "P", "current_open_user_id": "u"},
            "objects": [{"object": "QuoteObj", "kind": "quote_sent"}],
            "roster": {"roles": {"销售经理": "manager"}, "team_field": "mainDepartmentId"},
        }
    )
    assert connection.roster is not None
    assert connection.roster.roles == {"销售经理": Role.MANAGER}


def member(open_user_id: str, **fields: Any) -> dict[str, Any]:
    """A member of `/cgi/user/list`'s `userList`, with the fields Fxiaoke documents for it."""
    return {
        "openUserId": open_user_id,
        "account": "111",
        "name": "李雷",
        "nickName": "雷",
        "isStop": False,
        "email": "li.lei@example.com",
        "mobile": "15611110000",
        "gender": "M",
        "position": "销售",
        "departmentIds": [999999, 1001],
        "mainDepartmentId": 1001,
        "employeeNumber": "111",
        "hireDate": "2023-03-16",
        "createTime": 1758789217451,
        "leaderId": "FSUID_MIA",
        **fields,
    }


def test_fxiaoke_members_read_as_crm_users_and_stopped_ones_are_left_out() -> None:
    answer = {
        "userList": [
            member("FSUID_LI"),
            member("FSUID_GONE", isStop=True),
            member("FSUID_OLD", isStop=1),  # the legacy wiki types isStop as a number
            member("FSUID_NONE", isStop=None),  # a status Fxiaoke did not give is not taken for active
            member("FSUID_MIA", name="", nickName="Mia", email="", leaderId=None, position=""),
        ],
        "errorCode": 0,
    }
    users = users_of(answer, "mainDepartmentId")
    assert [u["id"] for u in users] == ["FSUID_LI", "FSUID_MIA"]
    li, mia = users
    assert (li["email"], li["full_name"], li["role"], li["Reporting_To"], li["mainDepartmentId"]) == (
        "li.lei@example.com",
        "李雷",
        {"name": "销售"},
        {"id": "FSUID_MIA"},
        1001,
    )
    assert (mia["email"], mia["full_name"], mia["role"], mia["Reporting_To"]) == (None, "Mia", None, None)
    person = person_of(li, "fxiaoke-FSUID_LI", "mia", RULES_FX, None)
    assert (person.team_id, person.timezone, person.locale, person.manager_id) == ("1001", "Asia/Shanghai", "en", "mia")


def test_what_fxiaoke_does_not_say_stays_as_the_roster_has_it_and_no_address_is_made_up() -> None:
    mia = users_of({"userList": [member("FSUID_MIA", email="", position="销售经理")]}, None)[0]
    known = {"role": "manager", "email": "mia@example.com", "timezone": "America/Los_Angeles", "locale": "zh-CN"}
    person = person_of(mia, "mia", None, RULES_FX, known)
    assert (person.email, person.timezone, person.locale, person.role) == (
        "mia@example.com",
        "America/Los_Angeles",
        "zh-CN",
        Role.MANAGER,
    )
    with pytest.raises(UserUnusable, match="email"):
        person_of(mia, "fxiaoke-FSUID_MIA", None, RULES_FX, None)
