"""SCIM PATCH as Okta and Microsoft Entra send it, and the roster entry a User stands for: pure domain, no server."""

from __future__ import annotations

from typing import Any

import pytest

from pacer_connectors.domain.scim_patch import ENTERPRISE_USER, PATCH_OP, ScimError, apply_patch, parse_filter
from pacer_connectors.domain.scim_people import RosterRules, person_of, team_slug, user_resource
from pacer_shared.events.people import Role

GROUPS = RosterRules(team_attribute=None, team_group_prefix="", default_role=Role.ASSISTANT)


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def user(**extra: Any) -> dict[str, Any]:
    return user_resource(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "lin.wei@example.com",
            "name": {"givenName": "Wei", "familyName": "Lin"},
            "emails": [{"primary": True, "value": "lin.wei@example.com", "type": "work"}],
            "active": True,
            **extra,
        }
    )


def test_okta_deactivates_with_a_replace_whose_value_is_an_object_and_no_path() -> None:
    patched = user_resource(apply_patch(user(), patch({"op": "replace", "value": {"active": False}})))
    assert person_of("u1", patched, [], None, GROUPS).active is False


def test_entra_deactivates_with_a_capitalised_replace_of_active_as_the_string_false() -> None:
    patched = user_resource(apply_patch(user(), patch({"op": "Replace", "path": "active", "value": "False"})))
    assert patched["active"] is False
    again = user_resource(apply_patch(patched, patch({"op": "Replace", "path": "active", "value": "True"})))
    assert again["active"] is True


def test_entra_changes_the_work_address_and_the_family_name_by_path() -> None:
    patched = apply_patch(
        user(),
        patch(
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "wei.lin@example.com"},
            {"op": "Replace", "path": "name.familyName", "value": "Lam"},
        ),
    )
    person = person_of("u1", user_resource(patched), [], None, GROUPS)
    assert (person.email, person.display_name) == ("wei.lin@example.com", "Wei Lam")


def test_entra_adds_a_work_address_the_user_did_not_have() -> None:
    bare = user_resource({"userName": "lin", "schemas": []})
    patched = apply_patch(bare, patch({"op": "Add", "path": 'emails[type eq "work"].value', "value": "l@example.com"}))
    assert patched["emails"] == [{"type": "work", "value": "l@example.com"}]


def test_entra_names_the_manager_by_a_bare_id_on_the_extension_path_and_okta_by_an_object() -> None:
    entra = user_resource(
        apply_patch(user(), patch({"op": "Add", "path": f"{ENTERPRISE_USER}:manager", "value": "m-1"}))
    )
    okta = user_resource(
        apply_patch(user(), patch({"op": "replace", "value": {ENTERPRISE_USER: {"manager": {"value": "m-2"}}}}))
    )
    assert entra[ENTERPRISE_USER]["manager"] == {"value": "m-1"}
    assert okta[ENTERPRISE_USER]["manager"] == {"value": "m-2"}
    removed = user_resource(apply_patch(entra, patch({"op": "Remove", "path": f"{ENTERPRISE_USER}:manager"})))
    assert "manager" not in removed[ENTERPRISE_USER]


def test_group_members_are_added_and_removed_in_both_providers_shapes() -> None:
    group: dict[str, Any] = {"displayName": "Sales North", "members": []}
    added = apply_patch(group, patch({"op": "Add", "path": "members", "value": [{"value": "a"}, {"value": "b"}]}))
    assert [m["value"] for m in added["members"]] == ["a", "b"]
    okta = apply_patch(added, patch({"op": "remove", "path": 'members[value eq "a"]'}))
    entra = apply_patch(added, patch({"op": "Remove", "path": "members", "value": [{"value": "b"}]}))
    assert ([m["value"] for m in okta["members"]], [m["value"] for m in entra["members"]]) == (["b"], ["a"])


def test_a_patch_is_all_or_nothing_and_names_what_is_wrong() -> None:
    original = user()
    with pytest.raises(ScimError) as refused:
        apply_patch(original, patch({"op": "replace", "path": "displayName", "value": "X"}, {"op": "move"}))
    assert (refused.value.status, refused.value.scim_type) == (400, "invalidSyntax")
    assert "displayName" not in original
    with pytest.raises(ScimError) as no_schema:
        apply_patch(original, {"Operations": [{"op": "replace", "value": {"active": False}}]})
    assert no_schema.value.scim_type == "invalidSyntax"


def test_read_only_attributes_are_left_alone() -> None:
    patched = apply_patch({"displayName": "Old"}, patch({"op": "replace", "value": {"id": "x", "displayName": "New"}}))
    assert patched == {"displayName": "New"}


def test_filters_are_attribute_eq_a_quoted_value() -> None:
    found = parse_filter('userName eq "ann \\"a\\" lee@example.com"')
    assert (found.attribute, found.value) == ("userName", 'ann "a" lee@example.com')
    with pytest.raises(ScimError) as refused:
        parse_filter('userName sw "ann"')
    assert refused.value.scim_type == "invalidFilter"


def test_the_team_is_the_first_team_group_by_name_or_the_configured_attribute() -> None:
    groups = [("sales-south", "Sales South"), ("everyone", "Everyone"), ("sales-north", "Sales North")]
    prefixed = RosterRules(None, "Sales ", Role.ASSISTANT)
    assert person_of("u1", user(), groups, None, prefixed).team_id == "sales-north"
    by_department = RosterRules(f"{ENTERPRISE_USER}:department", "", Role.ASSISTANT)
    with_department = user(**{ENTERPRISE_USER: {"department": "east"}})
    assert person_of("u1", with_department, groups, None, by_department).team_id == "east"


def test_the_role_comes_from_roles_or_user_type_and_a_bad_time_zone_is_refused() -> None:
    assert person_of("u1", user(userType="Manager"), [], None, GROUPS).role == Role.MANAGER
    assert person_of("u1", user(roles=[{"value": "hr", "primary": True}]), [], None, GROUPS).role == Role.HR
    assert person_of("u1", user(userType="Member"), [], None, GROUPS).role == Role.ASSISTANT
    with pytest.raises(ScimError) as refused:
        person_of("u1", user(timezone="Mars/Olympus"), [], None, GROUPS)
    assert refused.value.scim_type == "invalidValue"
    assert "timezone" in refused.value.detail


def test_a_group_name_becomes_a_readable_team_id() -> None:
    assert team_slug("Sales North (Shanghai)") == "sales-north-shanghai"
    assert team_slug("销售 一部") == "销售-一部"
