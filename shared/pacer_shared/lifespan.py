"""A service's lifespan: MongoDB, topics, the producer, the outbox relay, consumers and background loops, started in
order and stopped in reverse; start-up cut short by SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from types import FrameType
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from pymongo import AsyncMongoClient
from tenacity import AsyncRetrying, stop_after_delay, wait_exponential

from pacer_shared import audit, consumer, health, metrics, outbox, people, privacy
from pacer_shared.consumer import EventConsumers
from pacer_shared.kafka import SharedProducer, ensure_topics
from pacer_shared.logs import configure_logging, get_logger
from pacer_shared.mongo import Document, create_client, ensure_indexes
from pacer_shared.outbox import Outbox, OutboxRelay
from pacer_shared.runtime import Runtime
from pacer_shared.shredding import PersonKeys
from pacer_shared.topics import ORG_PEOPLE, TopicNames
from pacer_shared.unit_of_work import UnitOfWork
from pacer_shared.upgrades import apply_upgrades

if TYPE_CHECKING:
    from pacer_shared.service import ServiceSpec

log = get_logger(__name__)
STARTUP_TIMEOUT = 120.0
MONITOR_INTERVAL = 5.0
DRAIN_SECONDS = 15
"""How long the relay may publish what is committed, and each background loop finish what it holds, when the
service stops; what is left is published or retried by another replica or after the restart."""


def lifespan_of(spec: ServiceSpec[Any]) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """The app's lifespan: metrics first, then the rest in order, kept at `app.state` for routes and `/readyz`."""
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
            keys = PersonKeys.of(client, settings) if settings.seals_text else None
            box = Outbox(db, names, f"/pacer/{settings.service_name}", spec.clock, keys)
            erasures = privacy.Erasures(db, settings.pseudonym_key.get_secret_value())
            await erasures.load()
            runtime = Runtime(
                keys=keys,
                settings=settings,
                clock=spec.clock,
                client=client,
                db=db,
                producer=producer,
                outbox=box,
                uow=UnitOfWork(db, box),
                people=people.People(db),
                topics=names,
                erasures=erasures,
            )
            context = spec.context(runtime)
            # Before anything reads or writes the documents: consumers and loops see only the upgraded shape.
            await apply_upgrades(db, spec.upgrades(context), spec.clock)
            personal_data = privacy.PersonalData(
                db,
                (*spec.personal_data, *privacy.SHARED_HOLDINGS),
                erasures,
                spec.clock,
                settings.service_name,
                spec.personal_state(context),
                runtime.keys,
            )
            subscriptions: list[consumer.Subscription[Any]] = [
                runtime.people.subscription(),
                personal_data.subscription(),
                *spec.subscriptions(context),
            ]
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
            tasks = health.Tasks()
            relay_task = tasks.start("outbox relay", relay.run())
            register = tasks.start("erasures", erasures.follow())
            consumers = EventConsumers(
                settings, db, runtime.uow, producer, spec.clock, subscriptions, erasures.screen, keys
            )
            tasks.watch("consumers", await consumers.start())
            loops = [tasks.start(getattr(loop, "__name__", "loop"), loop()) for loop in spec.background(context)]
            monitor = tasks.start("monitor", _monitor(relay, consumers))

            app.state.runtime = runtime
            app.state.context = context
            app.state.people = runtime.people
            app.state.audit = audit.AuditTrail(db, spec.clock)
            app.state.personal_data = personal_data
            app.state.readiness = health.ReadinessChecks(
                db, producer, relay, consumers, tasks, lambda: spec.unready(context)
            )
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
            for task in [monitor, register, *loops]:
                task.cancel()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(DRAIN_SECONDS):
                    await asyncio.gather(monitor, register, *loops, return_exceptions=True)
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
