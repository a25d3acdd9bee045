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
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo import AsyncMongoClient

from pacer_shared.events.base import EventData, SealedText
from pacer_shared.mongo import Database, Document
from pacer_shared.settings import ServiceSettings

KEYS = "person_keys"
NONCE = 12  # bytes: GCM's standard nonce


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

    async def _create(self, people: Sequence[str], now: datetime) -> None:
        """A key for each of these people who has none yet; the first writer's wins, a racing one is never used."""
        for person in people:
            wrapped = _wrap(self._master, AESGCM.generate_key(bit_length=256), person.encode())
            await self._keys.update_one(
                {"_id": person}, {"$setOnInsert": {"wrapped": wrapped, "created_at": now}}, upsert=True
            )

    async def _read(self, people: Sequence[str]) -> dict[str, bytes]:
        found = self._keys.find({"_id": {"$in": list(people)}})
        return {doc["_id"]: _unwrap(self._master, doc["wrapped"], doc["_id"].encode()) async for doc in found}

    async def seal(self, event: type[EventData], data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """`data` for an `event` with each of its texts (`EventData.sealing`) sealed in place of the clear one."""
        sealing = event.sealing
        if sealing is None:
            return dict(data)
        people = [str(data[field]) for field in sealing.people]
        await self._create(people, now)
        keys, context = await self._read(people), str(data[sealing.bound_to])
        sealed = {k: v for k, v in data.items() if k not in sealing.texts}
        for name in sealing.texts:
            sealed[f"sealed_{name}"] = seal_with(keys, people, data[name], context)
        return sealed

    async def open(self, event: type[EventData] | None, data: Mapping[str, Any]) -> dict[str, Any]:
        """An `event`'s data (as JSON) with each sealed text opened in clear, None where it can no longer be read."""
        sealing, opened = event.sealing if event is not None else None, dict(data)
        if sealing is None:
            return opened
        texts = {
            name: SealedText.model_validate(sealed)
            for name in sealing.texts
            if isinstance(sealed := data.get(f"sealed_{name}"), Mapping)
        }
        # One read of every key the texts need: an action item's text and title are sealed for the same owner.
        keys = await self._read(sorted({p for text in texts.values() for p in text.key_ids})) if texts else {}
        context = str(data.get(sealing.bound_to))
        for name in sealing.texts:
            # In clear (an older version), or absent: a template still finds the name.
            opened[name] = open_with(keys, texts[name], context) if name in texts else data.get(name)
        return opened

    async def destroy(self, person_id: str) -> None:
        """Every text sealed for the person can no longer be opened, wherever its copies are."""
        await self._keys.delete_one({"_id": person_id})
