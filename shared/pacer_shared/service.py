"""Builds a Pacer service: what makes one service different (`ServiceSpec`), the FastAPI app around it and the
process that serves it. The lifespan (`lifespan.py`) starts and stops what the app runs; `health.py` answers
`/healthz` and `/readyz`; `metrics.py` serves `/metrics` on its own port.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from pacer_shared import audit, consumer, health, metrics, people, privacy, problems
from pacer_shared.auth import TokenVerifier
from pacer_shared.clock import Clock, SystemClock
from pacer_shared.consumer import Subscription
from pacer_shared.lifespan import DRAIN_SECONDS, STARTUP_TIMEOUT, lifespan_of
from pacer_shared.logs import hide_access_logs
from pacer_shared.mongo import IndexPlan
from pacer_shared.runtime import Runtime
from pacer_shared.settings import ServiceSettings
from pacer_shared.upgrades import Upgrade

__all__ = [
    "SHUTDOWN_SECONDS",
    "STARTUP_TIMEOUT",
    "BackgroundLoop",
    "Runtime",
    "ServiceSpec",
    "create_app",
    "lazy_app",
    "serve",
]

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
    upgrades: Callable[[C], Sequence[Upgrade]] = lambda context: ()
    """Changes to documents earlier versions wrote, applied once per database at start-up (`upgrades.py`)."""
    background: Callable[[C], Sequence[BackgroundLoop]] = lambda context: ()
    """Long-running loops (deadline work, delivery); one that dies makes the service unready."""
    unready: Callable[[C], Mapping[str, str]] = lambda context: {}
    """What else keeps the service from answering right now, by name (analytics: tables still being rebuilt)."""
    clock: Clock = field(default_factory=SystemClock)
    personal_data: Sequence[privacy.Holding] = ()
    """The service's own collections that name a person: exported and erased with the shared ones."""
    personal_state: Callable[[C], privacy.StateExport | None] = lambda context: None
    """What the service holds about a person outside MongoDB (analytics' tables), added to the export; it erases
    that itself, from `PersonErased`."""
    private_paths: Sequence[str] = ()
    """Path prefixes whose requests leave no access-log line and no per-route metrics (anonymous feedback)."""


def create_app(spec: ServiceSpec[Any]) -> FastAPI:
    settings = spec.settings
    app = FastAPI(title=spec.title, description=spec.description, version=spec.version, lifespan=lifespan_of(spec))
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
    app.state.ready = False
    problems.install(app)
    metrics.install(app, spec.private_paths)
    hide_access_logs(spec.private_paths)
    app.include_router(health.router())
    app.include_router(people.router)
    app.include_router(audit.router)
    app.include_router(privacy.router)
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
