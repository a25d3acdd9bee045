"""What the SCIM endpoint supports, as RFC 7644 §4 has a client discover it: ServiceProviderConfig, ResourceTypes
and the Schemas of the attributes Pacer reads (RFC 7643 §5-§7). Static: the same for every deployment."""

from __future__ import annotations

from typing import Any

from pacer_connectors.domain.scim_patch import CORE_GROUP, CORE_USER, ENTERPRISE_USER

LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
MAX_RESULTS = 200

SERVICE_PROVIDER_CONFIG: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "patch": {"supported": True},
    "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
    "filter": {"supported": True, "maxResults": MAX_RESULTS},
    "changePassword": {"supported": False},
    "sort": {"supported": False},
    "etag": {"supported": False},
    "authenticationSchemes": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The token set as PACER_CONNECTORS_SCIM_TOKEN, in an `Authorization: Bearer` header",
            "primary": True,
        }
    ],
    "meta": {"resourceType": "ServiceProviderConfig", "location": "/scim/v2/ServiceProviderConfig"},
}

RESOURCE_TYPES: dict[str, dict[str, Any]] = {
    "User": {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person of the roster",
        "schema": CORE_USER,
        "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/User"},
    },
    "Group": {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "A team, when teams come from groups",
        "schema": CORE_GROUP,
        "meta": {"resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/Group"},
    },
}


def _attribute(
    name: str,
    kind: str = "string",
    *,
    multi: bool = False,
    required: bool = False,
    unique: str = "none",
    mutability: str = "readWrite",
    sub: list[dict[str, Any]] | None = None,
    description: str = "",
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": multi,
        "description": description,
        "required": required,
        "caseExact": False,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": unique,
    }
    if sub is not None:
        attribute["subAttributes"] = sub
    return attribute


_VALUE_TYPE_PRIMARY = [_attribute("value"), _attribute("type"), _attribute("primary", "boolean")]


def _schema(schema_id: str, name: str, attributes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": schema_id,
        "name": name,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"/scim/v2/Schemas/{schema_id}"},
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    CORE_USER: _schema(
        CORE_USER,
        "User",
        [
            _attribute("userName", required=True, unique="server", description="Unique whatever its case"),
            _attribute("externalId"),
            _attribute("displayName", description="The person's name in Pacer"),
            _attribute(
                "name",
                "complex",
                sub=[_attribute("formatted"), _attribute("givenName"), _attribute("familyName")],
            ),
            _attribute("emails", "complex", multi=True, sub=_VALUE_TYPE_PRIMARY, description="Primary, else work"),
            _attribute("active", "boolean", description="false: the person has left"),
            _attribute("timezone", description="IANA time zone, e.g. Asia/Shanghai"),
            _attribute("preferredLanguage", description="zh-CN, en, ..."),
            _attribute("locale"),
            _attribute("userType", description="assistant, manager, hr or admin, unless roles names one"),
            _attribute("roles", "complex", multi=True, sub=_VALUE_TYPE_PRIMARY, description="A Pacer role by value"),
        ],
    ),
    ENTERPRISE_USER: _schema(
        ENTERPRISE_USER,
        "EnterpriseUser",
        [
            _attribute("employeeNumber"),
            _attribute("department", description="The team, when PACER_CONNECTORS_SCIM_TEAM_ATTRIBUTE names it"),
            _attribute(
                "manager",
                "complex",
                sub=[_attribute("value", description="The manager's id"), _attribute("displayName")],
            ),
        ],
    ),
    CORE_GROUP: _schema(
        CORE_GROUP,
        "Group",
        [
            _attribute("displayName", required=True),
            _attribute("externalId"),
            _attribute("members", "complex", multi=True, sub=[_attribute("value"), _attribute("display")]),
        ],
    ),
}


def listed(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }
