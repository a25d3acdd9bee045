"""Prometheus metrics every service exposes at /metrics, and the HTTP middleware that feeds them."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

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
OUTBOX_BACKLOG = Gauge("pacer_outbox_backlog", "Events committed but not yet published")
OUTBOX_OLDEST_AGE = Gauge("pacer_outbox_oldest_age_seconds", "Age of the oldest unpublished event")


def route_template(request: Request) -> str:
    """The matched route's path template (`/v1/goals/{goal_id}`), so labels stay bounded."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def record_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            labels = (request.method, route_template(request), str(status))
            HTTP_REQUESTS.labels(*labels).inc()
            HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
