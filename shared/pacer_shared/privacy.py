"""Personal data: what each service holds about a person, handed over on request and erased for good.

Each service declares its holdings: the collections, and the fields in them, that name a person (`Holding`). The
same declaration serves both rights:

- **Export** (`GET /v1/people/{person_id}/export`, hr and admins, audited): every document of every holding that
  names the person, as JSON. `pacer people export PERSON` gathers each service's part into one document.
- **Erasure** (`PersonErased` on `org.people`, from `pacer people erase PERSON`): in one transaction per service, the
  documents the person owns are deleted and those they only appear in (a colleague's review they wrote, a ledger
  line whose amount the books must keep) get a pseudonym in place of their id, and of their name and email wherever
  these appear in them.
  The pseudonym is a keyed hash (HMAC-SHA256 under `PSEUDONYM_KEY`), the same in every service, so the books still
  add up per (unnamed) person and nobody without the key can tell whose they were.

Replaying the topics into empty databases must not bring an erased person back. Each service keeps the pseudonyms
of the people erased (`erasures`; never the id) and its consumers acknowledge without applying any event whose
subject hashes to one of them. The register is rebuilt on replay from `org.people`, where `PersonErased` stays as
the person's last record once compaction has removed everything before it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from pymongo.errors import PyMongoError

from pacer_shared import audit, topics
from pacer_shared.auth import RESPONSES, Principal, Role, require
from pacer_shared.clock import Clock
from pacer_shared.consumer import Subscription
from pacer_shared.events import Event
from pacer_shared.events.people import PersonErased
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database, Document, Session
from pacer_shared.outbox import OUTBOX
from pacer_shared.people import PEOPLE
from pacer_shared.shredding import PersonKeys

log = get_logger(__name__)
ERASURES = "erasures"
REFRESH_SECONDS = 1.0
"""How soon a replica screens for a person another replica erased."""
ALIAS_CACHE = 100_000
"""Pseudonyms kept computed: the ids of a busy day's events, so screening one costs a lookup, not a hash."""


StateExport = Callable[[str], Awaitable[dict[str, list[Any]]]]
"""A person's id -> what a service holds about them outside MongoDB, by the name of where it is kept."""


class Erase(StrEnum):
    DELETE = "delete"
    """The document is about the person: it goes."""
    PSEUDONYMISE = "pseudonymise"
    """The document is someone else's or the organisation's: the person's id becomes their pseudonym."""


@dataclass(frozen=True)
class Holding:
    """Documents of one collection that name a person in any of `fields` (a scalar id, or a list of ids)."""

    collection: str
    fields: tuple[str, ...]
    erase: Erase = Erase.DELETE
    paths: tuple[str, ...] = ()
    """Fields holding a compound key with the id as one part (`person/p-7`, `p-7:2026-12`)."""
    only: Mapping[str, Any] = field(default_factory=dict)
    """A condition every document must also meet (the outbox: only rows already published)."""
    texts: tuple[str, ...] = ()
    """Fields holding JSON text in which the id appears as a string (an outbox row's event)."""
    via: tuple[str, str, str] | None = None
    """(collection, its person field, the field here naming its documents): the documents that belong to the
    person's own documents elsewhere (a goal's history). Declared before the holding that deletes those."""
    export: bool = True
    """False for the service's own plumbing (the published outbox rows): erased, but nothing a person asked for."""
    cleared: tuple[str, ...] = ()
    """Fields (dotted paths) a pseudonymised document loses: the free text people wrote about the person."""
    emails: tuple[str, ...] = ()
    """Fields naming the person by their email address (a CRM user the connectors could not map), any case."""

    async def query(
        self, db: Database, person_id: str, session: Session | None = None, email: str | None = None
    ) -> Document:
        named: list[Document] = [{name: person_id} for name in self.fields]
        if email:
            named += [{name: {"$regex": f"^{re.escape(email)}$", "$options": "i"}} for name in self.emails]
        named += [{name: {"$regex": _part(person_id)}} for name in self.paths]
        named += [{name: {"$regex": re.escape(json.dumps(person_id))}} for name in self.texts]
        if self.via is not None:
            other, person_field, link = self.via
            owned = db[other].find({person_field: person_id}, {"_id": 1}, session=session)
            named.append({link: {"$in": [d["_id"] async for d in owned]}})
        return {"$and": [self.only, {"$or": named}]} if self.only else {"$or": named}


EVENT_PERSON_FIELDS = (
    *("person_id", "assistant_id", "owner_id", "recipient_id", "about_id", "subject_id", "manager_id"),
    *("author_id", "respondent_ids", "responsible_id", "requested_by", "submitted_by", "set_by", "granted_by"),
    *("cancelled_by", "assigned_by", "approved_by", "analyzed_by", "adjusted_by"),
    *("organizer_id", "attendee_ids", "changed_by", "released_ids"),
)
"""The fields of Pacer's events that can name a person (`pacer_shared.events`)."""


def event_fields(prefix: str) -> tuple[str, ...]:
    """Where a stored event (at `prefix`, its data) can name a person: for the services that keep events whole."""
    return tuple(f"{prefix}.{name}" for name in EVENT_PERSON_FIELDS)


SHARED_HOLDINGS: tuple[Holding, ...] = (
    Holding(PEOPLE, ("_id",)),
    Holding(PEOPLE, ("manager_id",), Erase.PSEUDONYMISE),
    Holding(audit.AUDIT, ("actor",), Erase.PSEUDONYMISE, paths=("resource",)),
    # Published rows wait a while before they expire; the unpublished ones must still go out.
    Holding(OUTBOX, ("events.key",), texts=("events.value",), only={"published": True}, export=False),
)
"""What every service holds: its roster projection, its audit trail, the events it already published."""


def pseudonym(key: str, person_id: str) -> str:
    digest = hmac.new(key.encode(), person_id.encode(), hashlib.sha256).hexdigest()
    return f"erased-{digest[:24]}"


FOLDED = re.compile(r"\r?\n[ \t]")
"""A line break that continues the line before (iCalendar's and email headers' folding)."""
SEPARATORS = ":/|#@ "
"""What separates the parts of a compound key (`statement/p-7`, `p-7:2026-12`)."""


def _part(person_id: str) -> str:
    edge = re.escape(SEPARATORS)
    return f"(^|[{edge}]){re.escape(person_id)}($|[{edge}])"


@dataclass(frozen=True)
class Identity:
    """What gives the person away: their id, and their name and email where the roster still knows them."""

    person_id: str
    alias: str
    traces: tuple[str, ...] = ()

    def replaced(self, value: Any) -> Any:
        """The value with the person's id, name and email, wherever they appear, put as their pseudonym."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, list):
            return [self.replaced(item) for item in value]
        if isinstance(value, dict):
            if value.get("encoding") == "base64" and isinstance(value.get("content"), str):
                return {**{k: self.replaced(v) for k, v in value.items()}, "content": self._encoded(value["content"])}
            return {k: self.replaced(v) for k, v in value.items()}
        return value

    def _text(self, value: str) -> str:
        if value == self.person_id:
            return self.alias
        value = re.sub(_part(self.person_id), lambda m: f"{m.group(1)}{self.alias}{m.group(2)}", value)
        for trace in self.traces:
            value = value.replace(trace, self.alias)
        # An invitation's calendar text folds its long lines (RFC 5545 section 3.1), often inside an attendee's
        # name or address: read unfolded, it names them whole. Unfolded text is still valid to a calendar.
        unfolded = FOLDED.sub("", value)
        if unfolded != value and self._names(unfolded):
            return self._text(unfolded)
        return value

    def _names(self, text: str) -> bool:
        return re.search(_part(self.person_id), text) is not None or any(trace in text for trace in self.traces)

    def _encoded(self, content: str) -> str:
        """A base64 attachment (`pacer_shared.events.attachments`) whose text names the person, rewritten."""
        try:
            text = base64.b64decode(content, validate=True).decode()
        except ValueError:  # binary (or not base64): nothing text-shaped to look into
            return content
        return base64.b64encode(self._text(text).encode()).decode()


def _without(document: Document, paths: Iterable[str]) -> Document:
    """The document with the fields at `paths` emptied, keeping their type (a readable record stays readable)."""
    for path in paths:
        *parents, name = path.split(".")
        holder: Any = document
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and name in holder:
            holder[name] = type(holder[name])() if isinstance(holder[name], str | list | dict) else None
    return document


def jsonable(value: Any) -> Any:
    """A stored document as JSON can carry it: moments in ISO 8601, amounts as exact decimal strings."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # an ObjectId, a Decimal128: their text is what they say


class Erasures:
    """The pseudonyms of the people erased, read once and then kept in memory: every consumed event is checked."""

    def __init__(self, db: Database, key: str) -> None:
        self._db = db
        self._key = key
        self._known: set[str] = set()
        self._emails: set[str] = set()
        self._aliases: dict[str, str] = {}

    async def load(self) -> None:
        registered = await self._db[ERASURES].find({}).to_list()
        self._known = {d["_id"] for d in registered}
        self._emails = {alias for d in registered for alias in d.get("emails", ())}

    async def follow(self) -> None:
        """Read the register again and again: an erasure another replica applied screens this one's events too."""
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await self.load()
            except PyMongoError as error:  # the database is away: keep what is known, read again next time
                log.warning("erasure register not read", error=str(error))

    def alias(self, person_id: str) -> str:
        alias = self._aliases.get(person_id)
        if alias is None:
            if len(self._aliases) > ALIAS_CACHE:
                self._aliases.clear()
            alias = self._aliases[person_id] = pseudonym(self._key, person_id)
        return alias

    def erased(self, value: object) -> bool:
        return isinstance(value, str) and self.alias(value) in self._known

    def email_erased(self, email: str) -> str | None:
        """The pseudonym of an erased person's address (whose roster record is gone), else None."""
        alias = self.alias(email.strip().lower())
        return alias if alias in self._emails else None

    def screen(self, event: Event[Any]) -> Event[Any] | None:
        """The event as a service may apply it: None when it is about a person erased (a replay must not bring
        them back), and with their pseudonym where it names one otherwise (the author of a colleague's praise)."""
        if not self._known:
            return event
        data = event.data
        if self.erased(getattr(data, data.subject_field, None)):
            return None
        changes: dict[str, Any] = {}
        for name, value in data:
            if self.erased(value):
                changes[name] = self.alias(value)
            elif isinstance(value, list) and any(self.erased(item) for item in value):
                changes[name] = [self.alias(item) if self.erased(item) else item for item in value]
        if not changes:
            return event
        envelope = event.envelope.model_copy(update={"data": {**event.envelope.data, **changes}})
        return Event(envelope, data.model_copy(update=changes))

    async def add(self, alias: str, session: Session, email: str | None = None) -> None:
        """The person's pseudonym, and their address's where the roster knew it (the address, hashed, is how a system
        that names people by email, a CRM, still recognises them; a replay without the roster cannot add it)."""
        emails = [self.alias(email.strip().lower())] if email else []
        await self._db[ERASURES].update_one(
            {"_id": alias}, {"$addToSet": {"emails": {"$each": emails}}}, upsert=True, session=session
        )

    def committed(self, aliases: Iterable[str], emails: Iterable[str] = ()) -> None:
        self._known.update(aliases)
        self._emails.update(self.alias(email.strip().lower()) for email in emails)


@dataclass
class PersonalData:
    """A service's holdings, exported and erased."""

    db: Database
    holdings: Sequence[Holding]
    erasures: Erasures
    clock: Clock
    service: str
    state: StateExport | None = None
    keys: PersonKeys | None = None
    """The people's keys, in a service that seals what they write (`pacer_shared.shredding`): erasing a person
    destroys theirs, so every copy of that text on the topics can no longer be read."""

    async def export(self, person_id: str) -> dict[str, list[Any]]:
        held = await self.state(person_id) if self.state is not None else {}
        email = ((await self.db[PEOPLE].find_one({"_id": person_id})) or {}).get("email")
        found: dict[str, dict[Any, Any]] = {}
        for holding in self.holdings:
            if holding.export:
                query = await holding.query(self.db, person_id, email=email)
                async for document in self.db[holding.collection].find(query):
                    # A document two holdings match (her review, which she also signed) is handed over once.
                    found.setdefault(holding.collection, {})[document["_id"]] = jsonable(document)
        documents = {collection: list(documents.values()) for collection, documents in found.items()}
        return {**documents, **{name: jsonable(rows) for name, rows in held.items() if rows}}

    async def erase(self, person_id: str, session: Session) -> dict[str, int]:
        """Every holding, in declaration order (deletions before the pseudonyms of what remains)."""
        alias = self.erasures.alias(person_id)
        known = await self.db[PEOPLE].find_one({"_id": person_id}, session=session) or {}
        identity = Identity(person_id, alias, tuple(known[f] for f in ("display_name", "email") if known.get(f)))
        counts: dict[str, int] = {}
        for holding in self.holdings:
            collection = self.db[holding.collection]
            query = await holding.query(self.db, person_id, session, known.get("email"))
            if holding.erase is Erase.DELETE:
                deleted = await collection.delete_many(query, session=session)
                changed = deleted.deleted_count
            else:
                changed = 0
                for document in await collection.find(query, session=session).to_list():
                    kept = identity.replaced(_without(document, holding.cleared))
                    if kept["_id"] == document["_id"]:
                        await collection.replace_one({"_id": document["_id"]}, kept, session=session)
                    else:  # the id was part of the key (`plan:period:p-7`)
                        await collection.delete_one({"_id": document["_id"]}, session=session)
                        await collection.insert_one(kept, session=session)
                    changed += 1
            if changed:
                counts[holding.collection] = counts.get(holding.collection, 0) + changed
        await self.erasures.add(alias, session, known.get("email"))
        if self.keys is not None:
            # Outside the transaction (the keys are another database's): a batch applied again destroys it again.
            await self.keys.destroy(person_id)
        return counts

    def subscription(self) -> Subscription[PersonErased]:
        erased: list[str] = []  # the pseudonyms of a batch, screened for once it has committed
        emails: list[str] = []  # and the addresses the roster knew them by

        async def erase_all(events: Sequence[Event[PersonErased]], session: Session) -> None:
            erased.clear()
            emails.clear()
            for event in events:
                known = await self.db[PEOPLE].find_one({"_id": event.data.person_id}, session=session) or {}
                emails.extend([known["email"]] if known.get("email") else [])
                counts = await self.erase(event.data.person_id, session)
                erased.append(self.erasures.alias(event.data.person_id))
                # The pseudonym, never the id: the log outlives the erasure.
                log.info("person erased", person=erased[-1], documents=counts)

        return Subscription(
            name="erasures",
            topics=[topics.ORG_PEOPLE],
            handle=erase_all,
            event_types=(PersonErased,),
            after_commit=lambda: self.erasures.committed(erased, emails),
            last=True,
        )


class PersonalDataExport(BaseModel):
    service: str
    person_id: str
    exported_at: datetime
    holdings: dict[str, list[Any]]
    """Collection -> the documents in it that name the person, as stored."""


router = APIRouter(prefix="/v1/people", tags=["people"], responses=RESPONSES)
Exporters = Annotated[Principal, Depends(require(Role.HR, Role.ADMIN))]


def personal_data_from(request: Request) -> PersonalData:
    return request.app.state.personal_data  # type: ignore[no-any-return]


@router.get(
    "/{person_id}/export",
    summary="Everything this service holds that names the person, as stored (hr and admins; audited)",
)
async def export_person(
    person_id: str,
    _exporter: Exporters,
    data: Annotated[PersonalData, Depends(personal_data_from)],
    auditor: audit.AuditDep,
) -> PersonalDataExport:
    await auditor.record("personal_data.exported", f"person/{person_id}")
    return PersonalDataExport(
        service=data.service, person_id=person_id, exported_at=data.clock.now(), holdings=await data.export(person_id)
    )
