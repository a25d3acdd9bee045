"""Where notifications end up in tests: a real SMTP server and the chat receivers, and the settings pointing at them.

`outlets()` runs both on free ports (the chat receivers in the current event loop) and yields an `Outlets`
whose `env` is what the notifications service needs to send there: the SMTP port, a robot per chat system
(Slack, Teams, WeCom, DingTalk, Feishu), and the `north` team's WeCom group chat.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from pacer_testkit.chat_receivers import Inbox, Post, receivers
from pacer_testkit.serving import serve
from pacer_testkit.stack import free_port

SECRETS = {"dingtalk": "SEC-dingtalk-secret", "feishu": "feishu-signing-secret", "wecom": "north-team-key"}


class Mailbox:
    """A real SMTP server's handler (aiosmtpd) keeping what it receives.

    `held()` keeps senders waiting after they name a recipient and before they transmit the message, as a slow
    server would: a sender that dies meanwhile has delivered nothing. `refuse(address)` answers that recipient
    with a permanent 550, as a server does for a mailbox that does not exist, until `accept(address)`.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.recipients: list[str] = []
        """Every envelope recipient of every message received: who the server was asked to deliver to."""
        self.waiting = 0
        self._open = threading.Event()
        self._open.set()

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not self._open.is_set():
            self.waiting += 1
            try:
                await asyncio.to_thread(self._open.wait)
            finally:
                self.waiting -= 1
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.recipients.extend(envelope.rcpt_tos)
        self.messages.append(email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default))
        return "250 OK"

    def refuse(self, address: str) -> None:
        self.refused.add(address)

    def accept(self, address: str) -> None:
        """The mailbox exists again: mail to it is taken from now on."""
        self.refused.discard(address)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    @contextmanager
    def held(self) -> Iterator[Mailbox]:
        self._open.clear()
        try:
            yield self
        finally:
            self._open.set()


def text_of(message: EmailMessage) -> str:
    """The plain-text part a reader sees."""
    part = message.get_body(("plain",))
    return "" if part is None else str(part.get_content())


def post_text(post: Post) -> str:
    return json.dumps(post.payload, ensure_ascii=False)


@dataclass
class Outlets:
    mailbox: Mailbox
    inbox: Inbox
    smtp_port: int
    chat_url: str

    @property
    def env(self) -> dict[str, str]:
        endpoints = {
            "slack": {"url": f"{self.chat_url}/slack"},
            "teams": {"url": f"{self.chat_url}/teams"},
            "wecom": {"url": f"{self.chat_url}/wecom?key={SECRETS['wecom']}"},
            "dingtalk": {"url": f"{self.chat_url}/dingtalk?access_token=robot-token", "secret": SECRETS["dingtalk"]},
            "feishu": {"url": f"{self.chat_url}/feishu", "secret": SECRETS["feishu"]},
        }
        teams = {"north": {"channel": "wecom", "url": f"{self.chat_url}/wecom?key={SECRETS['wecom']}"}}
        return {
            "PACER_NOTIFICATIONS_SMTP_PORT": str(self.smtp_port),
            "PACER_NOTIFICATIONS_CHAT_ENDPOINTS": json.dumps(endpoints),
            "PACER_NOTIFICATIONS_TEAM_CHANNELS": json.dumps(teams),
        }


@asynccontextmanager
async def outlets() -> AsyncIterator[Outlets]:
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app, inbox = receivers(SECRETS)
    try:
        async with serve(app) as chat_url:
            yield Outlets(mailbox, inbox, smtp.port, chat_url)
    finally:
        smtp.stop()
