"""Crypto-shredding: what people write about each other travels on the topics sealed with keys that belong to them.

A topic keeps what it was sent until its retention, past anyone's erasure. So the texts an event declares
(`EventData.sealing`: named feedback, action items, citations, notes) are sealed before they are published: a data
key encrypts each (AES-256-GCM, the id of what it belongs to as associated data, so a ciphertext cannot be moved to
another feedback or item), and that data key is split in shares (XOR), one wrapped under the key of each person the
text is sealed for (feedback: its author and its recipient). Erasing any of them destroys their key, and with it
every copy of the text in every topic, dead-letter topic and mirror, at once.

The people's keys live in a MongoDB database of their own (`keys_database`), shared by the services that seal and
open (feedback, reviews, incentives, notifications) like the broker is, each key wrapped under `shredding_key`, so
the database alone opens nothing. `docs/crypto-shredding.md` has the reasoning.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo import AsyncMongoClient, UpdateOne

from pacer_shared.events.base import EventData, SealedText, Sealing
from pacer_shared.mongo import Database, Document
from pacer_shared.settings import ServiceSettings

KEYS = "person_keys"
NONCE = 12  # bytes: GCM's standard nonce

D = TypeVar("D", bound=EventData)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _wrap(key: bytes, secret: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, secret, context)


def _unwrap(key: bytes, wrapped: bytes, context: bytes) -> bytes:
    return AESGCM(key).decrypt(wrapped[:NONCE], wrapped[NONCE:], context)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def seal_with(keys: Mapping[str, bytes], people: Sequence[str], text: str, context: str) -> SealedText:
    """`text` sealed so that the keys of every one of `people` are needed to open it (pure: keys given)."""
    data_key = AESGCM.generate_key(bit_length=256)
    shares = [os.urandom(32) for _ in people[1:]]
    shares.insert(0, data_key)
    for share in shares[1:]:
        shares[0] = _xor(shares[0], share)  # the shares XOR back to the data key
    nonce = os.urandom(NONCE)
    return SealedText(
        key_ids=list(people),
        shares=[_b64(_wrap(keys[p], s, context.encode())) for p, s in zip(people, shares, strict=True)],
        nonce=_b64(nonce),
        ciphertext=_b64(AESGCM(data_key).encrypt(nonce, text.encode(), context.encode())),
    )


def open_with(keys: Mapping[str, bytes], sealed: SealedText, context: str) -> str | None:
    """The text, or None when a key it needs is gone (the person was erased) or it was not sealed for `context`."""
    data_key = bytes(32)
    try:
        for person, share in zip(sealed.key_ids, sealed.shares, strict=True):
            key = keys.get(person)
            if key is None:
                return None
            data_key = _xor(data_key, _unwrap(key, base64.b64decode(share), context.encode()))
        nonce, ciphertext = base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext)
        plain = AESGCM(data_key).decrypt(nonce, ciphertext, context.encode())
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


class PersonKeys:
    """Each person's key, created on first use and destroyed on their erasure."""

    @classmethod
    def of(cls, client: AsyncMongoClient[Document], settings: ServiceSettings) -> PersonKeys:
        return cls(client[settings.keys_database], settings.shredding_key.get_secret_value())

    def __init__(self, database: Database, master: str) -> None:
        self._keys = database[KEYS]
        # The stored keys are wrapped under this one: whoever holds the database alone cannot use them.
        self._master = hashlib.sha256(master.encode()).digest()

    async def _for(self, people: Iterable[str], now: datetime) -> dict[str, bytes]:
        """The keys of these people, a key created for each who has none yet (the first writer's wins, a racing
        one is never used): one read, and one write only for people never sealed for before."""
        wanted = sorted(set(people))
        keys = await self._read(wanted)
        if missing := [person for person in wanted if person not in keys]:
            created = [
                UpdateOne({"_id": p}, {"$setOnInsert": {"wrapped": self._new_key(p), "created_at": now}}, upsert=True)
                for p in missing
            ]
            await self._keys.bulk_write(created, ordered=False)
            keys |= await self._read(missing)
        return keys

    def _new_key(self, person: str) -> bytes:
        return _wrap(self._master, os.urandom(32), person.encode())

    async def _read(self, people: Sequence[str]) -> dict[str, bytes]:
        if not people:
            return {}
        found = self._keys.find({"_id": {"$in": list(people)}})
        return {doc["_id"]: _unwrap(self._master, doc["wrapped"], doc["_id"].encode()) async for doc in found}

    async def sealed(self, events: Sequence[EventData], now: datetime) -> list[EventData]:
        """The events with every text they declare (`EventData.sealing`) and carry in clear sealed in its place:
        one read of the keys they need, whatever their number (goals stages one event per goal a batch moved)."""
        clear = [event for event in events if needs_sealing(event)]
        if not clear:
            return list(events)
        keys = await self._for((p for event in clear for p in _people(event)), now)
        sealed = {id(event): _seal(event, keys) for event in clear}
        return [sealed.get(id(event), event) for event in events]

    async def opened(self, events: Sequence[D]) -> list[D]:
        """The events with their sealed texts opened in clear (None where a key is gone: that person was erased),
        for a consumer that reads them (`Subscription.opens`): one read of the keys they all need."""
        sealed = {id(event): texts for event in events if (texts := _sealed_texts(event.__dict__, event.sealing))}
        keys = await self._read(sorted({p for texts in sealed.values() for t in texts.values() for p in t.key_ids}))
        return [_open_event(event, sealed[id(event)], keys) if id(event) in sealed else event for event in events]

    async def open(self, event: type[EventData] | None, data: Mapping[str, Any]) -> dict[str, Any]:
        """An `event`'s data (as JSON) with each sealed text opened in clear, None where it can no longer be read."""
        sealing = event.sealing if event is not None else None
        texts = _sealed_texts(data, sealing)
        # One read of every key the texts need: an action item's text and title are sealed for the same owner.
        keys = await self._read(sorted({p for text in texts.values() for p in text.key_ids}))
        # Every text the event declares has its name, in clear, opened or None: a template still finds it.
        declared = {name: data.get(name) for name in sealing.fields} if sealing is not None else {}
        return {**data, **declared, **_opened(data, sealing, texts, keys)}

    async def destroy(self, person_id: str) -> None:
        """Every text sealed for the person can no longer be opened, wherever its copies are."""
        await self._keys.delete_one({"_id": person_id})


def needs_sealing(event: EventData) -> bool:
    """Whether the event carries in clear a text it declares sealed (as its producer built it)."""
    sealing = event.sealing
    return (
        sealing is not None
        and sealing.applies(event.__dict__)
        and any(getattr(event, name) is not None for name in sealing.fields)
        and bool(_people(event))  # a text that names no one is no one's to shred
    )


def _people(event: EventData) -> list[str]:
    """The ids the sealing's `people` fields hold: one id each, or a list of them (everyone an agenda names)."""
    assert event.sealing is not None
    values = [getattr(event, field) for field in event.sealing.people]
    return [str(v) for value in values for v in (value if isinstance(value, list) else [value]) if v is not None]


def _seal(event: EventData, keys: Mapping[str, bytes]) -> EventData:
    sealing = event.sealing
    assert sealing is not None
    people, context = _people(event), str(getattr(event, sealing.bound_to))
    as_json = event.model_dump(mode="json", include=set(sealing.structured))
    update: dict[str, Any] = {}
    for name in sealing.fields:
        if (value := getattr(event, name)) is not None:
            text = value if name in sealing.texts else json.dumps(as_json[name], ensure_ascii=False)
            update |= {name: None, f"sealed_{name}": seal_with(keys, people, text, context)}
    return event.model_copy(update=update)


def _open_event(event: D, texts: Mapping[str, SealedText], keys: Mapping[str, bytes]) -> D:
    return type(event).model_validate(event.model_dump() | _opened(event.__dict__, event.sealing, texts, keys))


def _sealed_texts(data: Mapping[str, Any], sealing: Sealing | None) -> dict[str, SealedText]:
    """The sealed texts in an event's data, by the name of their clear field."""
    texts: dict[str, SealedText] = {}
    for name in sealing.fields if sealing is not None else ():
        value = data.get(f"sealed_{name}")
        if isinstance(value, SealedText):
            texts[name] = value
        elif isinstance(value, Mapping):
            texts[name] = SealedText.model_validate(value)
    return texts


def _opened(
    data: Mapping[str, Any], sealing: Sealing | None, texts: Mapping[str, SealedText], keys: Mapping[str, bytes]
) -> dict[str, Any]:
    """The clear fields of the sealed `texts` (None for one that can no longer be opened), the sealed ones emptied."""
    if sealing is None or not texts:
        return {}
    context = str(data.get(sealing.bound_to))
    opened: dict[str, Any] = {}
    for name, sealed in texts.items():
        text = open_with(keys, sealed, context)
        value = json.loads(text) if text is not None and name in sealing.structured else text
        opened |= {name: value, f"sealed_{name}": None}
    return opened
