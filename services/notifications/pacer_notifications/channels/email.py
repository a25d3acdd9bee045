"""Email over SMTP with aiosmtplib: a plain-text and an HTML part, STARTTLS or TLS and auth as settings."""

from __future__ import annotations

import functools
import os
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

import aiosmtplib

from pacer_notifications.channels.chat import Outcome

MESSAGE_IDS = uuid.UUID("6c1f8a1e-2b57-4f0e-9d43-1a8e5c7b9f20")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    security: str = "none"  # none | starttls | tls
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    cafile: str | None = None


def compose(sender: str, to_name: str, to_address: str, subject: str, text: str, html: str, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = subject
    # The same Message-ID for every attempt at one delivery lets mail systems drop the duplicate of a retried
    # send (make_msgid would add the time and a random number to each attempt).
    message["Message-ID"] = f"<{uuid.uuid5(MESSAGE_IDS, key)}@pacer.local>"
    message.set_content(text)
    message.add_alternative(f"<!doctype html><html><body>{html}</body></html>", subtype="html")
    return message


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """The context for this CA bundle as the file is now: a rotated bundle (a renewed Kubernetes secret) is read
    again on the next send, as when every send built its own context."""
    if cafile is None:
        return _context_for(None, None)
    found = os.stat(cafile)
    return _context_for(cafile, (found.st_ino, found.st_mtime_ns, found.st_size))


@functools.lru_cache(maxsize=8)
def _context_for(cafile: str | None, version: tuple[int, int, int] | None) -> ssl.SSLContext:
    """Built once per bundle version: building one loads and parses every trusted certificate, far more CPU than
    a message costs to send. An SSLContext is safe to share between connections."""
    return ssl.create_default_context(cafile=cafile)


async def send(config: SmtpConfig, message: EmailMessage) -> Outcome:
    context = _tls_context(config.cafile) if config.security != "none" else None
    try:
        await aiosmtplib.send(
            message,
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            tls_context=context,
            timeout=config.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        return Outcome(delivered=False, retryable=False, reason=f"address refused: {error}")
    except aiosmtplib.SMTPResponseException as error:
        # 4xx replies are temporary by definition (RFC 5321 section 4.2.1); 5xx are permanent.
        return Outcome(delivered=False, retryable=error.code < 500, reason=f"SMTP {error.code}: {error.message}")
    except (aiosmtplib.SMTPException, OSError) as error:
        return Outcome(delivered=False, retryable=True, reason=f"SMTP unreachable: {error!r}")
    return Outcome(delivered=True, retryable=False, reason="accepted by the SMTP server")
