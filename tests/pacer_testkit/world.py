"""One service of a test's own namespace, running with the roster, talked to as an outside system would.

`running_service(module, roster, **env)` (a fixture) starts the service as its own process, publishes the roster to
`org.people` and waits until the service knows everyone; `running_service.in_process(...)` does the same for an app
built in the test's process, so the test can hand it a clock. Each suite subclasses `ServiceWorld` with what is
particular to its service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pymongo import AsyncMongoClient

from pacer_shared.events import CloudEvent, EventData, wrap
from pacer_shared.events.people import PersonUpserted
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import (
    Record,
    ServiceProcess,
    Stack,
    bearer,
    in_process,
    opened,
    producer,
    read_topic,
    roster_reached,
)
from pacer_testkit.stack import running as running_process

W = TypeVar("W", bound="ServiceWorld")
Timed = EventData | tuple[EventData, datetime]
"""An event, or an event with the time its producer sent it at."""


@dataclass
class ServiceWorld:
    stack: Stack
    namespace: str
    name: str
    """The service's name: goals, reviews, …"""
    http: httpx.AsyncClient
    env: dict[str, str]
    log_dir: Path
    service: ServiceProcess | None = None
    """The process; None for a service run in the test's process (`app`)."""
    app: Any = None
    published: list[CloudEvent] = field(default_factory=list)
    """Every envelope published through `publish`, roster included."""

    def topic(self, logical: str) -> str:
        return f"{self.namespace}.{logical}"

    async def call(self, method: str, path: str, who: str, role: str, body: Any = None) -> httpx.Response:
        return await self.http.request(method, path, json=body, headers=bearer(who, role))

    async def post(self, path: str, body: Any, who: str, role: str) -> httpx.Response:
        return await self.call("POST", path, who, role, body)

    async def get(self, path: str, who: str, role: str) -> httpx.Response:
        return await self.call("GET", path, who, role)

    def now(self) -> datetime:
        """The time envelopes are stamped with when a test gives none."""
        return datetime.now(UTC)

    async def publish(self, *events: Timed) -> list[CloudEvent]:
        """Publish as each event's producer would, keyed by its subject, at its own time (else `now`)."""
        envelopes = []
        async with producer(self.stack.kafka_bootstrap) as client:
            for item in events:
                data, time = item if isinstance(item, tuple) else (item, self.now())
                envelope = wrap(data, source="/tests", time=time)
                await self.produce(client, data, envelope)
                envelopes.append(envelope)
        return envelopes

    async def produce(self, client: Any, data: EventData, envelope: CloudEvent, key: str | None = None) -> None:
        """One envelope, on the event's topic, keyed by `key` (else its subject)."""
        await client.send_and_wait(self.topic(data.topic), envelope.to_json(), key=(key or data.subject).encode())
        self.published.append(envelope)

    async def records(self, logical: str, until: Callable[[list[Record]], bool], timeout: float = 30) -> list[Record]:
        return await read_topic(self.stack.kafka_bootstrap, self.topic(logical), until, timeout)

    async def events(self, until: Callable[[list[Record]], bool], timeout: float = 30) -> list[dict[str, Any]]:
        """The service's own events topic as CloudEvent documents, once `until` holds."""
        return [r.json() for r in await self.records(f"{self.name}.events", until, timeout)]

    async def opened(self, event: dict[str, Any]) -> dict[str, Any]:
        """A CloudEvent's data with its sealed texts opened (`pacer_testkit.stack.opened`)."""
        return await opened(self.stack, self.namespace, event)

    async def stored(self, collection: str) -> list[dict[str, Any]]:
        """What someone with read access to the service's database sees in a collection."""
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url)
        try:
            return await client[f"{self.namespace}_{self.name}"][collection].find().to_list()
        finally:
            await client.close()

    async def collections(self) -> list[str]:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(self.stack.mongo_url)
        try:
            return await client[f"{self.namespace}_{self.name}"].list_collection_names()
        finally:
            await client.close()

    async def load(self, roster: Sequence[PersonUpserted]) -> None:
        """Publish the roster and wait until the service knows each person."""
        await self.publish(*roster)
        await roster_reached(self.http, [person.person_id for person in roster])


def service_name(module: str) -> str:
    """pacer_goals.main → goals."""
    return module.split(".")[0].removeprefix("pacer_")


@dataclass(frozen=True)
class RunningService:
    """Starts services in one test's namespace, with their logs in its temporary folder."""

    stack: Stack
    namespace: str
    log_dir: Path
    monkeypatch: pytest.MonkeyPatch

    def env(self, service: str, **env: str) -> dict[str, str]:
        return self.stack.service_env(self.namespace, service, **env)

    def __call__(
        self,
        module: str,
        roster: Sequence[PersonUpserted] = ROSTER,
        *,
        world: type[W],
        clock_file: Path | None = None,
        **env: str,
    ) -> AbstractAsyncContextManager[W]:
        """The service as its own process (reading its clock from `clock_file`, if given)."""
        return self._process(module, roster, world, clock_file, env)

    def in_process(
        self,
        service: str,
        build: Callable[[], Any],
        roster: Sequence[PersonUpserted] = ROSTER,
        *,
        world: type[W],
        **env: str,
    ) -> AbstractAsyncContextManager[W]:
        """The app `build` makes once the service's settings are in the environment, run in the test's process."""
        return self._in_process(service, build, roster, world, env)

    @asynccontextmanager
    async def _process(
        self,
        module: str,
        roster: Sequence[PersonUpserted],
        world: type[W],
        clock_file: Path | None,
        extra: dict[str, str],
    ) -> AsyncIterator[W]:
        name = service_name(module)
        env = self.env(name, **extra)
        async with (
            running_process(module, name, env, self.log_dir, clock_file=clock_file) as process,
            httpx.AsyncClient(base_url=process.url, timeout=10) as http,
        ):
            running = world(self.stack, self.namespace, name, http, env, self.log_dir, service=process)
            await running.load(roster)
            yield running

    @asynccontextmanager
    async def _in_process(
        self,
        name: str,
        build: Callable[[], Any],
        roster: Sequence[PersonUpserted],
        world: type[W],
        extra: dict[str, str],
    ) -> AsyncIterator[W]:
        env = self.env(name, **extra)
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)
        app = build()
        async with in_process(app) as http:
            running = world(self.stack, self.namespace, name, http, env, self.log_dir, app=app)
            await running.load(roster)
            yield running


@pytest.fixture
def running_service(stack: Stack, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunningService:
    return RunningService(stack, namespace, tmp_path, monkeypatch)
