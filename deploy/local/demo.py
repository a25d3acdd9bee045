"""The demo behind `make run`: a small sales-support organisation living through a few minutes.

It seeds the roster into `org.people` (people.py: the organisation the test suites run with too), sets
goals with periods of a few minutes through the goals API, plays a CRM publishing `SalesActivityRecorded`
at each assistant's own pace, plays the people's side (story.py: review, feedback, kudos, an award, a bonus
plan), and draws a live view: each assistant's progress against pace, what happened, the bonus statements
and recognitions, and the feed of messages that reached the mail and chat sinks.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from crm import ZohoUser
from people import ROSTER, member
from rich.console import Group
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from story import Story

from pacer_shared.auth import Role, mint_local_token
from pacer_shared.events import EventData, wrap
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.settings import ServiceSettings

GOAL_MINUTES = 4


@dataclass(frozen=True)
class Assistant:
    person: PersonUpserted
    target: int
    calls_per_minute: float
    """The simulated CRM's pace for this person: decides who achieves, slips or misses."""


ASSISTANTS = [
    Assistant(member("ann"), target=12, calls_per_minute=5.0),
    Assistant(member("bob"), target=16, calls_per_minute=1.5),
    Assistant(member("cid"), target=10, calls_per_minute=3.2),
    Assistant(member("dan"), target=14, calls_per_minute=2.4),
    Assistant(member("eve"), target=8, calls_per_minute=0.6),
]


class Demo:
    def __init__(self, kafka: str, urls: Mapping[str, str], sinks_url: str, crm_url: str | None = None) -> None:
        self._kafka = kafka
        self._crm_user = ZohoUser(crm_url) if crm_url else None
        self._urls = urls
        self._goals = httpx.AsyncClient(base_url=urls["goals"], timeout=10)
        self._sinks = httpx.AsyncClient(base_url=sinks_url, timeout=5)
        settings = ServiceSettings()
        self._hr = {"Authorization": f"Bearer {mint_local_token(settings, 'demo', Role.HR)}"}
        self._goal_ids: dict[str, str] = {}

    async def run(self) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=self._kafka, acks="all", enable_idempotence=True)
        await self._producer.start()
        try:
            await self._seed_roster()
            start, end = await self._set_goals()
            self._story = Story(self._urls, start, end, GOAL_MINUTES, arrive=self._publish)
            with Live(self._view({}, [], []), refresh_per_second=2, screen=False) as live:
                tasks = [asyncio.create_task(self._crm()), asyncio.create_task(self._story.run())]
                try:
                    while True:
                        live.update(await self._snapshot())
                        await asyncio.sleep(1)
                finally:
                    for task in tasks:
                        task.cancel()
                    for task in tasks:
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                    await self._story.close()
        finally:
            await self._producer.stop()
            await self._goals.aclose()
            await self._sinks.aclose()
            if self._crm_user is not None:
                await self._crm_user.aclose()

    async def _publish(self, data: EventData) -> None:
        envelope = wrap(data, source="/demo", time=datetime.now(UTC))
        await self._producer.send_and_wait(data.topic, envelope.to_json(), key=data.subject.encode())

    async def _seed_roster(self) -> None:
        for person in ROSTER:
            await self._publish(person)
        for person_id in [person.person_id for person in ROSTER]:
            while (await self._goals.get(f"/v1/people/{person_id}", headers=self._hr)).status_code != 200:  # noqa: ASYNC110 - polling another process
                await asyncio.sleep(0.5)

    async def _set_goals(self) -> tuple[datetime, datetime]:
        start = datetime.now(UTC).replace(microsecond=0)
        end = start + timedelta(minutes=GOAL_MINUTES)
        for assistant in ASSISTANTS:
            body = {
                "owner_id": assistant.person.person_id,
                "title": "Customer calls" if assistant.person.locale == "en" else "客户电话",
                "metric": {"kinds": ["call"], "aggregation": "count"},
                "target": assistant.target,
                "unit": "calls",
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            response = await self._goals.post("/v1/goals", json=body, headers=self._hr)
            response.raise_for_status()
            self._goal_ids[assistant.person.person_id] = response.json()["goal_id"]
        return start, end

    async def _crm(self) -> None:
        """Each assistant's calls arrive as a Poisson process at their own rate: logged in the CRM, when the demo has
        one, else published as a company's own bridge would."""
        rng = random.Random(7)  # noqa: S311 - a repeatable demo, not security
        clocks = {a.person.person_id: rng.expovariate(a.calls_per_minute / 60) for a in ASSISTANTS}
        started = asyncio.get_running_loop().time()
        while True:
            person_id, due = min(clocks.items(), key=lambda item: item[1])
            await asyncio.sleep(max(0.0, started + due - asyncio.get_running_loop().time()))
            assistant = next(a for a in ASSISTANTS if a.person.person_id == person_id)
            customer = f"cust-{rng.randint(100, 999)}"
            if self._crm_user is not None:
                person = assistant.person
                owner = {"id": f"zu-{person.person_id}", "name": person.display_name, "email": str(person.email)}
                await self._crm_user.log_call(owner, f"Call with {customer}", datetime.now(UTC).isoformat())
            else:
                await self._publish(
                    SalesActivityRecorded(
                        activity_id=f"crm-{uuid.uuid4().hex[:12]}",
                        assistant_id=person_id,
                        kind="call",
                        occurred_at=datetime.now(UTC),
                        source_system="demo-crm",
                        customer_id=customer,
                    )
                )
            clocks[person_id] = due + rng.expovariate(assistant.calls_per_minute / 60)

    async def _snapshot(self) -> Group:
        goals = {}
        for person_id, goal_id in self._goal_ids.items():
            response = await self._goals.get(f"/v1/goals/{goal_id}", headers=self._hr)
            if response.status_code == 200:
                goals[person_id] = response.json()
        mail = (await self._sinks.get("/api/mail")).json()
        chat = (await self._sinks.get("/api/chat")).json()
        try:
            outcomes = await self._story.outcomes()
        except httpx.HTTPError:
            outcomes = []
        return self._view(goals, mail, chat, outcomes)

    def _view(self, goals: dict[str, Any], mail: list[Any], chat: list[Any], outcomes: Sequence[str] = ()) -> Group:
        source = "the CRM, through the connector" if self._crm_user is not None else "sales.activity"
        board = Table(title=f"Goals (live from {source})", expand=True)
        for column in ("assistant", "progress", "done", "pace", "status"):
            board.add_column(column)
        for assistant in ASSISTANTS:
            goal = goals.get(assistant.person.person_id)
            if goal is None:
                continue
            target, actual = float(goal["target"]), float(goal["actual"])
            expected = float(goal["expected_by_now"])
            status = goal["status"] + (" · at risk" if goal["at_risk"] else "")
            style = {"achieved": "green", "missed": "red"}.get(goal["status"], "yellow" if goal["at_risk"] else "white")
            board.add_row(
                assistant.person.display_name,
                ProgressBar(total=target, completed=min(actual, target), width=30),
                f"{actual:.0f}/{target:.0f}",
                f"expected {expected:.1f}",
                Text(status, style=style),
            )
        feed = Table(title="Messages delivered (mail and chat sinks)", expand=True)
        feed.add_column("when")
        feed.add_column("where")
        feed.add_column("what")
        entries = [(m["received_at"], f"email → {', '.join(m['to'])}", m["subject"]) for m in mail]
        entries += [(c["received_at"], f"chat → {c['channel']}", _chat_title(c["payload"])) for c in chat]
        for when, where, what in sorted(entries)[-12:]:
            feed.add_row(when[11:19], where, what)
        story = Table(title="What people did, and what Pacer made of it", expand=True, show_header=False)
        story.add_column("when")
        story.add_column("what")
        for when, what in getattr(getattr(self, "_story", None), "happened", []):
            story.add_row(when.strftime("%H:%M:%S"), what)
        for outcome in outcomes:
            story.add_row("", Text(outcome, style="cyan"))
        return Group(board, Panel(story), Panel(feed))


TITLE_PATHS: list[tuple[str | int, ...]] = [
    ("blocks", 0, "text", "text"),  # Slack's header block
    ("attachments", 0, "content", "body", 0, "text"),  # Teams' Adaptive Card
    ("card", "header", "title", "content"),  # Feishu
    ("markdown", "title"),  # DingTalk
    ("markdown", "content"),  # WeCom
    ("title",),  # Pacer's webhook
]


def _chat_title(payload: Any) -> str:
    """The headline of a chat post, whichever vendor's shape it has."""
    for path in TITLE_PATHS:
        value: Any = payload
        for key in path:
            value = _step(value, key)
        if isinstance(value, str):
            return value.lstrip("# ").splitlines()[0][:80]
    return str(payload)[:80]


def _step(value: Any, key: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and key < len(value):
        return value[key]
    return None
