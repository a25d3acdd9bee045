"""End-to-end latency: sales events at a fixed offered rate, a share of which complete a goal; time from the
completing event's publication to the team chat receiving its GoalAchieved message.

The path measured is the real one: sales.activity → goals (progress, outbox) → goals.events → notifications
(routing, delivery) → an HTTP chat receiver. The baseline is one produce→consume hop on the same broker, at the
same rate and with payloads of the same size.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer

from bench.scenarios import receivers
from bench.scenarios.common import Bench, Figure, note, percentiles, result, scratch, services
from bench.scenarios.kafka import event, producer
from bench.scenarios.population import goal_document, insert_goals, publish_roster
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.roster import person
from pacer_testkit.stack import Stack, create_topics, eventually

CLOSED = re.compile(r"bench-close-(\d+)")
Offer = list[tuple[bytes, bytes, int | None]]
"""(key, value, the closer whose goal this event completes, if any), in the order they are published."""


async def run(bench: Bench, rate: float, seconds: float, share: float) -> dict[str, Any]:
    total = max(1, round(rate * seconds))
    every = max(1, round(1 / share))
    closers, callers = total // every, 10 if bench.quick else 50
    async with scratch(bench) as namespace, receivers.running() as landed:
        team_chat = {"bench": {"channel": "webhook", "url": f"{landed.chat_url}/webhook"}}
        notifications = {
            "PACER_NOTIFICATIONS_SMTP_PORT": str(landed.smtp_port),
            "PACER_NOTIFICATIONS_TEAM_CHANNELS": json.dumps(team_chat),
        }
        async with services(bench, namespace, {"goals": {}, "notifications": notifications}) as running:
            roster = [
                person("m0", "manager", team_id="bench"),
                *(person(f"c{j}", "assistant", "m0", "bench") for j in range(closers)),
                *(person(f"b{k}", "assistant", "m0", "bench") for k in range(callers)),
            ]
            await publish_roster(bench, namespace, roster, reaching=list(running))
            now = datetime.now(UTC)
            start, end = now - timedelta(hours=1), now + timedelta(days=1)
            await insert_goals(
                bench,
                namespace,
                chain(
                    (
                        goal_document(
                            f"close-{j}",
                            f"c{j}",
                            kinds=["deal_closed"],
                            target=1,
                            start=start,
                            end=end,
                            title=f"bench-close-{j}",
                        )
                        for j in range(closers)
                    ),
                    (goal_document(f"calls-{k}", f"b{k}", target=10**9, start=start, end=end) for k in range(callers)),
                ),
            )
            offer = _sales(total, every, callers, now)
            note(f"latency: offering {total:,} sales events at {rate:g}/s")
            published, offered_seconds = await _publish_paced(bench.stack, f"{namespace}.sales.activity", offer, rate)

            async def all_arrived() -> bool:
                return len(landed.posts) >= closers

            await eventually(all_arrived, timeout=120 + total / 20, what=f"{closers} GoalAchieved in the team chat")
            pacer = [
                arrived - published[int(found.group(1))]
                for post, arrived in zip(landed.posts, landed.posts.arrived, strict=True)
                if (found := CLOSED.search(json.dumps(post.payload)))
            ]
        hop = await _hop(bench.stack, f"{namespace}.hop", rate, max(closers, 200), offer[0][1])
    ours, theirs = percentiles(pacer), percentiles(hop)
    figures = [
        Figure(
            f"p{p} sales event → GoalAchieved in the team chat",
            "ms",
            ours[p] * 1000,
            theirs[p] * 1000,
            "one produce→consume hop",
            "< 500 ms" if p == 99 else "",
        )
        for p in (50, 95, 99)
    ]
    return result(
        "latency",
        figures,
        offered_rate=rate,
        achieved_rate=round(total / offered_seconds, 1),
        events=total,
        goals_achieved=closers,
        messages_timed=len(pacer),
        pacer_max_ms=round(max(pacer) * 1000, 1),
        pacer_mean_ms=round(statistics.fmean(pacer) * 1000, 1),
        hop_messages=len(hop),
    )


def _sales(total: int, every: int, callers: int, now: datetime) -> Offer:
    """Every `every`-th event closes a deal that completes its assistant's goal; the rest are calls."""
    offer: Offer = []
    for i in range(total):
        closer = i // every if i % every == every - 1 else None
        assistant, kind = (f"c{closer}", "deal_closed") if closer is not None else (f"b{i % callers}", "call")
        sale = SalesActivityRecorded(
            activity_id=f"act-{i}", assistant_id=assistant, kind=kind, occurred_at=now, source_system="bench"
        )
        offer.append((assistant.encode(), event(sale), closer))
    return offer


async def _publish_paced(stack: Stack, topic: str, offer: Offer, rate: float) -> tuple[dict[int, float], float]:
    """Publish at the offered rate; when each closing event was handed to the producer, and how long it all took."""
    client = producer(stack)
    await client.start()
    published: dict[int, float] = {}
    loop = asyncio.get_running_loop()
    begin = loop.time()
    try:
        sent = []
        for i, (key, value, closer) in enumerate(offer):
            if (wait := begin + i / rate - loop.time()) > 0:
                await asyncio.sleep(wait)  # the offered rate's clock, not a wait for anything to happen
            stamp = time.time()
            sent.append(await client.send(topic, value, key=key))
            if closer is not None:
                published[closer] = stamp
        await asyncio.gather(*sent)
    finally:
        await client.stop()
    return published, loop.time() - begin


async def _hop(stack: Stack, topic: str, rate: float, count: int, payload: bytes) -> list[float]:
    """Seconds from send to receipt of `count` messages published at `rate` to a consumer already reading."""
    await create_topics(stack.kafka_bootstrap, [topic])
    client = producer(stack)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=stack.kafka_bootstrap, auto_offset_reset="earliest")
    seen: list[float] = []
    warm_ups: list[int] = []
    reader: asyncio.Task[None] | None = None

    async def read() -> None:
        while len(seen) < count:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                received = time.time()
                for message in messages:
                    sent = dict(message.headers).get("sent")
                    if sent is None:
                        warm_ups.append(message.partition)
                    else:
                        seen.append(received - float(sent))

    await client.start()
    try:
        # One acknowledged message per partition: each has its leader before the consumer asks for offsets.
        partitions = sorted(await client.partitions_for(topic))
        for partition in partitions:
            await client.send_and_wait(topic, payload, partition=partition)
        await consumer.start()
        reader = asyncio.create_task(read())

        async def warm() -> bool:
            return len(warm_ups) == len(partitions)

        await eventually(warm, timeout=60, what="the hop consumer reading every partition")
        loop = asyncio.get_running_loop()
        begin = loop.time()
        for i in range(count):
            if (wait := begin + i / rate - loop.time()) > 0:
                await asyncio.sleep(wait)
            await client.send(topic, payload, key=f"k{i}".encode(), headers=[("sent", repr(time.time()).encode())])
        async with asyncio.timeout(60 + count / rate):
            await reader
    finally:
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        await client.stop()
        await consumer.stop()
    return seen
