"""The one way to reach MongoDB: an AsyncMongoClient factory and index bootstrap.

PyMongo's native async client replaces motor (deprecated by MongoDB in May 2025).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
Database = AsyncDatabase[Document]
Session = AsyncClientSession
IndexPlan = Mapping[str, Sequence[IndexModel]]
"""Collection name -> the indexes it must have."""


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
    )


async def ensure_indexes(db: Database, plan: IndexPlan) -> None:
    """Create the indexes a service needs; idempotent, so every replica runs it at start-up."""
    for collection, indexes in plan.items():
        if indexes:
            await db[collection].create_indexes(list(indexes))
