"""A running feedback service with a small roster, and helpers to talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pymongo import AsyncMongoClient

from pacer_feedback.domain.anonymity import next_release
from pacer_shared.auth import Role
from pacer_shared.events.people import PersonUpserted
from pacer_testkit.clocked import FileClock
from pacer_testkit.stack import (
    ServiceProcess,
    Stack,
    bearer,
    eventually,
    producer,
    publish,
    read_topic,
    roster_reached,
    running,
)

RELEASE_HOUR = 6
ORGANISATION_ZONE = "UTC"
"""The service's scheduled release: 06:00 of the organisation's day, in UTC."""

ROSTER = [
    PersonUpserted(
        person_id="mia", display_name="Mia Manager", email="mia@example.com", role="manager", team_id="north"
    ),
    PersonUpserted(
        person_id="ann-7f3a",
        display_name="Annabel Quist",
        email="annabel.quist@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
    ),
    PersonUpserted(
        person_id="bob",
        display_name="Bob",
        email="bob@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
    ),
    PersonUpserted(
        person_id="cid",
        display_name="Cid",
        email="cid@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
    ),
    PersonUpserted(
        person_id="dan",
        display_name="Dan",
        email="dan@example.com",
        role="assistant",
        manager_id="max",
        team_id="south",
    ),
    PersonUpserted(person_id="hana", display_name="Hana", email="hana@example.com", role="hr"),
    PersonUpserted(person_id="ada", display_name="Ada", email="ada@example.com", role="admin"),
]


@dataclass
class FeedbackWorld:
    stack: Stack
    namespace: str
    service: ServiceProcess
    http: httpx.AsyncClient
    clock: FileClock
    """The service's clock: real time until a test sets it."""
    env: dict[str, str]
    log_dir: Path

    def replica(self) -> AbstractAsyncContextManager[ServiceProcess]:
        """Another process of the service on the same database, consumer group and clock."""
        return running("pacer_feedback.main", "feedback", self.env, self.log_dir, clock_file=self.clock.path)

    async def post(self, path: str, body: dict[str, Any], who: str, role: Role) -> httpx.Response:
        return await self.http.post(path, json=body, headers=bearer(who, role))

    async def get(self, path: str, who: str, role: Role) -> httpx.Response:
        return await self.http.get(path, headers=bearer(who, role))

    async def events(self, until: Any) -> list[dict[str, Any]]:
        records = await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.feedback.events", until)
        return [r.json() for r in records]

    async def stored(self, collection: str) -> list[dict[str, Any]]:
        """What someone with read access to the feedback database sees in a collection."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url)
        try:
            return await client[f"{self.namespace}_feedback"][collection].find().to_list()
        finally:
            await client.close()

    async def collections(self) -> list[str]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url)
        try:
            return await client[f"{self.namespace}_feedback"].list_collection_names()
        finally:
            await client.close()

    def next_release(self) -> datetime:
        return next_release(self.clock.now(), RELEASE_HOUR, ZoneInfo(ORGANISATION_ZONE))

    async def release(self) -> datetime:
        """Move the service's clock just past its next scheduled release and wait until that run has settled
        everything that was due; the moment of the release."""
        moment = self.next_release()
        self.clock.set(moment + timedelta(minutes=1))

        async def settled() -> bool:
            windows = [w for w in await self.stored("anonymous_windows") if w.get("due_at")]
            threads = [s for s in await self.stored("anonymous_submissions") if s.get("replies_due_at")]
            return not windows and not threads

        await eventually(settled, what="the scheduled release to settle what was due")
        return moment


@pytest.fixture
async def world(stack: Stack, namespace: str, tmp_path: Path) -> AsyncIterator[FeedbackWorld]:
    env = stack.service_env(
        namespace,
        "feedback",
        PACER_FEEDBACK_ANONYMOUS_RELEASE_HOUR=str(RELEASE_HOUR),
        PACER_FEEDBACK_ORGANISATION_TIMEZONE=ORGANISATION_ZONE,
        PACER_FEEDBACK_RELEASE_POLL_SECONDS="0.2",
    )
    clock = FileClock(tmp_path / "clock")
    async with (
        running("pacer_feedback.main", "feedback", env, tmp_path, clock_file=clock.path) as service,
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
    ):
        async with producer(stack.kafka_bootstrap) as client:
            for person in ROSTER:
                await publish(client, f"{namespace}.org.people", person)

        await roster_reached(http, [person.person_id for person in ROSTER])
        yield FeedbackWorld(stack, namespace, service, http, clock, env, tmp_path)
