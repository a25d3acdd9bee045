"""A running feedback service with a small roster, and helpers to talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pacer_shared.auth import Role
from pacer_shared.events.people import PersonUpserted
from pacer_testkit.stack import (
    ServiceProcess,
    Stack,
    bearer,
    producer,
    publish,
    read_topic,
    roster_reached,
    running,
)

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
]


@dataclass
class FeedbackWorld:
    stack: Stack
    namespace: str
    service: ServiceProcess
    http: httpx.AsyncClient

    async def post(self, path: str, body: dict[str, Any], who: str, role: Role) -> httpx.Response:
        return await self.http.post(path, json=body, headers=bearer(who, role))

    async def get(self, path: str, who: str, role: Role) -> httpx.Response:
        return await self.http.get(path, headers=bearer(who, role))

    async def events(self, until: Any) -> list[dict[str, Any]]:
        records = await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.feedback.events", until)
        return [r.json() for r in records]


@pytest.fixture
async def world(stack: Stack, namespace: str, tmp_path: Path) -> AsyncIterator[FeedbackWorld]:
    env = stack.service_env(namespace, "feedback")
    async with (
        running("pacer_feedback.main", "feedback", env, tmp_path) as service,
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
    ):
        async with producer(stack.kafka_bootstrap) as client:
            for person in ROSTER:
                await publish(client, f"{namespace}.org.people", person)

        await roster_reached(http, [person.person_id for person in ROSTER])
        yield FeedbackWorld(stack, namespace, service, http)
