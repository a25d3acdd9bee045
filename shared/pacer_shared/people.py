"""Each service's own projection of the `org.people` roster: who manages whom, time zones, locales, chat handles."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel, ReplaceOne

from pacer_shared import topics
from pacer_shared.auth import RESPONSES, CurrentPrincipal, Principal, Role, require
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.people import Role as PersonRole
from pacer_shared.mongo import Database, Document, IndexPlan, Session, microseconds
from pacer_shared.problems import Forbidden, NotFound, Unprocessable, responses

PEOPLE = "people"

INDEXES: IndexPlan = {
    PEOPLE: [
        IndexModel([("manager_id", ASCENDING)], name="by_manager"),
        IndexModel([("team_id", ASCENDING)], name="by_team"),
        IndexModel([("role", ASCENDING)], name="by_role"),
        IndexModel([("leads_team_ids", ASCENDING)], name="by_team_led"),
        IndexModel([("active", ASCENDING), ("display_name", ASCENDING), ("_id", ASCENDING)], name="by_name"),
    ]
}


class People:
    """Read and maintain the roster projection in a service's database."""

    def __init__(self, db: Database) -> None:
        self._people = db[PEOPLE]

    async def get(self, person_id: str, session: Session | None = None) -> Document | None:
        return await self._people.find_one({"_id": person_id}, session=session)

    async def many(self, person_ids: Iterable[str], session: Session | None = None) -> dict[str, Document]:
        """These people by id, in one read; ids not in the roster are absent."""
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        return {d["_id"]: d async for d in self._people.find({"_id": {"$in": ids}}, session=session)}

    async def reports_of(self, manager_id: str) -> list[Document]:
        return await self._people.find({"manager_id": manager_id, "active": True}).to_list()

    async def teams_led_by(self, person_id: str) -> set[str]:
        """The teams this person leads: those the roster names them lead of, and those whose assistants all report to
        them when the roster names nobody. A manager with one report in a team of others leads none of it."""
        me = await self.get(person_id)
        if me is None or not me.get("active", True):
            return set()
        named = set(me.get("leads_team_ids") or [])
        led = set(named)
        for team_id in {p["team_id"] for p in await self.reports_of(person_id) if p.get("team_id")} - named:
            if await self._people.find_one({"leads_team_ids": team_id, "active": True}, {"_id": 1}) is not None:
                continue  # someone else is named
            assistants = await self.assistants_in(team_id)
            if assistants and all(p.get("manager_id") == person_id for p in assistants):
                led.add(team_id)
        return led

    async def leads(self, person_id: str, team_id: str) -> bool:
        """Whether this person leads this team, as `teams_led_by` decides it, in one round of concurrent reads instead
        of walking every team of the person's reports in turn: named its lead, or nobody is named and every one of its
        assistants (at least one) reports to this person. The team dashboard asks this on every read."""
        me, named, assistants = await asyncio.gather(
            self.get(person_id),
            self._people.find_one({"leads_team_ids": team_id, "active": True}, {"_id": 1}),
            self.assistants_in(team_id),
        )
        if me is None or not me.get("active", True):
            return False
        if team_id in (me.get("leads_team_ids") or []):
            return True
        return named is None and bool(assistants) and all(p.get("manager_id") == person_id for p in assistants)

    async def assistants_in(self, team_id: str) -> list[Document]:
        """The team's members whose goals and standings count: its active assistants."""
        return [p for p in await self.team(team_id) if is_assistant(p)]

    async def with_role(self, role: str, session: Session | None = None) -> list[Document]:
        return await self._people.find({"role": role, "active": True}, session=session).to_list()

    async def page(self, after: str | None, limit: int) -> list[Document]:
        """Active people in id order, from just after `after`: one page of the roster."""
        wanted: dict[str, Any] = {"active": True}
        if after is not None:
            wanted["_id"] = {"$gt": after}
        return await self._people.find(wanted).sort("_id", ASCENDING).limit(limit).to_list()

    async def listing(
        self, team_id: str | None, role: str | None, after: tuple[str, str] | None, limit: int
    ) -> list[Document]:
        """Active people by name (then id), from just after the (name, id) `after`, optionally of one team or role."""
        wanted: dict[str, Any] = {"active": True}
        if team_id is not None:
            wanted["team_id"] = team_id
        if role is not None:
            wanted["role"] = role
        if after is not None:
            name, person_id = after
            wanted["$or"] = [{"display_name": {"$gt": name}}, {"display_name": name, "_id": {"$gt": person_id}}]
        found = self._people.find(wanted).sort([("display_name", ASCENDING), ("_id", ASCENDING)])
        return await found.limit(limit).to_list()

    async def team(self, team_id: str) -> list[Document]:
        return await self._people.find({"team_id": team_id, "active": True}).to_list()

    async def apply(self, events: Sequence[Event[PersonUpserted]], session: Session) -> None:
        """Upsert the newest record per person; an older record arriving late changes nothing."""
        latest: dict[str, tuple[datetime, PersonUpserted]] = {}
        for event in events:
            person = event.data
            if person.person_id not in latest or latest[person.person_id][0] <= event.time:
                latest[person.person_id] = (event.time, person)
        found = self._people.find({"_id": {"$in": list(latest)}}, {"as_of": 1, "as_of_us": 1}, session=session)
        current = {doc["_id"]: doc.get("as_of_us", microseconds(doc["as_of"])) async for doc in found}
        writes = [
            ReplaceOne({"_id": person_id}, self._document(person, as_of), upsert=True)
            for person_id, (as_of, person) in latest.items()
            if person_id not in current or current[person_id] <= microseconds(as_of)
        ]
        if writes:
            await self._people.bulk_write(writes, session=session)

    async def remove(self, person_id: str, session: Session) -> None:
        """A tombstone on the compacted topic: the person is gone from the roster."""
        await self._people.update_one({"_id": person_id}, {"$set": {"active": False}}, session=session)

    @staticmethod
    def _document(person: PersonUpserted, as_of: datetime) -> Document:
        document: dict[str, Any] = person.model_dump(mode="json")
        document["_id"] = document.pop("person_id")
        document["as_of"] = as_of
        document["as_of_us"] = microseconds(as_of)  # the order; `as_of` is kept to the millisecond
        return document

    def subscription(self) -> Subscription[PersonUpserted]:
        return Subscription(
            name="people",
            topics=[topics.ORG_PEOPLE],
            handle=self.apply,
            event_types=(PersonUpserted,),
            on_tombstone=self.remove,
        )


def is_assistant(person: Document) -> bool:
    return person.get("role") == PersonRole.ASSISTANT


def can_see_person(principal: Principal, person: Document) -> bool:
    """Self, the person's manager, hr and admins."""
    if principal.has(Role.HR, Role.ADMIN):
        return True
    return principal.subject in (person["_id"], person.get("manager_id"))


def people_from(request: Request) -> People:
    return request.app.state.people  # type: ignore[no-any-return]


router = APIRouter(prefix="/v1/people", tags=["people"], responses=RESPONSES)


# A Literal, not the event's Role enum: two enums named Role would give the OpenAPI documents two mangled names.
RosterRole = Literal["assistant", "manager", "hr", "admin"]


class RosterEntry(BaseModel):
    """A person as the roster names them: enough to pick them by name and know where they sit."""

    person_id: str
    display_name: str
    role: RosterRole
    team_id: str | None
    manager_id: str | None
    timezone: str
    locale: str


class PeoplePage(BaseModel):
    items: list[RosterEntry]
    next_cursor: str | None


def _cursor(person: Document) -> str:
    return base64.urlsafe_b64encode(json.dumps([person["display_name"], person["_id"]]).encode()).decode()


def _after(cursor: str) -> tuple[str, str]:
    try:
        name, person_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise Unprocessable("cursor: not a cursor returned by this API") from error
    if not isinstance(name, str) or not isinstance(person_id, str):
        raise Unprocessable("cursor: not a cursor returned by this API")
    return name, person_id


@router.get("", summary="The roster by name, a page at a time (hr and admins)")
async def list_people(
    _reader: Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))],
    people: Annotated[People, Depends(people_from)],
    team_id: str | None = None,
    role: RosterRole | None = None,
    cursor: str | None = None,
    limit: int = Query(default=50, ge=1, le=200),
) -> PeoplePage:
    # Every service serves it from its own projection, so a screen that picks a person needs no particular one.
    after = _after(cursor) if cursor else None
    found = await people.listing(team_id, role, after, limit + 1)
    page = found[:limit]
    items = [RosterEntry.model_validate({**p, "person_id": p["_id"]}) for p in page]
    return PeoplePage(items=items, next_cursor=_cursor(page[-1]) if len(found) > limit else None)


@router.get("/{person_id}", summary="A person as this service's roster projection knows them", responses=responses(404))
async def get_person(
    person_id: str, principal: CurrentPrincipal, people: Annotated[People, Depends(people_from)]
) -> dict[str, Any]:
    person = await people.get(person_id)
    if person is None:
        raise NotFound(f"person {person_id!r} is not in the roster (yet)")
    if not can_see_person(principal, person):
        raise Forbidden("only the person, their manager, hr and admins can see this person")
    person["person_id"] = person.pop("_id")
    person["as_of"] = person["as_of"].isoformat()
    person.pop("as_of_us", None)  # the projection's own ordering, not part of the person
    return person
