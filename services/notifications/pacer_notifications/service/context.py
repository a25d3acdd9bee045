"""What the notifications use cases need: runtime, storage, rules, templates, senders and settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from pacer_notifications.adapters.channels import email
from pacer_notifications.adapters.repository import DeliveryRepository
from pacer_notifications.domain.rules import Rules, load_rules
from pacer_notifications.service.handoff import DeliveryQueue
from pacer_notifications.service.rendering import Renderer
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.service import Runtime
from pacer_shared.shredding import PersonKeys


@dataclass
class Notifications:
    runtime: Runtime
    repository: DeliveryRepository
    settings: NotificationsSettings
    rules: Rules
    renderer: Renderer
    http: httpx.AsyncClient
    mail: email.SmtpSender
    keys: PersonKeys
    """Open the texts events carry sealed (`pacer_shared.shredding`)."""
    queue: DeliveryQueue = field(default_factory=DeliveryQueue)
    """Deliveries due now, handed from routing to the delivery worker."""

    @classmethod
    def of(cls, runtime: Runtime) -> Notifications:
        assert isinstance(runtime.settings, NotificationsSettings)
        settings = runtime.settings
        assert runtime.keys is not None, "notifications opens sealed texts (seals_text)"
        return cls(
            runtime=runtime,
            repository=DeliveryRepository(runtime.db),
            settings=settings,
            rules=load_rules(settings.rules_file),
            renderer=Renderer(),
            http=httpx.AsyncClient(timeout=settings.http_timeout_seconds, follow_redirects=False),
            mail=email.SmtpSender(_smtp_config(settings), settings.smtp_keepalive_seconds),
            keys=runtime.keys,
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
