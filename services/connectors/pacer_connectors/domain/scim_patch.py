"""SCIM 2.0 attribute paths, `eq` filters and PATCH operations (RFC 7644 §3.4.2.2, §3.5.2) on a resource held as
JSON, as Okta and Microsoft Entra send them. No I/O.

The two providers shape PATCH differently, and both are accepted:

- Okta (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20): lower-case `replace` operations with no
  `path` and a `value` object (`{"op": "replace", "value": {"active": false}}` deactivates); group members are
  `add`ed with `path: members` and removed with `path: members[value eq "…"]`.
- Microsoft Entra (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups):
  capitalised `Add`/`Replace`/`Remove`, a `path` per attribute (`active`, `name.givenName`,
  `emails[type eq "work"].value`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager` with the
  manager's id as a bare string), booleans as the strings "True"/"False" (the first item of
  application-provisioning-config-problem-scim-compatibility), and `Remove` of `members` with a `value` list.

Attribute names are case-insensitive (RFC 7643 §2.1): a key is matched whatever its case and keeps the case it was
first stored with.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
READ_ONLY = {"id", "meta", "schemas"}
"""Attributes the service provider owns (RFC 7643 §3.1): a PATCH that names them changes nothing."""


class ScimError(Exception):
    """A refusal as RFC 7644 §3.12 words it: an HTTP status and, for a 400, a `scimType` keyword."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


@dataclass(frozen=True)
class Filter:
    """`attribute eq "value"`: the one filter form provisioning clients send (user by userName, group by
    displayName, either by externalId)."""

    attribute: str
    value: str


_FILTER = re.compile(r'^\s*([A-Za-z][\w.:$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def parse_filter(text: str) -> Filter:
    match = _FILTER.match(text)
    if match is None:
        raise ScimError(
            400, f'only filters of the form attribute eq "value" are supported, not {text!r}', "invalidFilter"
        )
    return Filter(match.group(1), json.loads(f'"{match.group(2)}"'))


@dataclass(frozen=True)
class Path:
    """Where an operation applies: `container` is the extension's URN or None (the resource itself), then an
    attribute, an optional `[sub eq "value"]` selection of a multi-valued attribute, and an optional sub-attribute."""

    container: str | None
    attribute: str
    selection: Filter | None
    sub: str | None


_PATH = re.compile(r"^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$")


def parse_path(text: str) -> Path:
    container: str | None = None
    rest = text.strip()
    for urn in (ENTERPRISE_USER, CORE_USER, CORE_GROUP):
        if rest.lower() == urn.lower() and urn == ENTERPRISE_USER:
            return Path(None, ENTERPRISE_USER, None, None)
        if rest.lower().startswith(urn.lower() + ":"):
            container, rest = (urn if urn == ENTERPRISE_USER else None), rest[len(urn) + 1 :]
            break
    match = _PATH.match(rest)
    if match is None:
        raise ScimError(400, f"not an attribute path: {text!r}", "invalidPath")
    attribute, selection, sub = match.groups()
    return Path(container, attribute, parse_filter(selection) if selection else None, sub)


def key_of(document: dict[str, Any], name: str) -> str:
    """The key `document` holds `name` under, whatever its case; `name` itself when it holds none."""
    lowered = name.lower()
    return next((key for key in document if key.lower() == lowered), name)


def get(document: dict[str, Any], name: str) -> Any:
    return document.get(key_of(document, name))


def attribute_at(resource: dict[str, Any], path_text: str) -> Any:
    """The value at a simple path (`department`, `urn:…:enterprise:2.0:User:department`, `name.familyName`)."""
    path = parse_path(path_text)
    holder = get(resource, path.container) if path.container else resource
    value = get(holder, path.attribute) if isinstance(holder, dict) else None
    if path.sub is not None:
        value = get(value, path.sub) if isinstance(value, dict) else None
    return value


def apply_patch(resource: dict[str, Any], body: Any) -> dict[str, Any]:
    """The resource after the request's operations, all or none (RFC 7644 §3.5.2: a PATCH is atomic)."""
    if not isinstance(body, dict) or PATCH_OP not in (get(body, "schemas") or []):
        raise ScimError(400, f"a PATCH body names the schema {PATCH_OP}", "invalidSyntax")
    operations = get(body, "Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "a PATCH body has a non-empty `Operations` list", "invalidSyntax")
    patched = copy.deepcopy(resource)
    for operation in operations:
        _apply(patched, operation)
    return patched


def _apply(resource: dict[str, Any], operation: Any) -> None:
    if not isinstance(operation, dict):
        raise ScimError(400, "each operation is an object", "invalidSyntax")
    op = str(get(operation, "op") or "").lower()  # Entra capitalises it
    if op not in ("add", "replace", "remove"):
        raise ScimError(400, f"op must be add, replace or remove, not {get(operation, 'op')!r}", "invalidSyntax")
    path_text, value = get(operation, "path"), get(operation, "value")
    if path_text is None:
        if op == "remove":
            raise ScimError(400, "a remove operation names a path", "noTarget")
        if not isinstance(value, dict):
            raise ScimError(400, "an operation without a path has an object as its value", "invalidValue")
        for name, item in value.items():  # Okta: {"op": "replace", "value": {"active": false}}
            if name.lower() in READ_ONLY:
                continue
            if name.lower() == ENTERPRISE_USER.lower() and isinstance(item, dict):
                key = key_of(resource, ENTERPRISE_USER)
                found = resource.get(key)
                extension: dict[str, Any] = found if isinstance(found, dict) else {}
                resource[key] = extension
                for sub_name, sub_item in item.items():
                    _set(extension, parse_path(sub_name), op, sub_item)
            else:
                _set(resource, parse_path(name), op, item)
        return
    if not isinstance(path_text, str):
        raise ScimError(400, "path is a string", "invalidPath")
    path = parse_path(path_text)
    if path.attribute.lower() in READ_ONLY:
        return
    holder = _holder(resource, path.container, create=op != "remove")
    if holder is None:
        return
    if op == "remove":
        _remove(holder, path, value)
    else:
        _set(holder, path, op, value)


def _holder(resource: dict[str, Any], container: str | None, *, create: bool) -> dict[str, Any] | None:
    if container is None:
        return resource
    key = key_of(resource, container)
    if not isinstance(resource.get(key), dict):
        if not create:
            return None
        resource[key] = {}
    holder: dict[str, Any] = resource[key]
    return holder


def _set(holder: dict[str, Any], path: Path, op: str, value: Any) -> None:
    key = key_of(holder, path.attribute)
    current = holder.get(key)
    if path.selection is not None:
        items = current if isinstance(current, list) else []
        chosen = [item for item in items if isinstance(item, dict) and _matches(item, path.selection)]
        if not chosen:
            # Entra adds a work address with `emails[type eq "work"].value` when there is none yet.
            created: dict[str, Any] = {path.selection.attribute: path.selection.value}
            items.append(created)
            chosen = [created]
        for item in chosen:
            if path.sub is not None:
                item[key_of(item, path.sub)] = value
            elif isinstance(value, dict):
                item.update(value)
            else:
                raise invalid_value(f"{path.attribute}[…] is replaced by an object")
        holder[key] = items
    elif path.sub is not None:
        parent = current if isinstance(current, dict) else {}
        parent[key_of(parent, path.sub)] = value
        holder[key] = parent
    elif op == "add" and isinstance(current, list):
        additions = value if isinstance(value, list) else [value]
        holder[key] = current + [item for item in additions if item not in current and not _listed(current, item)]
    elif op == "add" and isinstance(current, dict) and isinstance(value, dict):
        current.update(value)
    else:
        holder[key] = value


def _remove(holder: dict[str, Any], path: Path, value: Any) -> None:
    key = key_of(holder, path.attribute)
    current = holder.get(key)
    if path.selection is not None:
        if not isinstance(current, list):
            return
        if path.sub is None:
            holder[key] = [item for item in current if not (isinstance(item, dict) and _matches(item, path.selection))]
        else:
            for item in current:
                if isinstance(item, dict) and _matches(item, path.selection):
                    item.pop(key_of(item, path.sub), None)
    elif path.sub is not None:
        if isinstance(current, dict):
            current.pop(key_of(current, path.sub), None)
    elif isinstance(current, list) and isinstance(value, list):
        # Entra: {"op": "Remove", "path": "members", "value": [{"value": "<id>"}]} removes those members only.
        holder[key] = [item for item in current if not _listed(value, item)]
    else:
        holder.pop(key, None)


def _matches(item: dict[str, Any], selection: Filter) -> bool:
    found = get(item, selection.attribute)
    return isinstance(found, str) and found.lower() == selection.value.lower()


def _listed(items: list[Any], item: Any) -> bool:
    """Whether a multi-valued attribute already holds this value (members and emails compare by `value`)."""
    if not isinstance(item, dict) or get(item, "value") is None:
        return item in items
    return any(isinstance(other, dict) and get(other, "value") == get(item, "value") for other in items)
