"""What the notifications use cases need: runtime, storage, rules, templates, senders and settings."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

import httpx

from pacer_notifications.adapters.channels import email
from pacer_notifications.adapters.repository import DeliveryRepository
from pacer_notifications.domain.rules import Rules, load_rules
from pacer_notifications.service.rendering import Renderer
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.service import Runtime

HANDED = 10_000
"""Most deliveries waiting in the hand-off; beyond it the oldest are left to the worker's search for due ones."""


@dataclass
class Notifications:
    runtime: Runtime
    repository: DeliveryRepository
    settings: NotificationsSettings
    rules: Rules
    renderer: Renderer
    http: httpx.AsyncClient
    mail: email.SmtpSender
    deliveries_waiting: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when routing created deliveries, so the worker does not wait for its next poll."""
    routed: dict[str, None] = field(default_factory=dict)
    """Deliveries due now that routing transactions in progress create, in order and once each (a transaction
    retried after a conflict routes the same ids again). Parked events are routed beside the consumer, so one
    commit may hand over the other's ids early: their claim finds nothing yet, and the worker's search for due
    deliveries picks them up within a poll interval."""
    handed: deque[str] = field(default_factory=lambda: deque(maxlen=HANDED))
    """Committed deliveries due now, for the worker to claim by id instead of searching everything due."""

    def committed(self) -> None:
        """The routing transaction committed: hand its deliveries to the worker and wake it."""
        self.handed.extend(self.routed)
        self.routed.clear()
        self.deliveries_waiting.set()

    @classmethod
    def of(cls, runtime: Runtime) -> Notifications:
        assert isinstance(runtime.settings, NotificationsSettings)
        settings = runtime.settings
        return cls(
            runtime=runtime,
            repository=DeliveryRepository(runtime.db),
            settings=settings,
            rules=load_rules(settings.rules_file),
            renderer=Renderer(),
            http=httpx.AsyncClient(timeout=settings.http_timeout_seconds, follow_redirects=False),
            mail=email.SmtpSender(_smtp_config(settings), settings.smtp_keepalive_seconds),
        )


def _smtp_config(s: NotificationsSettings) -> email.SmtpConfig:
    return email.SmtpConfig(
        host=s.smtp_host,
        port=s.smtp_port,
        sender=s.smtp_from,
        security=s.smtp_security,
        username=s.smtp_username,
        password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        timeout=s.smtp_timeout_seconds,
        cafile=s.smtp_cafile,
    )
