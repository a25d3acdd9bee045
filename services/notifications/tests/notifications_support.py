"""A notifications service run in-process (so tests can move its clock) with a real SMTP server and chat receivers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from pacer_notifications.main import build
from pacer_notifications.settings import NotificationsSettings
from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock
from pacer_shared.events import CloudEvent, EventData, wrap
from pacer_shared.events.goals import GoalMissed
from pacer_shared.events.people import ChatHandles, PersonUpserted
from pacer_testkit.chat_receivers import Inbox
from pacer_testkit.outlets import Mailbox, outlets
from pacer_testkit.stack import Stack, bearer, eventually, in_process, producer, read_topic, roster_reached

ROSTER = [
    PersonUpserted(
        person_id="ann",
        display_name="Ann",
        email="ann@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
        timezone="Asia/Shanghai",
        locale="zh-CN",
    ),
    PersonUpserted(
        person_id="mia",
        display_name="Mia",
        email="mia@example.com",
        role="manager",
        team_id="north",
        timezone="Europe/Berlin",
        locale="en",
        chat=ChatHandles(dingtalk="mia-dt"),
    ),
    PersonUpserted(
        person_id="bob",
        display_name="Bob",
        email="bob@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
        timezone="Europe/Berlin",
        locale="en",
        chat=ChatHandles(feishu="bob-fs"),
    ),
    PersonUpserted(person_id="hana", display_name="Hana", email="hana@example.com", role="hr", timezone="UTC"),
]


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
class Notifier:
    stack: Stack
    namespace: str
    clock: ShiftedClock
    mailbox: Mailbox
    inbox: Inbox
    http: httpx.AsyncClient
    published: list[CloudEvent] = field(default_factory=list)
    app: Any = None
    """The service itself (its metrics port: `metrics_text`)."""

    async def publish(self, data: EventData, envelope: CloudEvent | None = None) -> CloudEvent:
        envelope = envelope or wrap(data, source="/tests", time=self.clock.now())
        async with producer(self.stack.kafka_bootstrap) as client:
            await client.send_and_wait(f"{self.namespace}.{data.topic}", envelope.to_json(), key=data.subject.encode())
        self.published.append(envelope)
        return envelope

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
        return response.json()  # type: ignore[no-any-return]

    async def notification_events(self, until: Any) -> list[dict[str, Any]]:
        records = await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.notifications.events", until)
        return [r.json() for r in records]


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def notifier(
    stack: Stack, namespace: str, clock: ShiftedClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Notifier]:
    async with outlets() as out:
        env = stack.service_env(
            namespace,
            "notifications",
            **out.env,
            PACER_NOTIFICATIONS_BACKOFF_BASE_SECONDS="0.05",
            PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS="0.1",
        )
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        service = build(NotificationsSettings(), clock)
        async with in_process(service) as http:
            notifier = Notifier(stack, namespace, clock, out.mailbox, out.inbox, http, app=service)
            for person in ROSTER:
                await notifier.publish(person)

            await roster_reached(http, [person.person_id for person in ROSTER])
            yield notifier
