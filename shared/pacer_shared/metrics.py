"""Prometheus metrics every service exposes at /metrics on a port of their own, and the HTTP middleware that feeds them.

The metrics port is apart from the API's so that whatever exposes the API (an Ingress, a gateway) never exposes
the metrics: their counters would tell an outsider when requests were made.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterator, Sequence

from fastapi import FastAPI
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, Metric, start_http_server
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pacer_shared.logs import is_private

HTTP_REQUESTS = Counter("pacer_http_requests_total", "HTTP requests served", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "pacer_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_CONSUMED = Counter("pacer_events_consumed_total", "Events applied by a consumer", ["consumer", "topic", "type"])
EVENTS_DUPLICATE = Counter(
    "pacer_events_duplicate_total", "Events skipped because their id was already processed", ["consumer", "topic"]
)
EVENTS_DEAD_LETTERED = Counter(
    "pacer_events_dead_lettered_total", "Messages sent to a dead-letter topic", ["consumer", "topic", "reason"]
)
EVENTS_PRODUCED = Counter("pacer_events_produced_total", "Events published by the outbox relay", ["topic", "type"])
CONSUMER_LAG = Gauge("pacer_consumer_lag", "Messages behind the partition's end", ["topic", "partition"])
CONSUMER_UP = Gauge("pacer_consumer_up", "1 while the consumer runs, 0 after it crashed", ["consumer"])
CONSUMER_BATCH_AGE = Gauge(
    "pacer_consumer_batch_age_seconds", "How long the consumer has been applying the batch in hand (0 between batches)"
)
OUTBOX_BACKLOG = Gauge("pacer_outbox_backlog", "Events committed but not yet published")
OUTBOX_OLDEST_AGE = Gauge("pacer_outbox_oldest_age_seconds", "Age of the oldest unpublished event")


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/v1/goals/{goal_id}`), so labels stay bounded."""
    return str(getattr(scope.get("route"), "path", "unmatched"))


class RequestMetrics:
    """Counts and times every HTTP request by method, route template and status, except under private paths.

    A private route's counter would time each of its requests to the scrape (anonymous submissions): those
    requests are not counted at all.

    Plain ASGI rather than `@app.middleware("http")`: that one runs each request in a task group and streams
    the body through a memory channel, a visible share of a fast endpoint's time (bench/PERFORMANCE.md).
    """

    def __init__(self, app: ASGIApp, private_paths: Sequence[str] = ()) -> None:
        self.app = app
        self.private_paths = tuple(private_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_private(scope["path"], self.private_paths):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            labels = (scope["method"], route_template(scope), str(status))
            HTTP_REQUESTS.labels(*labels).inc()
            HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)


def install(app: FastAPI, private_paths: Sequence[str] = ()) -> None:
    app.add_middleware(RequestMetrics, private_paths=private_paths)


LOOP_STALL_SECONDS = 30.0
"""A scrape fails once the event loop has not run for this long: a hung process must look down, as it did when
the API's own port served /metrics."""


class _WhileTheLoopRuns(Collector):
    """The default registry, refused to scrapers once the service's event loop has stalled."""

    def __init__(self) -> None:
        self.last_beat = time.monotonic()

    def collect(self) -> Iterator[Metric]:
        stalled = time.monotonic() - self.last_beat
        if stalled > LOOP_STALL_SECONDS:
            raise RuntimeError(f"the event loop has not run for {stalled:.0f}s")
        yield from REGISTRY.collect()

    async def beat(self) -> None:
        while True:
            self.last_beat = time.monotonic()
            await asyncio.sleep(1.0)


@contextlib.asynccontextmanager
async def serving(host: str, port: int) -> AsyncIterator[int]:
    """Serve /metrics on its own port (0: a free one) for as long as the block runs; yields the bound port.

    prometheus-client's own server, on a thread, so an API under load does not delay a scrape; a stalled event loop
    still fails it.
    """
    guard = _WhileTheLoopRuns()
    server, thread = start_http_server(port, addr=host, registry=guard)
    beating = asyncio.create_task(guard.beat(), name="metrics heartbeat")
    try:
        yield int(server.server_port)
    finally:
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
