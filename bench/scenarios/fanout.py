"""Notification fan-out: GoalAchieved events become messages to the assistant, their manager and their team chat,
with each person's preferences applied; messages per second from the first event published to the last message
accepted by the local SMTP and chat receivers (which check each vendor's payload and signature).

People differ: chat handles on Slack, Teams, DingTalk, Feishu or none; chat first, email only, GoalAchieved turned
off, or no preferences at all; team chats on WeCom. The baseline sends the very messages Pacer delivered again
with bare httpx and aiosmtplib (bench/baselines/sender.py, its own process), with as many in flight as Pacer's
delivery worker (8 by default): the cost of sending alone, without consuming, routing, rendering or bookkeeping.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.scenarios import receivers
from bench.scenarios.common import Bench, Figure, note, result, scratch, services
from bench.scenarios.kafka import event, produce
from bench.scenarios.population import ADMIN, publish_roster
from pacer_shared.events.goals import GoalAchieved
from pacer_shared.events.people import ChatHandles, PersonUpserted
from pacer_testkit.roster import person
from pacer_testkit.stack import ROOT, eventually

SENDER = ROOT / "bench" / "baselines" / "sender.py"
CHATS = ("slack", "teams", "dingtalk", "feishu", None)
CONCURRENCY = 8  # the notifications service's default DELIVERY_CONCURRENCY


async def run(bench: Bench, events: int, people: int) -> dict[str, Any]:
    teams = max(1, people // 10)
    async with scratch(bench) as namespace, receivers.running() as landed:
        async with services(bench, namespace, {"notifications": _settings(landed, teams)}) as running:
            notifications = running["notifications"]
            assistants = [_assistant(i, teams) for i in range(people)]
            roster = [person(f"m{t}", "manager", team_id=f"t{t}") for t in range(teams)] + assistants
            await publish_roster(bench, namespace, roster, reaching=["notifications"])
            await _set_preferences(notifications.url, people)
            expected = sum(2 + (i % people % 4 != 2) for i in range(events))  # manager + team chat + the assistant
            achieved = [_achieved(i % people) for i in range(events)]
            started = time.time()
            await produce(bench.stack, f"{namespace}.goals.events", ((a.owner_id.encode(), event(a)) for a in achieved))
            pacer_last = await _last_arrival(landed, expected, events)
        if landed.inbox.rejected:
            raise AssertionError(f"receivers refused Pacer's messages: {landed.inbox.rejected[:3]}")
        note(f"fanout: Pacer delivered {expected:,} messages; now the bare sender")
        jobs = _same_messages(landed)
        everything = landed.received() + len(jobs)
        baseline_started = await _send_bare(bench, namespace, jobs, landed.smtp_port)
        baseline_last = await _last_arrival(landed, everything, events)
    pacer_rate = expected / (pacer_last - started)
    bare_rate = len(jobs) / (baseline_last - baseline_started)
    emails = sum(1 for job in jobs if "sender" in job)
    return result(
        "fanout",
        [Figure("messages delivered", "messages/s", pacer_rate, bare_rate, "bare httpx/aiosmtplib sender")],
        events=events,
        people=people,
        messages=expected,
        emails=emails,
        chat_posts=expected - emails,
        concurrency=CONCURRENCY,
    )


def _settings(landed: receivers.Receivers, teams: int) -> dict[str, str]:
    chat, secrets = landed.chat_url, receivers.SECRETS
    endpoints = {
        "slack": {"url": f"{chat}/slack"},
        "teams": {"url": f"{chat}/teams"},
        "dingtalk": {"url": f"{chat}/dingtalk?access_token=bench-robot", "secret": secrets["dingtalk"]},
        "feishu": {"url": f"{chat}/feishu", "secret": secrets["feishu"]},
    }
    team_chats = {f"t{t}": {"channel": "wecom", "url": f"{chat}/wecom?key={secrets['wecom']}"} for t in range(teams)}
    return {
        "PACER_NOTIFICATIONS_SMTP_PORT": str(landed.smtp_port),
        "PACER_NOTIFICATIONS_CHAT_ENDPOINTS": json.dumps(endpoints),
        "PACER_NOTIFICATIONS_TEAM_CHANNELS": json.dumps(team_chats),
        "PACER_NOTIFICATIONS_DELIVERY_CONCURRENCY": str(CONCURRENCY),
    }


def _assistant(i: int, teams: int) -> PersonUpserted:
    chat = CHATS[i % len(CHATS)]
    handles = ChatHandles(**{chat: f"a{i}-{chat}"}) if chat else ChatHandles()
    return person(f"a{i}", "assistant", f"m{i % teams}", f"t{i % teams}", chat=handles)


async def _set_preferences(url: str, people: int) -> None:
    """A quarter each: chat first, email only, GoalAchieved turned off, never set (chat if they have it)."""
    slots = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def save(i: int) -> None:
            chat = CHATS[i % len(CHATS)]
            choices: list[dict[str, Any]] = [
                {"channels": [chat, "email"] if chat else ["email"]},
                {"channels": ["email"]},
                {"disabled": {"GoalAchieved": ["*"]}},
            ]
            preferences = choices[i % 4]
            async with slots:
                (await http.put(f"/v1/preferences/a{i}", json=preferences, headers=ADMIN)).raise_for_status()

        await asyncio.gather(*(save(i) for i in range(people) if i % 4 != 3))


def _achieved(i: int) -> GoalAchieved:
    now = datetime.now(UTC)
    return GoalAchieved(
        goal_id=f"g-a{i}-{now.timestamp()}",
        owner_id=f"a{i}",
        title="Calls this week",
        period_start=now - timedelta(days=3),
        period_end=now + timedelta(days=4),
        target=Decimal(40),
        actual=Decimal(40),
        achieved_at=now,
        attainment=Decimal(1),
    )


async def _last_arrival(landed: receivers.Receivers, count: int, events: int) -> float:
    """When the `count`-th message arrived at the receivers (mail and chat together)."""

    async def arrived() -> bool:
        return landed.received() >= count

    await eventually(arrived, timeout=120 + events, what=f"{count} messages at the receivers")
    stamps = sorted([*landed.posts.arrived, *(mail.received_at for mail in landed.mailbox.messages)])
    return stamps[count - 1]


def _same_messages(landed: receivers.Receivers) -> list[dict[str, Any]]:
    """What Pacer delivered, as requests a bare sender can repeat (signatures stay valid for an hour)."""
    posts: list[tuple[float, dict[str, Any]]] = [
        (
            arrived,
            {
                "url": f"{landed.chat_url}/{post.channel}?{urlencode(post.query)}",
                "body": json.dumps(post.payload, ensure_ascii=False),
            },
        )
        for post, arrived in zip(landed.posts, landed.posts.arrived, strict=True)
    ]
    mails: list[tuple[float, dict[str, Any]]] = [
        (
            mail.received_at,
            {"sender": mail.sender, "recipients": mail.recipients, "content": base64.b64encode(mail.content).decode()},
        )
        for mail in landed.mailbox.messages
    ]
    return [job for _, job in sorted([*posts, *mails], key=lambda pair: pair[0])]


async def _send_bare(bench: Bench, namespace: str, jobs: list[dict[str, Any]], smtp_port: int) -> float:
    path = bench.log_dir / f"sender-{namespace}.json"
    path.write_text(json.dumps({"concurrency": CONCURRENCY, "smtp_port": smtp_port, "messages": jobs}))
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SENDER), str(path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    async with asyncio.timeout(120 + len(jobs)):
        out, err = await process.communicate()
    if process.returncode != 0:
        raise AssertionError(f"the bare sender failed: {err.decode()[-2000:]}")
    return float(json.loads(out)["started"])
