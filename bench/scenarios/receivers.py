"""Where the scenarios' messages land: a real SMTP server and the chat-vendor stand-ins of the test kit.

Both record when each message arrived, in this process's clock, so latency can be measured against the moment
a sales event was published from the same process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from pacer_testkit.chat_receivers import Inbox, Post, receivers
from pacer_testkit.serving import serve
from pacer_testkit.stack import free_port

SECRETS = {"dingtalk": "SEC-bench-dingtalk", "feishu": "bench-feishu-secret", "wecom": "bench-wecom-key"}


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: list[str]
    content: bytes
    received_at: float


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message (the server runs in its own thread)."""

    messages: list[Mail] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        mail = Mail(
            str(envelope.mail_from),
            [str(r) for r in envelope.rcpt_tos],
            bytes(envelope.original_content or b""),
            time.time(),
        )
        with self._lock:
            self.messages.append(mail)
        return "250 OK"


class StampedPosts(list[Post]):
    """The inbox's list of accepted posts, noting when each arrived (the test kit's receivers keep no time)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[float] = []

    def append(self, post: Post) -> None:
        self.arrived.append(time.time())
        super().append(post)


@dataclass(frozen=True)
class Receivers:
    chat_url: str
    inbox: Inbox
    smtp_port: int
    mailbox: Mailbox

    @property
    def posts(self) -> StampedPosts:
        assert isinstance(self.inbox.accepted, StampedPosts)
        return self.inbox.accepted

    def received(self) -> int:
        return len(self.inbox.accepted) + len(self.mailbox.messages)


@asynccontextmanager
async def running() -> AsyncIterator[Receivers]:
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app, inbox = receivers(SECRETS)
    inbox.accepted = StampedPosts()
    try:
        async with serve(app) as chat_url:
            yield Receivers(chat_url, inbox, smtp.port, mailbox)
    finally:
        smtp.stop()
