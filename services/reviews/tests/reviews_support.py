"""A running reviews service with a roster, and helpers that publish what goals and feedback would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from pacer_shared.auth import Role
from pacer_shared.events import EventData, wrap
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
    PersonUpserted(person_id="mia", display_name="Mia", email="mia@example.com", role="manager", team_id="north"),
    PersonUpserted(
        person_id="ann",
        display_name="Ann",
        email="ann@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
        timezone="Asia/Shanghai",
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
        person_id="dan",
        display_name="Dan",
        email="dan@example.com",
        role="assistant",
        manager_id="max",
        team_id="south",
    ),
    PersonUpserted(person_id="hana", display_name="Hana", email="hana@example.com", role="hr"),
]
TEMPLATE = {
    "name": "monthly-summary",
    "title": "Monthly summary",
    "criteria": [
        {"key": "records", "name": "Customer-record quality", "weight": 30},
        {"key": "teamwork", "name": "Teamwork", "weight": 30},
    ],
    "goal_weight": 40,
}


@dataclass
class ReviewsWorld:
    stack: Stack
    namespace: str
    service: ServiceProcess
    http: httpx.AsyncClient

    async def call(
        self, method: str, path: str, who: str, role: Role, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.http.request(method, path, json=body, headers=bearer(who, role))

    async def publish(self, *events: EventData) -> None:
        async with producer(self.stack.kafka_bootstrap) as client:
            for event in events:
                await publish(client, f"{self.namespace}.{event.topic}", event)

    async def publish_at(self, moment: datetime, *events: EventData) -> list[str]:
        """Publish as if the producer had sent the events at `moment` (their envelope time); returns their ids."""
        ids = []
        async with producer(self.stack.kafka_bootstrap) as client:
            for event in events:
                envelope = wrap(event, source="/tests", time=moment)
                await client.send_and_wait(
                    f"{self.namespace}.{event.topic}", envelope.to_json(), key=event.subject.encode()
                )
                ids.append(envelope.id)
        return ids

    async def events(self, until: Any) -> list[dict[str, Any]]:
        records = await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.reviews.events", until)
        return [r.json() for r in records]


@pytest.fixture
async def world(stack: Stack, namespace: str, tmp_path: Path) -> AsyncIterator[ReviewsWorld]:
    env = stack.service_env(namespace, "reviews", PACER_REVIEWS_SCHEDULER_POLL_SECONDS="0.3")
    async with (
        running("pacer_reviews.main", "reviews", env, tmp_path) as service,
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
    ):
        reviews = ReviewsWorld(stack, namespace, service, http)
        await reviews.publish(*ROSTER)

        await roster_reached(http, [person.person_id for person in ROSTER])
        created = await reviews.call("POST", "/v1/templates", "hana", Role.HR, TEMPLATE)
        assert created.status_code == 201, created.text
        yield reviews
