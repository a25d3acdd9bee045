"""Liveness and readiness: the service's long-running work, what it depends on, and `/healthz` and `/readyz`."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pacer_shared.consumer import EventConsumers
from pacer_shared.kafka import SharedProducer
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Database
from pacer_shared.outbox import OutboxRelay

log = get_logger(__name__)
READINESS_TIMEOUT = 3.0


class Tasks:
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
class ReadinessChecks:
    """What `/readyz` asks of a started service: its dependencies reachable and none of its work failing."""

    db: Database
    producer: SharedProducer
    relay: OutboxRelay
    consumers: EventConsumers
    tasks: Tasks
    unready: Callable[[], Mapping[str, str]] = dict
    """What else the service says keeps it from answering (analytics: tables still being rebuilt)."""

    async def problems(self) -> dict[str, str]:
        found: dict[str, str] = dict(self.unready())
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
            found["background"] = _ended_work(self.tasks)
        return found


def _ended_work(tasks: Tasks) -> str:
    return "; ".join(f"{name} ended: {reason}" for name, reason in tasks.ended.items())


class Health(BaseModel):
    status: Literal["ok", "failed"]
    problems: dict[str, str] | None = Field(default=None, description="What ended, and why")


class Readiness(BaseModel):
    status: Literal["ready", "starting", "unready"]
    problems: dict[str, str] | None = Field(default=None, description="What is not ready, by dependency")


def router() -> APIRouter:
    """`/healthz` and `/readyz`, reading what the lifespan keeps at `app.state` (`tasks`, `readiness`, `ready`)."""
    router = APIRouter(tags=["health"])

    @router.get(
        "/healthz",
        summary="The process is up and none of its background work has ended",
        response_model=Health,
        responses={503: {"model": Health, "description": "Background work ended: restart the process"}},
    )
    async def healthz(request: Request) -> JSONResponse:
        tasks: Tasks | None = getattr(request.app.state, "tasks", None)
        if tasks is not None and tasks.ended:
            return JSONResponse({"status": "failed", "problems": {"background": _ended_work(tasks)}}, status_code=503)
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
