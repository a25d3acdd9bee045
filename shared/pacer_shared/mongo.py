"""The one way to reach MongoDB: an AsyncMongoClient factory and index bootstrap.

PyMongo's native async client replaces motor (deprecated by MongoDB in May 2025).
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bson.codec_options import TypeCodec, TypeRegistry
from bson.decimal128 import Decimal128
from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

Document = dict[str, Any]
Database = AsyncDatabase[Document]
Session = AsyncClientSession
IndexPlan = Mapping[str, Sequence[IndexModel]]
"""Collection name -> the indexes it must have."""


class DecimalCodec(TypeCodec):
    """Money and progress are Decimals in Python and Decimal128 in MongoDB: exact, and `$inc`/`$sum` work."""

    python_type = Decimal
    bson_type = Decimal128

    def transform_python(self, value: Decimal) -> Decimal128:
        return Decimal128(value)

    def transform_bson(self, value: Decimal128) -> Decimal:
        return decimal_from_bson(value)


_HALVES = struct.Struct("<QQ")
_SPECIAL = 0x6000000000000000
"""Combination bits 11: infinity, NaN or a coefficient in the long form, which no finite value we store uses."""
_LARGEST_COEFFICIENT = 10**34 - 1


def decimal_from_bson(value: Decimal128) -> Decimal:
    """`Decimal128.to_decimal()` for finite values, without its digit-by-digit Python work.

    Written here because the driver's conversion was a tenth of the goals service's CPU serving the team
    dashboard (bench/PERFORMANCE.md); this one takes a fraction of the time. A Decimal built from a string is
    exact (no context rounding), with the same sign, coefficient and exponent. Anything unusual is left to the driver.
    """
    low, high = _HALVES.unpack(value.bid)
    coefficient = ((high & 0x1FFFFFFFFFFFF) << 64) | low
    if high & _SPECIAL == _SPECIAL or coefficient > _LARGEST_COEFFICIENT:
        return value.to_decimal()
    exponent = ((high >> 49) & 0x3FFF) - 6176
    return Decimal(f"{'-' if high >> 63 else ''}{coefficient}E{exponent}")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds(moment: datetime) -> int:
    """An instant as whole microseconds since the epoch, for ordering what MongoDB would round to milliseconds: two
    events 0.5 ms apart stored as dates compare as equal, or the older as the newer."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def create_client(url: str, app_name: str) -> AsyncMongoClient[Document]:
    # Majority writes and reads: a committed outbox row must survive a primary failover.
    return AsyncMongoClient(
        url,
        appname=app_name,
        tz_aware=True,
        w="majority",
        readConcernLevel="majority",
        serverSelectionTimeoutMS=5000,
        uuidRepresentation="standard",
        type_registry=TypeRegistry([DecimalCodec()]),
    )


INDEX_OPTIONS_CONFLICT = 85


async def ensure_indexes(db: Database, plan: IndexPlan, retired: Mapping[str, Sequence[str]] | None = None) -> None:
    """Create the indexes a service needs and drop those it no longer uses (collection -> index names), so a
    database upgraded in place pays for no index nothing reads. Idempotent: every replica runs it at start-up."""
    for collection, names in (retired or {}).items():
        for name in set(names) & set(await db[collection].index_information()):
            with contextlib.suppress(OperationFailure):  # another replica dropped it first
                await db[collection].drop_index(name)
    for collection, indexes in plan.items():
        for index in indexes:
            try:
                await db[collection].create_indexes([index])
            except OperationFailure as error:
                # A retention setting changed since the index was made (e.g. DEDUP_RETENTION_DAYS): the server
                # refuses the same name with other options, so the expiry is changed in place instead.
                expiry = index.document.get("expireAfterSeconds")
                if error.code != INDEX_OPTIONS_CONFLICT or expiry is None:
                    raise
                await db.command(
                    "collMod", collection, index={"name": index.document["name"], "expireAfterSeconds": expiry}
                )
