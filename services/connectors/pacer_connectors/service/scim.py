"""Provisioning from an identity provider (SCIM 2.0): each change to a User or Group is stored and the roster
entries it changes are staged as `PersonUpserted` in the same transaction, so a crash publishes neither half.

A User's SCIM `id` is its Pacer person id: the id of the roster person with its email when there is one (a person
imported from a CSV before the identity provider took over keeps their goals), else a new one. So the
enterprise extension's `manager.value`, the manager's SCIM id, is the manager's person id too. A user whose entry
does not change (a PUT that repeats itself, a group rename) publishes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pymongo.errors import DuplicateKeyError

from pacer_connectors.adapters.scim_repository import ScimRepository
from pacer_connectors.domain.scim_patch import ScimError, apply_patch, get, invalid_value
from pacer_connectors.domain.scim_people import (
    RosterRules,
    group_resource,
    manager_ref,
    member_ids,
    person_of,
    team_slug,
    user_resource,
)
from pacer_shared import people
from pacer_shared.audit import Auditor
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Document, Session
from pacer_shared.service import Runtime

T = TypeVar("T")
Change = Callable[[dict[str, Any]], dict[str, Any]]
"""A resource as stored -> the resource the request makes of it."""


def not_found(kind: str, resource_id: str) -> ScimError:
    return ScimError(404, f"no {kind} {resource_id!r}")


@dataclass
class Provisioning:
    runtime: Runtime
    repository: ScimRepository
    rules: RosterRules

    # ------------------------------------------------------------ users

    async def create_user(self, body: Any, audit: Auditor) -> Document:
        resource = user_resource(body)
        self._refuse_erased(resource)
        candidate = await self._roster_id_for(resource)
        fresh = uuid.uuid4().hex

        async def work(session: Session) -> Document:
            await self._refuse_taken_user_name(resource, None, session)
            taken = candidate is None or await self.repository.user(candidate, session) is not None
            user = _indexed(self._new(fresh if taken else str(candidate), resource))
            await self._publish_user(user, session, manager_changed=True)
            await audit.record("scim_user.created", f"person/{user['_id']}", session)
            return user

        return await self._run(work)

    async def replace_user(self, user_id: str, body: Any, audit: Auditor) -> Document:
        return await self._change_user(user_id, lambda _: user_resource(body), audit)

    async def patch_user(self, user_id: str, body: Any, audit: Auditor) -> Document:
        return await self._change_user(user_id, lambda current: user_resource(apply_patch(current, body)), audit)

    async def delete_user(self, user_id: str, audit: Auditor) -> None:
        """Gone from the identity provider: the person has left (active false; erasure is a separate decision)."""

        async def work(session: Session) -> None:
            user = await self.repository.user(user_id, session)
            if user is None:
                raise not_found("User", user_id)
            for group in await self.repository.groups_of(user_id, session):
                group["members"] = [m for m in group["members"] if m != user_id]
                await self.repository.save_group(self._touched(group), session)
            if user.get("published"):
                self.runtime.uow.publish(session, PersonUpserted.model_validate({**user["published"], "active": False}))
            await self.repository.delete_user(user_id, session)
            await audit.record("scim_user.deleted", f"person/{user_id}", session)

        await self._run(work)

    async def _change_user(self, user_id: str, change: Change, audit: Auditor) -> Document:
        async def work(session: Session) -> Document:
            user = await self.repository.user(user_id, session)
            if user is None:
                raise not_found("User", user_id)
            resource = change(user["resource"])
            await self._refuse_taken_user_name(resource, user_id, session)
            before = manager_ref(user["resource"])
            user["resource"] = resource
            await self._publish_user(
                _indexed(self._touched(user)), session, manager_changed=manager_ref(resource) != before
            )
            await audit.record("scim_user.changed", f"person/{user_id}", session)
            return user

        return await self._run(work)

    # ------------------------------------------------------------ groups

    async def create_group(self, body: Any, audit: Auditor) -> Document:
        resource = group_resource(body)
        members = member_ids(resource)
        slug = team_slug(str(get(resource, "displayName")))

        async def work(session: Session) -> Document:
            group_id, n = slug, 1
            while await self.repository.group(group_id, session) is not None:
                n += 1
                group_id = f"{slug}-{n}"
            group = self._new(group_id, _without_members(resource))
            group["members"] = await self._known_members(members, session, already=set())
            self._index_group(group)
            await self.repository.save_group(group, session)
            await self._refresh(group["members"], session)
            await audit.record("scim_group.created", f"group/{group_id}", session)
            return group

        return await self._run(work)

    async def replace_group(self, group_id: str, body: Any, audit: Auditor) -> Document:
        return await self._change_group(group_id, lambda _: group_resource(body), audit)

    async def patch_group(self, group_id: str, body: Any, audit: Auditor) -> Document:
        return await self._change_group(group_id, lambda current: group_resource(apply_patch(current, body)), audit)

    async def delete_group(self, group_id: str, audit: Auditor) -> None:
        async def work(session: Session) -> None:
            group = await self.repository.group(group_id, session)
            if group is None:
                raise not_found("Group", group_id)
            await self.repository.delete_group(group_id, session)
            await self._refresh(group["members"], session)
            await audit.record("scim_group.deleted", f"group/{group_id}", session)

        await self._run(work)

    async def _change_group(self, group_id: str, change: Change, audit: Auditor) -> Document:
        async def work(session: Session) -> Document:
            group = await self.repository.group(group_id, session)
            if group is None:
                raise not_found("Group", group_id)
            current = {**group["resource"], "members": [{"value": m} for m in group["members"]]}
            resource = change(current)
            before = set(group["members"])
            group["resource"] = _without_members(resource)
            group["members"] = await self._known_members(member_ids(resource), session, already=before)
            self._index_group(self._touched(group))
            await self.repository.save_group(group, session)
            await self._refresh(sorted(before | set(group["members"])), session)
            await audit.record("scim_group.changed", f"group/{group_id}", session)
            return group

        return await self._run(work)

    # ------------------------------------------------------------ the roster

    async def _publish_user(self, user: Document, session: Session, *, manager_changed: bool) -> None:
        """Save the user and stage their roster entry if it changed; a manager the request names must exist."""
        ref = manager_ref(user["resource"])
        if manager_changed and ref is not None and ref != user["_id"]:
            known = await self.repository.user(ref, session) or await self.runtime.people.get(ref)
            if known is None:
                raise invalid_value(f"manager.value {ref!r} is no provisioned user")
        groups = await self.repository.groups_of(user["_id"], session)
        team_groups = [(g["_id"], str(get(g["resource"], "displayName"))) for g in groups]
        person = person_of(user["_id"], user["resource"], team_groups, ref if ref != user["_id"] else None, self.rules)
        # What SCIM does not carry (chat handles, teams led) stays as the roster has it, from a CSV import say.
        roster = await self.runtime.people.get(user["_id"])
        if roster is not None:
            kept = {"chat": roster.get("chat") or {}, "leads_team_ids": roster.get("leads_team_ids") or []}
            person = PersonUpserted.model_validate({**person.model_dump(), **kept})
        entry = person.model_dump(mode="json")
        if entry != user.get("published"):
            self.runtime.uow.publish(session, person)
            user["published"] = entry
        await self.repository.save_user(user, session)

    async def _refresh(self, user_ids: list[str], session: Session) -> None:
        """Republish the members a group change moved between teams."""
        for user_id in user_ids:
            user = await self.repository.user(user_id, session)
            if user is not None:
                await self._publish_user(user, session, manager_changed=False)

    def _refuse_erased(self, resource: dict[str, Any]) -> None:
        """A person erased from Pacer is not brought back as someone new by an identity provider still assigning
        them: the operator unassigns them there."""
        if any(self.runtime.erasures.email_erased(email) for email in _addresses(resource)):
            raise invalid_value(
                "this address belongs to a person erased from Pacer: unassign them in the identity provider"
            )

    async def _roster_id_for(self, resource: dict[str, Any]) -> str | None:
        for email in _addresses(resource):
            found = await self.runtime.db[people.PEOPLE].find_one({"email": email, "active": True}, {"_id": 1})
            if found is not None:
                return str(found["_id"])
        return None

    async def _refuse_taken_user_name(self, resource: dict[str, Any], user_id: str | None, session: Session) -> None:
        holder = await self.repository.user_named(str(get(resource, "userName")), session)
        if holder is not None and holder["_id"] != user_id:
            raise ScimError(409, f"userName {get(resource, 'userName')!r} is taken", "uniqueness")

    async def _known_members(self, members: list[str], session: Session, *, already: set[str]) -> list[str]:
        """The members, each one added a provisioned user; those already in the group stay whatever they are now
        (an erased person's pseudonym)."""
        added = [m for m in members if m not in already]
        known = await self.repository.existing_users(added, session)
        if unknown := [m for m in added if m not in known]:
            raise invalid_value(f"members name no provisioned user: {', '.join(unknown[:5])}")
        return members

    # ------------------------------------------------------------ bookkeeping

    def _new(self, resource_id: str, resource: dict[str, Any]) -> Document:
        now = self.runtime.clock.now()
        return {"_id": resource_id, "resource": resource, "created": now, "last_modified": now, "version": 1}

    def _touched(self, document: Document) -> Document:
        document["last_modified"], document["version"] = self.runtime.clock.now(), document["version"] + 1
        return document

    @staticmethod
    def _index_group(group: Document) -> None:
        group["display_key"] = str(get(group["resource"], "displayName")).lower()
        group["external_id"] = get(group["resource"], "externalId")

    async def _run(self, work: Callable[[Session], Awaitable[T]]) -> T:
        try:
            return await self.runtime.uow.run(work)
        except DuplicateKeyError:  # two requests for one userName at once: the index decides
            raise ScimError(409, "userName is taken", "uniqueness") from None


def _addresses(resource: dict[str, Any]) -> list[str]:
    emails = [get(e, "value") for e in get(resource, "emails") or [] if isinstance(e, dict)]
    return [e.lower() for e in [*emails, get(resource, "userName")] if isinstance(e, str) and "@" in e]


def _indexed(user: Document) -> Document:
    user["user_name_key"] = str(get(user["resource"], "userName")).lower()
    user["external_id"] = get(user["resource"], "externalId")
    return user


def _without_members(resource: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in resource.items() if key.lower() != "members"}
