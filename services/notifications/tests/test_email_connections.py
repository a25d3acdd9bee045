"""Email connections are kept between messages (`PACER_NOTIFICATIONS_SMTP_KEEPALIVE_SECONDS`): a burst of messages
goes over one connection, a connection the server dropped or closes is replaced without losing the message, and
idle ones are closed. Each test runs its own aiosmtpd server, which tells connections apart by the client's port."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pacer_notifications.adapters.channels.email import SmtpConfig, SmtpSender, compose, send
from pacer_testkit.stack import eventually, free_port


class Server:
    """Records each accepted message with the connection it came over; can refuse like a real server would."""

    def __init__(self, messages_per_connection: int | None = None, refused: str | None = None) -> None:
        self.received: list[tuple[Any, str]] = []
        self.quits: list[Any] = []
        self._per_connection = messages_per_connection
        self._refused = refused

    @property
    def subjects(self) -> list[str]:
        return [subject for _, subject in self.received]

    @property
    def connections(self) -> int:
        return len({peer for peer, _ in self.received})

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self._per_connection is not None:
            sent_here = sum(1 for peer, _ in self.received if peer == session.peer)
            if sent_here >= self._per_connection:
                return "421 4.7.0 too many messages on this connection, closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address == self._refused:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append((session.peer, str(message_from_bytes(envelope.content)["Subject"])))
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.quits.append(session.peer)
        return "221 Bye"


class Running:
    def __init__(self, server: Server) -> None:
        self.port = free_port()
        self.server = server
        self._controller = Controller(server, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def restart(self, server: Server) -> None:
        """Stop the server (its connections go with it) and start another on the same port."""
        self._controller.stop()
        self.server = server
        self._controller = Controller(server, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


@pytest.fixture
def smtp() -> Iterator[Running]:
    running = Running(Server())
    try:
        yield running
    finally:
        running.stop()


def _config(port: int) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, "pacer@example.com", timeout=5.0)


def _message(n: int, to: str = "ann@example.com") -> EmailMessage:
    return compose("pacer@example.com", "Ann", to, f"Goal achieved {n}", "text", "<p>html</p>", f"d-{n}")


async def test_messages_in_a_row_share_one_connection(smtp: Running) -> None:
    async with SmtpSender(_config(smtp.port), keepalive_seconds=30) as sender:
        outcomes = [await sender.send(_message(n)) for n in range(3)]

    assert all(o.delivered for o in outcomes), outcomes
    assert smtp.server.subjects == ["Goal achieved 0", "Goal achieved 1", "Goal achieved 2"]
    assert smtp.server.connections == 1
    assert len(smtp.server.quits) == 1, "the connection is closed politely when the sender stops"


async def test_without_keepalive_every_message_has_a_connection_of_its_own(smtp: Running) -> None:
    async with SmtpSender(_config(smtp.port), keepalive_seconds=0) as sender:
        for n in range(2):
            assert (await sender.send(_message(n))).delivered
    assert (await send(_config(smtp.port), _message(2))).delivered

    assert smtp.server.connections == 3
    assert len(smtp.server.quits) == 3


async def test_a_server_that_closes_the_connection_after_a_message_still_gets_every_message(smtp: Running) -> None:
    smtp.restart(Server(messages_per_connection=1))  # answers 421 to a second message on one connection

    async with SmtpSender(_config(smtp.port), keepalive_seconds=30) as sender:
        outcomes = [await sender.send(_message(n)) for n in range(3)]

    assert all(o.delivered for o in outcomes), outcomes
    assert smtp.server.subjects == ["Goal achieved 0", "Goal achieved 1", "Goal achieved 2"]
    assert smtp.server.connections == 3


async def test_a_connection_dropped_while_idle_is_replaced_for_the_next_message(smtp: Running) -> None:
    async with SmtpSender(_config(smtp.port), keepalive_seconds=30) as sender:
        assert (await sender.send(_message(0))).delivered
        smtp.restart(Server())  # the mail server restarts: the kept connection is gone

        outcome = await sender.send(_message(1))

    assert outcome.delivered, outcome.reason
    assert smtp.server.subjects == ["Goal achieved 1"]


async def test_a_refused_message_does_not_leave_its_connection_in_use(smtp: Running) -> None:
    smtp.restart(Server(refused="nobody@example.com"))

    async with SmtpSender(_config(smtp.port), keepalive_seconds=30) as sender:
        refused = await sender.send(_message(0, to="nobody@example.com"))
        delivered = [await sender.send(_message(n)) for n in (1, 2)]

    assert not refused.delivered
    assert not refused.retryable, "a 5xx refusal is final"
    assert "nobody@example.com" in refused.reason
    assert all(o.delivered for o in delivered), delivered
    assert smtp.server.subjects == ["Goal achieved 1", "Goal achieved 2"]
    assert smtp.server.connections == 1, "the two accepted messages shared the fresh connection"


async def test_an_idle_connection_is_closed_after_the_keepalive(smtp: Running) -> None:
    sender = SmtpSender(_config(smtp.port), keepalive_seconds=0.2)
    assert (await sender.send(_message(0))).delivered
    await sender.close_idle()
    assert smtp.server.quits == [], "a connection used just now is kept"

    async def closed() -> bool:
        await sender.close_idle()
        return len(smtp.server.quits) == 1

    await eventually(closed, timeout=10, what="the idle connection to be closed")
    assert (await sender.send(_message(1))).delivered
    assert smtp.server.connections == 2, "the next message opened a new connection"
    await sender.close_idle(everything=True)
