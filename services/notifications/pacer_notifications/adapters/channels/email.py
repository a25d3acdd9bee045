"""Email over SMTP with aiosmtplib: a plain-text and an HTML part, attachments, STARTTLS or TLS and auth as settings."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import functools
import os
import ssl
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import ContentTypeHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any, cast

import aiosmtplib

from pacer_notifications.adapters.channels.user_text import one_line
from pacer_notifications.domain.outcome import Outcome

_CONTENT_TYPES = HeaderRegistry()
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


def compose(
    sender: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    key: str,
    attachments: Sequence[Mapping[str, Any]] = (),
) -> EmailMessage:
    """The message as plain text and HTML, with the event's attachments (`pacer_shared.events.attachments`).

    Raises ValueError for what cannot be written as an email (a header with a line break, a bad attachment)."""
    message = EmailMessage()
    # Python's email package refuses a header value holding a line break (CRLF would start a header of the
    # writer's choosing); goal titles and display names are typed by people, so each header is put on one line.
    message["From"] = one_line(sender)
    message["To"] = formataddr((one_line(to_name), one_line(to_address)))
    message["Subject"] = one_line(subject)
    # The same Message-ID for every attempt at one delivery lets mail systems drop the duplicate of a retried
    # send (make_msgid would add the time and a random number to each attempt).
    message["Message-ID"] = f"<{uuid.uuid5(MESSAGE_IDS, key)}@pacer.local>"
    message.set_content(text)
    message.add_alternative(f"<!doctype html><html><body>{html}</body></html>", subtype="html")
    for attachment in attachments:
        _attach(message, attachment)
    return message


def _attach(message: EmailMessage, attachment: Mapping[str, Any]) -> None:
    """One attachment with its filename and content type, parameters included (`text/calendar; method=REQUEST`:
    RFC 6047 section 2.4 has calendar clients read the iTIP method from the MIME part)."""
    content_type = cast(ContentTypeHeader, _CONTENT_TYPES("content-type", one_line(str(attachment["content_type"]))))
    given = str(attachment["content_type"]).split(";")[0].strip().lower()
    if given != content_type.content_type or content_type.maintype == "multipart":  # the parser's default: unreadable
        raise ValueError(f"attachment {attachment.get('filename')!r}: bad content type {attachment['content_type']!r}")
    filename = one_line(str(attachment["filename"]))
    parameters = dict(content_type.params)
    if attachment.get("encoding") == "base64":
        try:
            data = base64.b64decode(str(attachment["content"]), validate=True)
        except binascii.Error as error:
            raise ValueError(f"attachment {filename!r}: content is not base64") from error
        message.add_attachment(
            data,
            maintype=content_type.maintype,
            subtype=content_type.subtype,
            filename=filename,
            params=parameters,
        )
    elif content_type.maintype == "text":
        parameters.pop("charset", None)  # the text is written as UTF-8 whatever the producer said
        message.add_attachment(
            str(attachment["content"]), subtype=content_type.subtype, filename=filename, params=parameters
        )
    else:
        raise ValueError(f"attachment {filename!r}: a {content_type.content_type} attachment must be base64")


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
    """Send one message over a connection of its own (an admin's test send: it proves the server can be reached)."""
    async with SmtpSender(config, keepalive_seconds=0) as sender:
        return await sender.send(message)


MESSAGES_PER_CONNECTION = 100
"""Messages sent over one connection before it is closed; a server with a lower limit answers 421 on a reused
connection, and the message then goes over a fresh one."""


QUIT_TIMEOUT_SECONDS = 1.0


@dataclass
class _Connection:
    smtp: aiosmtplib.SMTP
    sent: int = 0
    idle_since: float = 0.0


class SmtpSender:
    """Sends email over SMTP connections kept open between messages.

    Opening a connection costs round trips (greeting, EHLO, STARTTLS or a TLS handshake, AUTH) that a burst of
    notifications would otherwise pay per message, and enterprise relays often limit how many connections a
    client may open a minute. A connection idle for `keepalive_seconds` is closed (`close_idle`), well before
    servers and NAT gateways drop it (Postfix's smtpd_timeout is 300 s); one dropped anyway, or answering 421,
    is replaced by a fresh one for the same message, once. A connection whose message failed in any other way
    is not reused. At most as many connections are open as messages are being sent at once.
    """

    def __init__(self, config: SmtpConfig, keepalive_seconds: float) -> None:
        self.config = config
        self._keepalive = keepalive_seconds
        self._idle: list[_Connection] = []

    async def __aenter__(self) -> SmtpSender:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close_idle(everything=True)

    async def send(self, message: EmailMessage) -> Outcome:
        try:
            await self._send(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            return Outcome(delivered=False, retryable=False, reason=f"address refused: {error}")
        except aiosmtplib.SMTPResponseException as error:
            # 4xx replies are temporary by definition (RFC 5321 section 4.2.1); 5xx are permanent.
            return Outcome(delivered=False, retryable=error.code < 500, reason=f"SMTP {error.code}: {error.message}")
        except (aiosmtplib.SMTPException, OSError) as error:
            return Outcome(delivered=False, retryable=True, reason=f"SMTP unreachable: {error!r}")
        return Outcome(delivered=True, retryable=False, reason="accepted by the SMTP server")

    async def close_idle(self, everything: bool = False) -> None:
        """Close the connections idle for the keep-alive time (all of them when stopping)."""
        now = time.monotonic()
        stale = [c for c in self._idle if everything or now - c.idle_since >= self._keepalive]
        self._idle = [c for c in self._idle if c not in stale]
        await asyncio.gather(*(_quit(connection) for connection in stale))

    async def _send(self, message: EmailMessage) -> None:
        reused = self._take_idle()
        if reused is not None:
            try:
                await reused.smtp.send_message(message)
            except BaseException as error:
                reused.smtp.close()
                if not _dropped(error):
                    raise
            else:
                return await self._after_sending(reused)
        fresh = _Connection(self._client())
        try:
            await fresh.smtp.connect()
            await fresh.smtp.send_message(message)
        except BaseException:
            fresh.smtp.close()
            raise
        await self._after_sending(fresh)

    def _take_idle(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()  # the most recently used: the likeliest to be alive
            if connection.smtp.is_connected:
                return connection
            connection.smtp.close()
        return None

    async def _after_sending(self, connection: _Connection) -> None:
        connection.sent += 1
        if self._keepalive > 0 and connection.sent < MESSAGES_PER_CONNECTION:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            await _quit(connection)

    def _client(self) -> aiosmtplib.SMTP:
        config = self.config
        return aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            tls_context=_tls_context(config.cafile) if config.security != "none" else None,
            timeout=config.timeout,
        )


def _dropped(error: BaseException) -> bool:
    """Whether a reused connection failed because it was no longer usable, not because of the message."""
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return error.code == 421  # "service not available, closing transmission channel"
    # A silent drop (a NAT gateway forgetting the connection) shows as a timeout.
    return isinstance(error, (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, ConnectionError))


async def _quit(connection: _Connection) -> None:
    """Say goodbye if the server still listens (briefly: it may be long gone); close the socket either way."""
    with contextlib.suppress(aiosmtplib.SMTPException, OSError):
        if connection.smtp.is_connected:
            await connection.smtp.quit(timeout=QUIT_TIMEOUT_SECONDS)
    connection.smtp.close()
