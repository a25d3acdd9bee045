"""The servers a test talks to, and helpers to reach them: Kafka topics, service processes, waiting."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx
import localstack
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient

from pacer_shared.events import EVENT_TYPES, CloudEvent, EventData, wrap
from pacer_shared.settings import LOCAL_SHREDDING_KEY
from pacer_shared.shredding import PersonKeys

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass(frozen=True)
class Stack:
    kafka_bootstrap: str
    mongo_url: str
    smtp_port: int | None
    sinks_url: str | None

    @classmethod
    def of(cls, config: localstack.StackConfig) -> Stack:
        return cls(
            kafka_bootstrap=config.kafka_bootstrap,
            mongo_url=config.mongo_url,
            smtp_port=config.smtp_port,
            sinks_url=f"http://127.0.0.1:{config.sink_http_port}",
        )

    def service_env(self, namespace: str, service: str, **extra: str) -> dict[str, str]:
        """Environment for a service process isolated to one test."""
        return {
            "PACER_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
            "PACER_MONGO_URL": self.mongo_url,
            "PACER_TOPIC_PREFIX": f"{namespace}.",
            "PACER_TOPIC_PARTITIONS": "3",
            f"PACER_{service.upper()}_MONGO_DATABASE": f"{namespace}_{service}",
            "PACER_KEYS_DATABASE": f"{namespace}_keys",
            "PACER_LOG_JSON": "true",
            "PACER_OUTBOX_POLL_INTERVAL_MS": "50",
            # Metrics of a service run in the test's own process go to a free port (`metrics_text`).
            "PACER_HTTP_HOST": "127.0.0.1",
            "PACER_METRICS_PORT": "0",
            # The tests' sales history sits on fixed days years back; the retention test sets its own horizon.
            "PACER_ANALYTICS_RETENTION_DAYS": "3650",
            **extra,
        }


def start_local_stack() -> localstack.StackConfig:
    config = localstack.StackConfig.from_env("test")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … when the suite runs on several workers
    if worker:
        # Each worker gets a stack of its own, 100 ports further on per worker, so one worker's SIGKILLed broker or
        # emptied mailbox is never another's; tests already keep apart by namespace within a stack.
        n = int(worker.removeprefix("gw"))
        config = localstack.StackConfig(
            profile=f"{config.profile}-{worker}",
            kafka_port=config.kafka_port + 100 * n,
            mongo_port=config.mongo_port + 100 * n,
            smtp_port=config.smtp_port + 100 * n,
            sink_http_port=config.sink_http_port + 100 * n,
            mongo_in_memory=config.mongo_in_memory,
        )
    localstack.down(config, wipe=True)
    localstack.up(config)
    return config


def stop_local_stack(config: localstack.StackConfig) -> None:
    localstack.down(config, wipe=True)


@contextmanager
def private_stack(profile: str, kafka_port: int, mongo_port: int) -> Iterator[localstack.StackConfig]:
    """A Kafka broker and a SecantusDB of a test's own, which it may stop and start without disturbing others."""
    config = localstack.StackConfig(profile=profile, kafka_port=kafka_port, mongo_port=mongo_port, mongo_in_memory=True)
    localstack.down(config, wipe=True)
    localstack.up(config, ["kafka", "mongo"])
    try:
        yield config
    finally:
        localstack.down(config, ["kafka", "mongo"], wipe=True)


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll until `check` returns something truthy; fail with `what` after the deadline."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = await check()
        except Exception as error:  # the thing being waited for may not exist yet
            last = error
        if last and not isinstance(last, Exception):
            return cast(T, last)
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last seen: {last!r}")


# ---------------------------------------------------------------- Kafka


async def create_topics(bootstrap: str, names: Iterable[str], partitions: int = 3) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, partitions, 1) for name in names if name not in existing]
        if missing:
            await admin.create_topics(missing)
    finally:
        await admin.close()


@asynccontextmanager
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def publish(
    client: AIOKafkaProducer, topic: str, data: EventData, *, event_id: str | None = None, source: str = "/tests"
) -> CloudEvent:
    from datetime import UTC, datetime

    envelope = wrap(data, source=source, time=datetime.now(UTC), event_id=event_id)
    await client.send_and_wait(topic, envelope.to_json(), key=data.subject.encode())
    return envelope


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.value or b"null")


async def read_topic(
    bootstrap: str, topic: str, until: Callable[[list[Record]], bool], timeout: float = 30.0
) -> list[Record]:
    """Read a topic from the beginning until `until(records)` holds or the deadline passes."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Record] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if until(records):
                return records
            batches = await consumer.getmany(timeout_ms=200)
            for messages in batches.values():
                records.extend(
                    Record(
                        m.topic,
                        m.partition,
                        m.offset,
                        m.key,
                        m.value,
                        {k: v.decode() for k, v in m.headers},
                    )
                    for m in messages
                )
        if until(records):
            return records
        raise AssertionError(f"timed out after {timeout}s reading {topic}; saw {len(records)} records")
    finally:
        await consumer.stop()


async def opened(stack: Stack, namespace: str, event: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudEvent's data with its sealed texts opened (None where shredded), as whoever held the test's keys
    database and the local shredding key would open them."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.mongo_url)
    try:
        keys = PersonKeys(client[f"{namespace}_keys"], LOCAL_SHREDDING_KEY)
        return await keys.open(EVENT_TYPES[event["type"]], event["data"])
    finally:
        await client.close()


# ---------------------------------------------------------------- service processes


def _ports_of_this_worker() -> Iterator[int]:
    """Ports below the kernel's ephemeral range, in a slice of their own per pytest worker, from a random start.

    A port the kernel picks for `bind(0)` is free only until it is closed: a service started a moment later can find
    it taken by an outgoing connection (those draw from the same ephemeral range) or by the other worker's next
    service. Ports below that range are never given to connections, and each worker hands out its own slice in turn.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    first = 20000  # above the local stacks' own ports (11025 …, 18025 …, 19092 …)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    width = (low - first) // max(workers, 1)
    start = first + worker * width
    reserved = {29092, 29093, 29192, 29193}  # the private stacks of test_readiness.py and test_resilience.py
    offset = random.randrange(width)
    while True:
        for n in range(width):
            port = start + (offset + n) % width
            if port not in reserved:
                yield port


_PORTS = _ports_of_this_worker()


def free_port() -> int:
    """A port nobody listens on now and that no other test of this run is handed meanwhile."""
    for port in _PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("unreachable: the ports cycle")


class ServiceProcess:
    """A service run as its own OS process, as in production; stopped by PID."""

    def __init__(
        self, module: str, service: str, env: Mapping[str, str], log_path: Path, clock_file: Path | None = None
    ) -> None:
        self.module = module
        self.service = service
        self.clock_file = clock_file
        """Where the process reads its clock's offset (`pacer_testkit.clocked`); None: real time."""
        self.port = free_port()
        self.metrics_port = free_port()
        self.env = {
            **os.environ,
            **env,
            f"PACER_{service.upper()}_HTTP_PORT": str(self.port),
            f"PACER_{service.upper()}_METRICS_PORT": str(self.metrics_port),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]),
        }
        self.env.setdefault(f"PACER_{service.upper()}_HTTP_HOST", "127.0.0.1")
        if clock_file is not None:
            self.env["PACER_TEST_CLOCK_FILE"] = str(clock_file)
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        """Served apart from the API, as in production."""

    def start(self) -> ServiceProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            command = [sys.executable, "-m", self.module]
            if self.clock_file is not None:
                command = [sys.executable, "-m", "pacer_testkit.clocked", self.module]
            self.process = subprocess.Popen(
                command,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        return self

    async def wait_ready(self, timeout: float = 180.0) -> None:
        async def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.service} exited with {self.process.returncode}; log: {self.log_tail()}")
            async with httpx.AsyncClient(timeout=2) as client:
                return (await client.get(f"{self.url}/readyz")).status_code == 200

        try:
            await eventually(ready, timeout, f"{self.service} to be ready")
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- log tail ---\n{self.log_tail()}") from None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 40.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    async def metrics_text(self) -> str:
        """What Prometheus scrapes from the process."""
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(self.metrics_url)
        response.raise_for_status()
        return response.text

    async def metric(self, name: str, **labels: str) -> float:
        """The sum of a Prometheus sample over the series matching `labels`."""
        text = await self.metrics_text()
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total


@asynccontextmanager
async def running(
    module: str, service: str, env: Mapping[str, str], log_dir: Path, wait: bool = True, clock_file: Path | None = None
) -> AsyncIterator[ServiceProcess]:
    log_path = log_dir / f"{service}-{uuid.uuid4().hex[:6]}.log"
    process = ServiceProcess(module, service, env, log_path, clock_file).start()
    try:
        if wait:
            await process.wait_ready()
        yield process
    finally:
        process.stop()


def bearer(subject: str, role: str) -> dict[str, str]:
    """Authorization header with a local token, as a person of that role would send."""
    from pacer_shared.auth import mint_local_token
    from pacer_shared.settings import ServiceSettings

    return {"Authorization": f"Bearer {mint_local_token(ServiceSettings(), subject, role)}"}


@asynccontextmanager
async def in_process(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Run a service's whole lifespan in this process (so a test can hand it a clock) and talk to it over ASGI."""
    from asgi_lifespan import LifespanManager

    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as http,
    ):
        yield http


async def metrics_text(app: Any) -> str:
    """What Prometheus scrapes from a service run in this process (`in_process`), from its metrics port."""
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"http://127.0.0.1:{app.state.metrics_port}/metrics")
    response.raise_for_status()
    return response.text


def pacer_command(
    stack: Stack, namespace: str, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The operator's `pacer` command on a test's namespace, run as the operator runs it: a process of its own."""
    settings = {
        "PACER_KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap,
        "PACER_TOPIC_PREFIX": f"{namespace}.",
        "PACER_TOPIC_PARTITIONS": "3",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "pacer_shared.cli", *args],
        env={**os.environ, **settings},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def run_pacer(
    stack: Stack, namespace: str, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(pacer_command, stack, namespace, *args, env=env)


async def roster_reached(http: httpx.AsyncClient, person_ids: list[str]) -> None:
    """Wait until a service's roster projection knows each of these people (asked as hr)."""

    async def known() -> bool:
        for person_id in person_ids:
            if (await http.get(f"/v1/people/{person_id}", headers=bearer("roster-check", "hr"))).status_code != 200:
                return False
        return True

    await eventually(known, what=f"the roster ({', '.join(person_ids)}) to reach the service")


async def publish_roster(
    stack: Stack, namespace: str, roster: Iterable[EventData], service_url: str, known: list[str]
) -> None:
    """Publish the roster to the namespace's `org.people` and wait until the service at `service_url` knows `known`."""
    async with producer(stack.kafka_bootstrap) as client:
        for member in roster:
            await publish(client, f"{namespace}.org.people", member)
    async with httpx.AsyncClient(base_url=service_url, timeout=10) as http:
        await roster_reached(http, known)


async def roster_shows(service_url: str, person_id: str, **expected: Any) -> dict[str, Any]:
    """Wait until a service's roster projection shows this person with these fields (asked as hr); the person as shown.
    On the deadline the error says what the roster showed last."""
    async with httpx.AsyncClient(base_url=service_url, timeout=10) as http:
        last: list[Any] = [None]

        async def shown() -> dict[str, Any] | None:
            response = await http.get(f"/v1/people/{person_id}", headers=bearer("hana", "hr"))
            last[0] = body = response.json() if response.status_code == 200 else response.status_code
            if not isinstance(body, dict):
                return None
            return body if all(body.get(k) == v for k, v in expected.items()) else None

        try:
            return await eventually(shown, 60, f"the roster to show {person_id} with {expected}")
        except AssertionError as error:
            raise AssertionError(f"{error}; it shows {last[0]}") from None
