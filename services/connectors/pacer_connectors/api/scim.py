"""The SCIM 2.0 endpoint (RFC 7644) an identity provider (Okta, Microsoft Entra) provisions the roster through.

It is authenticated by its own bearer token (`PACER_CONNECTORS_SCIM_TOKEN`), never by a person's JWT: no role of
Pacer's reaches it. Every answer is `application/scim+json` and every refusal an RFC 7644 §3.12 error body.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from pacer_connectors.api.deps import ConnectorsDep
from pacer_connectors.api.scim_discovery import (
    LIST,
    MAX_RESULTS,
    RESOURCE_TYPES,
    SCHEMAS,
    SERVICE_PROVIDER_CONFIG,
    listed,
)
from pacer_connectors.domain.scim_patch import ScimError, parse_filter
from pacer_connectors.service.scim import Provisioning
from pacer_shared.audit import Auditor, trail_from
from pacer_shared.auth import Principal
from pacer_shared.mongo import Document
from pacer_shared.problems import Problem

SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_BODY_BYTES = 1_000_000


class ScimResponse(JSONResponse):
    media_type = SCIM_JSON


def error_response(error: ScimError) -> ScimResponse:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    headers = {"WWW-Authenticate": 'Bearer realm="scim"'} if error.status == 401 else None
    return ScimResponse(body, status_code=error.status, headers=headers)


class ScimRoute(APIRoute):
    """Turns every refusal on a SCIM route (bad input, a missing token, the shared problem types) into a SCIM error
    body: a provisioning client reads `scimType` and `detail`, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ScimError as error:
                return error_response(error)
            except RequestValidationError as invalid:
                first = invalid.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                return error_response(ScimError(400, f"{where}: {first['msg']}", "invalidValue"))
            except Problem as problem:
                return error_response(ScimError(problem.status, problem.detail))

        return scim_handler


def scim_client(request: Request) -> None:
    """The identity provider's SCIM token, compared in constant time."""
    token = request.app.state.settings.scim_token
    if token is None:
        raise ScimError(401, "SCIM provisioning is off: PACER_CONNECTORS_SCIM_TOKEN is not set")
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credential.strip().encode(), token.get_secret_value().encode()
    ):
        raise ScimError(401, "a bearer token that is the SCIM token is required")


async def scim_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ScimError(413, f"a request body is at most {MAX_BODY_BYTES} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise ScimError(400, "the body is not JSON", "invalidSyntax") from None


IDENTITY_PROVIDER = Principal("identity-provider", frozenset())
"""Who the audit trail names for a SCIM change: the holder of the SCIM token, which has no Pacer role."""


def auditor_of(request: Request) -> Auditor:
    return Auditor(trail_from(request), IDENTITY_PROVIDER, request.client.host if request.client else None)


AuditDep = Annotated[Auditor, Depends(auditor_of)]


def provisioning_of(connectors: ConnectorsDep) -> Provisioning:
    return connectors.provisioning


ProvisioningDep = Annotated[Provisioning, Depends(provisioning_of)]
Body = Annotated[Any, Depends(scim_body)]
SCIM_BODY = {"requestBody": {"required": True, "content": {SCIM_JSON: {"schema": {"type": "object"}}}}}
_REFUSALS: list[tuple[int | str, str]] = [
    (400, "invalidValue, invalidSyntax, invalidFilter, invalidPath, noTarget"),
    (401, "No SCIM token, or another one"),
    (404, "No such resource"),
    (409, "userName taken (uniqueness)"),
    ("4XX", "Any other refusal (a body too large), as a SCIM error: never problem+json"),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": why, "content": {SCIM_JSON: {"schema": {"type": "object"}}}} for status, why in _REFUSALS
}
OK: dict[int | str, dict[str, Any]] = {
    200: {"description": "The resource", "content": {SCIM_JSON: {"schema": {"type": "object"}}}}
}
CREATED: dict[int | str, dict[str, Any]] = {
    201: {"description": "The resource", "content": {SCIM_JSON: {"schema": {"type": "object"}}}}
}

router = APIRouter(prefix="/scim/v2", tags=["scim"], route_class=ScimRoute, default_response_class=ScimResponse)
guarded = APIRouter(
    dependencies=[Depends(scim_client)], responses=ERRORS, route_class=ScimRoute, default_response_class=ScimResponse
)


def render(kind: str, document: Document, request: Request) -> dict[str, Any]:
    resource = dict(document["resource"])
    if kind == "Group":
        resource["members"] = [{"value": m, "$ref": _location(request, "Users", m)} for m in document["members"]]
    return {
        **resource,
        "id": document["_id"],
        "meta": {
            "resourceType": kind,
            "created": document["created"].isoformat(),
            "lastModified": document["last_modified"].isoformat(),
            "location": _location(request, f"{kind}s", document["_id"]),
            "version": f'W/"{document["version"]}"',
        },
    }


def _location(request: Request, endpoint: str, resource_id: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/scim/v2/{endpoint}/{resource_id}"


def _project(resource: dict[str, Any], attributes: str | None, excluded: str | None) -> dict[str, Any]:
    """RFC 7644 §3.9: only the `attributes` asked for, or all but the `excludedAttributes` (Entra reads groups
    with `excludedAttributes=members`); `id` and `schemas` always."""
    kept = {"id", "schemas"}
    if attributes:
        wanted = {a.strip().split(".")[0].lower() for a in attributes.split(",")} | kept
        return {k: v for k, v in resource.items() if k.lower() in wanted}
    if excluded:
        dropped = {a.strip().split(".")[0].lower() for a in excluded.split(",")} - kept
        return {k: v for k, v in resource.items() if k.lower() not in dropped}
    return resource


FILTERABLE = {
    "User": {"username": "user_name_key", "externalid": "external_id", "id": "_id"},
    "Group": {"displayname": "display_key", "externalid": "external_id", "id": "_id"},
}
CASE_EXACT = {"external_id", "_id"}


async def _list(
    kind: str,
    provisioning: Provisioning,
    request: Request,
    filter_text: str | None,
    start_index: int,
    count: int | None,
    attributes: str | None,
    excluded: str | None,
) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    if filter_text:
        condition = parse_filter(filter_text)
        field = FILTERABLE[kind].get(condition.attribute.lower())
        if field is None:
            attrs = ", ".join(sorted(FILTERABLE[kind]))
            raise ScimError(400, f"{kind}s are filtered by one of {attrs} (eq)", "invalidFilter")
        wanted[field] = condition.value if field in CASE_EXACT else condition.value.lower()
    start = max(start_index, 1)  # RFC 7644 §3.4.2.4: below 1 is read as 1, a negative count as 0
    size = min(max(count if count is not None else MAX_RESULTS, 0), MAX_RESULTS)
    total, found = await provisioning.repository.page(kind, wanted, start, size)
    resources = [_project(render(kind, d, request), attributes, excluded) for d in found]
    return {
        "schemas": [LIST],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


Filter = Annotated[str | None, Query(alias="filter", description='e.g. userName eq "ann@example.com"')]
StartIndex = Annotated[int, Query(alias="startIndex", description="1-based")]
Count = Annotated[int | None, Query(description=f"at most {MAX_RESULTS}")]
Attributes = Annotated[str | None, Query(description="Only these attributes (comma-separated)")]
Excluded = Annotated[str | None, Query(alias="excludedAttributes", description="All but these (comma-separated)")]


def _created(kind: str, document: Document, request: Request) -> ScimResponse:
    body = render(kind, document, request)
    return ScimResponse(body, status_code=201, headers={"Location": body["meta"]["location"]})


# ------------------------------------------------------------ Users


@guarded.get("/Users", summary="Users, filtered by userName, externalId or id and paged", responses=OK)
async def list_users(
    provisioning: ProvisioningDep,
    request: Request,
    filter_text: Filter = None,
    start_index: StartIndex = 1,
    count: Count = None,
    attributes: Attributes = None,
    excluded_attributes: Excluded = None,
) -> dict[str, Any]:
    return await _list("User", provisioning, request, filter_text, start_index, count, attributes, excluded_attributes)


@guarded.post("/Users", summary="Provision a person", status_code=201, responses=CREATED, openapi_extra=SCIM_BODY)
async def create_user(provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep) -> ScimResponse:
    return _created("User", await provisioning.create_user(body, audit), request)


@guarded.get("/Users/{user_id}", summary="One user", responses=OK)
async def get_user(user_id: str, provisioning: ProvisioningDep, request: Request) -> dict[str, Any]:
    user = await provisioning.repository.user(user_id)
    if user is None:
        raise ScimError(404, f"no User {user_id!r}")
    return render("User", user, request)


@guarded.put("/Users/{user_id}", summary="Replace a user", responses=OK, openapi_extra=SCIM_BODY)
async def replace_user(
    user_id: str, provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep
) -> dict[str, Any]:
    return render("User", await provisioning.replace_user(user_id, body, audit), request)


@guarded.patch(
    "/Users/{user_id}",
    summary="Change a user (active false: the person has left)",
    responses=OK,
    openapi_extra=SCIM_BODY,
)
async def patch_user(
    user_id: str, provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep
) -> dict[str, Any]:
    return render("User", await provisioning.patch_user(user_id, body, audit), request)


@guarded.delete("/Users/{user_id}", summary="Deprovision a user (published as having left)", status_code=204)
async def delete_user(user_id: str, provisioning: ProvisioningDep, audit: AuditDep) -> Response:
    await provisioning.delete_user(user_id, audit)
    return Response(status_code=204)


# ------------------------------------------------------------ Groups


@guarded.get("/Groups", summary="Groups, filtered by displayName, externalId or id and paged", responses=OK)
async def list_groups(
    provisioning: ProvisioningDep,
    request: Request,
    filter_text: Filter = None,
    start_index: StartIndex = 1,
    count: Count = None,
    attributes: Attributes = None,
    excluded_attributes: Excluded = None,
) -> dict[str, Any]:
    return await _list("Group", provisioning, request, filter_text, start_index, count, attributes, excluded_attributes)


@guarded.post("/Groups", summary="Create a group (a team)", status_code=201, responses=CREATED, openapi_extra=SCIM_BODY)
async def create_group(provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep) -> ScimResponse:
    return _created("Group", await provisioning.create_group(body, audit), request)


@guarded.get("/Groups/{group_id}", summary="One group", responses=OK)
async def get_group(
    group_id: str, provisioning: ProvisioningDep, request: Request, excluded_attributes: Excluded = None
) -> dict[str, Any]:
    group = await provisioning.repository.group(group_id)
    if group is None:
        raise ScimError(404, f"no Group {group_id!r}")
    return _project(render("Group", group, request), None, excluded_attributes)


@guarded.put("/Groups/{group_id}", summary="Replace a group", responses=OK, openapi_extra=SCIM_BODY)
async def replace_group(
    group_id: str, provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep
) -> dict[str, Any]:
    return render("Group", await provisioning.replace_group(group_id, body, audit), request)


@guarded.patch(
    "/Groups/{group_id}", summary="Rename a group or change its members", responses=OK, openapi_extra=SCIM_BODY
)
async def patch_group(
    group_id: str, provisioning: ProvisioningDep, request: Request, body: Body, audit: AuditDep
) -> dict[str, Any]:
    return render("Group", await provisioning.patch_group(group_id, body, audit), request)


@guarded.delete("/Groups/{group_id}", summary="Delete a group (its members leave the team)", status_code=204)
async def delete_group(group_id: str, provisioning: ProvisioningDep, audit: AuditDep) -> Response:
    await provisioning.delete_group(group_id, audit)
    return Response(status_code=204)


# ------------------------------------------------------------ discovery (RFC 7644 §4)


@guarded.get("/ServiceProviderConfig", summary="What this SCIM endpoint supports", responses=OK)
async def service_provider_config() -> dict[str, Any]:
    return SERVICE_PROVIDER_CONFIG


@guarded.get("/ResourceTypes", summary="User and Group", responses=OK)
async def resource_types() -> dict[str, Any]:
    return listed(list(RESOURCE_TYPES.values()))


@guarded.get("/ResourceTypes/{name}", summary="One resource type", responses=OK)
async def resource_type(name: str) -> dict[str, Any]:
    if name not in RESOURCE_TYPES:
        raise ScimError(404, f"no resource type {name!r}")
    return RESOURCE_TYPES[name]


@guarded.get("/Schemas", summary="The attributes Pacer reads", responses=OK)
async def schemas() -> dict[str, Any]:
    return listed(list(SCHEMAS.values()))


@guarded.get("/Schemas/{schema_id}", summary="One schema", responses=OK)
async def schema(schema_id: str) -> dict[str, Any]:
    if schema_id not in SCHEMAS:
        raise ScimError(404, f"no schema {schema_id!r}")
    return SCHEMAS[schema_id]


router.include_router(guarded)


@router.api_route("/{anything:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def unknown(anything: str, request: Request) -> Response:
    """Anything else under /scim/v2 is a SCIM error, not the platform's problem+json: 405 naming the methods allowed
    when the path is an endpoint's (RFC 7644 §3.12 lists 405 for a method the endpoint does not support), else 404."""
    # The app's OpenAPI document is the public list of its paths and methods (FastAPI caches it); route objects of
    # included routers are not public API.
    allowed = sorted(
        method.upper()
        for path, operations in request.app.openapi()["paths"].items()
        if compile_path(path)[0].match(request.url.path)
        for method in operations
    )
    if allowed:
        error = error_response(ScimError(405, f"{request.method} is not supported on /{anything}"))
        error.headers["Allow"] = ", ".join(allowed)
        return error
    raise ScimError(404, f"no SCIM endpoint /{anything}")
