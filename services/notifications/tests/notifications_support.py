"""A notifications service run in-process (so tests can move its clock) with a real SMTP server and chat receivers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest

from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock
from pacer_shared.events import CloudEvent, EventData
from pacer_shared.events.goals import GoalMissed
from pacer_shared.events.people import ChatHandles
from pacer_testkit.chat_receivers import Inbox
from pacer_testkit.outlets import Mailbox, outlets
from pacer_testkit.roster import roster_with
from pacer_testkit.stack import bearer, eventually, producer
from pacer_testkit.world import RunningService, ServiceWorld

ROSTER = roster_with(bob={"chat": ChatHandles(feishu="bob-fs")})
"""Bob reads his messages in Feishu here, so one person of team north is reached by a chat of their own."""
TUNING = {"PACER_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05", "PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS": "0.1"}


token = bearer


def goal_missed(owner: str = "ann", title: str = "Calls this week") -> GoalMissed:
    now = datetime.now(UTC)
    return GoalMissed(
        goal_id=f"g-{title}",
        owner_id=owner,
        title=title,
        period_start=now,
        period_end=now,
        target=Decimal(40),
        actual=Decimal(31),
        shortfall=Decimal(9),
        attainment=Decimal("0.775"),
        unit="calls",
    )


@dataclass
class Notifier(ServiceWorld):
    clock: ShiftedClock = field(default_factory=ShiftedClock)
    mailbox: Mailbox = field(default_factory=Mailbox)
    inbox: Inbox = field(default_factory=Inbox)

    def now(self) -> datetime:
        return self.clock.now()

    async def redeliver(self, data: EventData, envelope: CloudEvent) -> None:
        """The event again, in the envelope it was first published in, as the broker redelivers it."""
        async with producer(self.stack.kafka_bootstrap) as client:
            await self.produce(client, data, envelope)

    async def mail_to(self, address: str, count: int = 1) -> list[EmailMessage]:
        async def arrived() -> list[EmailMessage] | None:
            found = self.mailbox.to(address)
            return found if len(found) >= count else None

        return await eventually(arrived, what=f"{count} email(s) to {address}")

    async def posts(self, channel: str, count: int = 1) -> list[Any]:
        async def arrived() -> list[Any] | None:
            found = self.inbox.of(channel)
            return found if len(found) >= count else None

        return await eventually(
            arrived, what=f"{count} post(s) to {channel} (refused so far: {self.inbox.rejected_of(channel)})"
        )

    async def deliveries(self, person_id: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"/v1/deliveries?person_id={person_id}", headers=token("hana", Role.HR))
        assert response.status_code == 200, response.text
        return response.json()["items"]  # type: ignore[no-any-return]

    async def notification_events(self, until: Any) -> list[dict[str, Any]]:
        return await self.events(until)


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def notifier(running_service: RunningService, clock: ShiftedClock) -> AsyncIterator[Notifier]:
    async with (
        outlets() as out,
        running_service.in_process(
            "notifications", lambda: build(NotificationsSettings(), clock), ROSTER, world=Notifier, **out.env, **TUNING
        ) as notifier,
    ):
        notifier.clock, notifier.mailbox, notifier.inbox = clock, out.mailbox, out.inbox
        yield notifier
