"""Builds a Pacer service: a FastAPI app whose lifespan owns MongoDB, the producer, the outbox
relay, the event consumers and background loops, started in order and stopped in reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import signal
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from typing import Any, Generic, Literal, TypeVar

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pymongo import AsyncMongoClient
from tenacity import AsyncRetrying, stop_after_delay, wait_exponential

from pacer_shared import audit, consumer, metrics, outbox, people, problems
from pacer_shared.auth import TokenVerifier
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.consumer import EventConsumers, Subscription
from pacer_shared.kafka import SharedProducer, ensure_topics
from pacer_shared.logs import configure_logging, get_logger, hide_access_logs
from pacer_shared.mongo import Database, Document, IndexPlan, create_client, ensure_indexes
from pacer_shared.outbox import Outbox, OutboxRelay, UnitOfWork
from pacer_shared.settings import ServiceSettings
from pacer_shared.topics import ORG_PEOPLE, TopicNames

log = get_logger(__name__)
STARTUP_TIMEOUT = 120.0
MONITOR_INTERVAL = 5.0
READINESS_TIMEOUT = 3.0


@dataclass
class Runtime:
    """Everything a service's handlers and routes need, created by the lifespan."""

    settings: ServiceSettings
    clock: Clock
    client: AsyncMongoClient[Document]
    db: Database
    producer: SharedProducer
    outbox: Outbox
    uow: UnitOfWork
    people: people.People
    topics: TopicNames


BackgroundLoop = Callable[[], Coroutine[Any, Any, None]]


C = TypeVar("C")


@dataclass
class ServiceSpec(Generic[C]):
    """What makes one service different from another; the rest is shared.

    `context` builds the service's own use-case context once from the runtime; it is
    handed to `subscriptions` and `background` and kept at `app.state.context` for routes.
    """

    settings: ServiceSettings
    title: str
    description: str
    version: str = "0.1.0"
    routers: Sequence[APIRouter] = ()
    indexes: IndexPlan = field(default_factory=dict)
    retired_indexes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Collection -> names of indexes earlier versions created and this one no longer reads; dropped at start-up."""
    publishes: Sequence[str] = ()
    """Logical topics the service produces to (created at start-up with their dead-letter topics)."""
    context: Callable[[Runtime], C] = lambda runtime: runtime  # type: ignore[assignment,return-value]
    subscriptions: Callable[[C], Sequence[Subscription[Any]]] = lambda context: ()
    background: Callable[[C], Sequence[BackgroundLoop]] = lambda context: ()
    """Long-running loops (deadline work, delivery); one that dies makes the service unready."""
    clock: Clock = field(default_factory=SystemClock)
    private_paths: Sequence[str] = ()
    """Path prefixes whose requests leave no access-log line and no per-route metrics (anonymous feedback)."""


def create_app(spec: ServiceSpec[Any]) -> FastAPI:
    settings = spec.settings
    app = FastAPI(title=spec.title, description=spec.description, version=spec.version, lifespan=_lifespan(spec))
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
    app.state.ready = False
    problems.install(app)
    metrics.install(app, spec.private_paths)
    hide_access_logs(spec.private_paths)
    app.include_router(_health_router())
    app.include_router(people.router)
    app.include_router(audit.router)
    for router in spec.routers:
        app.include_router(router)
    if settings.cors_allowed_origins:
        # Added last, so it is the outermost layer: a preflight is answered before metrics, auth or a route see it.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    return app


S = TypeVar("S", bound=ServiceSettings)

GRACEFUL_SHUTDOWN_SECONDS = 30
"""How long in-flight requests may run after SIGTERM; the pods' termination grace period is longer."""
DRAIN_SECONDS = 15
"""How long the relay may publish what is committed, and each background loop finish what it holds, when the
service stops; what is left is published or retried by another replica or after the restart."""
SHUTDOWN_SECONDS = GRACEFUL_SHUTDOWN_SECONDS + consumer.FINISH_BATCH_SECONDS + 2 * DRAIN_SECONDS
"""The longest a stop can take: the termination grace period (Kubernetes, compose) must be longer."""


def serve(build: Callable[[S], FastAPI], settings: S) -> None:
    """Run a service in the foreground (`python -m pacer_<service>.main`) until SIGTERM or Ctrl-C."""
    uvicorn.run(
        build(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # logging is structlog's, configured by the lifespan
        forwarded_allow_ips=settings.forwarded_allow_ips,  # the audit trail's "from where" behind the Ingress
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def lazy_app(build: Callable[[], FastAPI]) -> Callable[[str], FastAPI]:
    """A module `__getattr__` that builds `app` when it is asked for (`uvicorn pacer_<service>.main:app`),
    so importing an entrypoint module starts nothing and reads no settings."""

    def module_getattr(name: str) -> FastAPI:
        if name == "app":
            return build()
        raise AttributeError(name)

    return module_getattr


def _lifespan(spec: ServiceSpec[Any]) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    settings = spec.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        for warning in settings.local_mode_warnings():
            log.warning("local mode: not for real people's data", reason=warning)
        # Up first and down last: a service still waiting for Kafka or MongoDB is scraped too.
        async with metrics.serving(settings.http_host, settings.metrics_port) as port:
            app.state.metrics_port = port
            log.info("metrics served", port=port)
            async with running(app):
                yield

    @contextlib.asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        names = TopicNames(settings.topic_prefix)
        client = create_client(settings.mongo_url, f"pacer-{settings.service_name}")
        db = client[settings.mongo_database]
        producer = SharedProducer(settings)
        async with _starting(client, producer):
            await _until_ready("MongoDB", lambda: db.command("ping"))
            await ensure_indexes(
                db,
                {
                    **outbox.INDEXES,
                    **consumer.indexes(settings.dedup_retention_days),
                    **people.INDEXES,
                    **audit.indexes(settings.audit_retention_days),
                    **spec.indexes,
                },
                spec.retired_indexes,
            )
            await _until_ready("Kafka", producer.start)
            box = Outbox(db, names, f"/pacer/{settings.service_name}", spec.clock)
            runtime = Runtime(
                settings=settings,
                clock=spec.clock,
                client=client,
                db=db,
                producer=producer,
                outbox=box,
                uow=UnitOfWork(db, box),
                people=people.People(db),
                topics=names,
            )
            context = spec.context(runtime)
            subscriptions = [runtime.people.subscription(), *spec.subscriptions(context)]
            consumed = sorted({topic for s in subscriptions for topic in s.topics})
            await _until_ready(
                "Kafka topics", lambda: ensure_topics(settings, sorted({*consumed, *spec.publishes, ORG_PEOPLE}))
            )
            relay = OutboxRelay(
                db,
                producer,
                box,
                name=settings.service_name,
                poll_interval=settings.outbox_poll_interval_ms / 1000,
                lease=timedelta(seconds=settings.outbox_lease_seconds),
            )
            tasks = _Tasks()
            relay_task = tasks.start("outbox relay", relay.run())
            consumers = EventConsumers(settings, db, runtime.uow, producer, spec.clock, subscriptions)
            tasks.watch("consumers", await consumers.start())
            loops = [tasks.start(getattr(loop, "__name__", "loop"), loop()) for loop in spec.background(context)]
            monitor = tasks.start("monitor", _monitor(relay, consumers))

            app.state.runtime = runtime
            app.state.context = context
            app.state.people = runtime.people
            app.state.audit = audit.AuditTrail(db, spec.clock)
            app.state.readiness = _Readiness(db, producer, relay, consumers, tasks)
            app.state.tasks = tasks
            app.state.ready = True
            log.info("service started", consumers=[s.name for s in subscriptions], topics=consumed)
        try:
            with _tuned_garbage_collector(settings.gc_gen0_threshold):
                yield
        finally:
            app.state.ready = False
            tasks.stopping = True
            log.info("service stopping")
            for task in [monitor, *loops]:
                task.cancel()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DRAIN_SECONDS):
                    await asyncio.gather(monitor, *loops, return_exceptions=True)
            await consumers.stop()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DRAIN_SECONDS):
                    await relay.stop()
            relay_task.cancel()
            await asyncio.gather(relay_task, return_exceptions=True)
            await producer.stop()
            await client.close()
            log.info("service stopped")

    return lifespan


class StartupInterrupted(Exception):
    """SIGTERM or SIGINT arrived while the service was still starting (waiting for Kafka or MongoDB)."""


@contextlib.asynccontextmanager
async def _starting(client: AsyncMongoClient[Document], producer: SharedProducer) -> AsyncIterator[None]:
    """Start-up: cut short by SIGTERM or SIGINT, and closing the clients when it fails.

    uvicorn records a signal at once but acts on it only after the lifespan has started, and start-up waits up
    to STARTUP_TIMEOUT for MongoDB and Kafka: a pod deleted during an outage would sit out its whole grace
    period. For the length of start-up this handler runs in front of uvicorn's and cancels the start-up; uvicorn
    then exits with its start-up failure status (3). Signals reach only the main thread.
    """
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    assert task is not None
    state = {"starting": True, "interrupted": False}

    def cancel_if_starting() -> None:  # on the loop: start-up may have finished since the signal
        if state["starting"]:
            state["interrupted"] = True
            task.cancel()

    previous: dict[signal.Signals, Any] = {}

    def interrupt(sig: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(cancel_if_starting)
        handler = previous[signal.Signals(sig)]
        if callable(handler):
            handler(sig, frame)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, interrupt)
    try:
        yield
    except BaseException as error:
        state["starting"] = False
        for close in (producer.stop, client.close):  # what half-started must not hide why start-up ended
            with contextlib.suppress(Exception):
                await close()
        if isinstance(error, asyncio.CancelledError) and state["interrupted"]:
            log.warning("start-up interrupted by a signal; exiting")
            raise StartupInterrupted("stopped before start-up finished") from None
        raise
    finally:
        state["starting"] = False
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def _tuned_garbage_collector(gen0_threshold: int) -> Iterator[None]:
    """Fewer, cheaper cycle collections while the service runs (bench/PERFORMANCE.md, team dashboard).

    Objects that live as long as the service (modules, models, routes, clients) are frozen out of later
    collections, and the young generation is collected after more allocations: with the interpreter's 700, a
    request that decodes a few dozen documents triggered several collections, a tenth of the service's CPU under
    load. Garbage without cycles is freed by reference counting at once either way. Undone when the service
    stops, for processes (tests) that start services in-process and go on.
    """
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(gen0_threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


async def _until_ready(what: str, attempt: Callable[[], Awaitable[Any]]) -> None:
    """Dependencies may come up after us (Kubernetes starts everything at once): wait, then give up loudly."""
    async for retry in AsyncRetrying(
        stop=stop_after_delay(STARTUP_TIMEOUT), wait=wait_exponential(multiplier=0.2, max=5), reraise=True
    ):
        with retry:
            try:
                await attempt()
            except Exception as error:
                log.warning("waiting for dependency", dependency=what, error=repr(error))
                raise


async def _monitor(relay: OutboxRelay, consumers: EventConsumers) -> None:
    while True:
        with contextlib.suppress(Exception):
            await relay.measure_backlog()
        await consumers.measure_lag()
        await asyncio.sleep(MONITOR_INTERVAL)


class _Tasks:
    """The service's long-running work: the outbox relay, the consumers, the background loops.

    None of them ends while the service runs: each retries what it can wait out. One that ends anyway (a bug, an
    error no retry fixes) is logged at once and fails `/healthz` as well as `/readyz`, so Kubernetes restarts the
    pod instead of keeping a process that serves its API but no longer does its work.
    """

    def __init__(self) -> None:
        self.ended: dict[str, str] = {}
        self.stopping = False

    def start(self, name: str, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return self.watch(name, asyncio.create_task(work, name=name))

    def watch(self, name: str, task: asyncio.Task[None]) -> asyncio.Task[None]:
        task.add_done_callback(functools.partial(self._ended, name))
        return task

    def _ended(self, name: str, task: asyncio.Task[None]) -> None:
        if self.stopping:
            return
        error = None if task.cancelled() else task.exception()
        reason = self.ended[name] = "cancelled" if task.cancelled() else repr(error) if error else "returned"
        log.error("background work ended; the service must be restarted", task=name, reason=reason, exc_info=error)


@dataclass
class _Readiness:
    db: Database
    producer: SharedProducer
    relay: OutboxRelay
    consumers: EventConsumers
    tasks: _Tasks

    async def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            async with asyncio.timeout(READINESS_TIMEOUT):
                await self.db.command("ping")
        except Exception as error:
            found["mongodb"] = f"unreachable: {error!r}"
        try:
            async with asyncio.timeout(READINESS_TIMEOUT):
                await self.producer.client.fetch_all_metadata()
        except Exception as error:
            found["kafka"] = f"unreachable: {error!r}"
        if consumer_problems := self.consumers.problems():
            found["consumers"] = "; ".join(consumer_problems)
        if not self.relay.healthy:
            found["outbox_relay"] = "not publishing"
        if self.tasks.ended:
            found["background"] = _ended(self.tasks)
        return found


def _ended(tasks: _Tasks) -> str:
    return "; ".join(f"{name} ended: {reason}" for name, reason in tasks.ended.items())


class Health(BaseModel):
    status: Literal["ok", "failed"]
    problems: dict[str, str] | None = Field(default=None, description="What ended, and why")


class Readiness(BaseModel):
    status: Literal["ready", "starting", "unready"]
    problems: dict[str, str] | None = Field(default=None, description="What is not ready, by dependency")


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get(
        "/healthz",
        summary="The process is up and none of its background work has ended",
        response_model=Health,
        responses={503: {"model": Health, "description": "Background work ended: restart the process"}},
    )
    async def healthz(request: Request) -> JSONResponse:
        tasks: _Tasks | None = getattr(request.app.state, "tasks", None)
        if tasks is not None and tasks.ended:
            return JSONResponse({"status": "failed", "problems": {"background": _ended(tasks)}}, status_code=503)
        return JSONResponse({"status": "ok"})

    @router.get(
        "/readyz",
        summary="Kafka and MongoDB reachable and every consumer running",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Starting, or a dependency or consumer is down"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        if not request.app.state.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        found = await request.app.state.readiness.problems()
        if found:
            return JSONResponse({"status": "unready", "problems": found}, status_code=503)
        return JSONResponse({"status": "ready"})

    return router
