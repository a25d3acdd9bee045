"""The delivery worker: sends due deliveries beside the consumers, retries, fails over, dead-letters.

Each delivery is claimed with a lease, so replicas never send the same one at once;
several are sent concurrently, so one slow webhook holds one slot, not the stream.
A send and its bookkeeping (status, attempts, NotificationDelivered/Failed) are
recorded in one transaction after the channel answers. A worker killed between a
send and that record leaves a lease that expires and the send is retried: the one
window in which a message can go out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from prometheus_client import Counter, Gauge, Histogram
from pymongo.errors import PyMongoError

from pacer_notifications.adapters.repository import delivery_id
from pacer_notifications.channels import email
from pacer_notifications.channels.chat import ADAPTERS, ChatEndpoint, ChatMessage, Outcome
from pacer_notifications.domain.backoff import retry_delay
from pacer_notifications.service.context import Notifications
from pacer_notifications.service.rendering import Message, RenderError, markdown_to_html
from pacer_notifications.service.routing import route
from pacer_shared.consumer import dead_letter
from pacer_shared.events import CloudEvent
from pacer_shared.events.notifications import NotificationDelivered, NotificationFailed
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session
from pacer_shared.topics import NOTIFICATIONS_EVENTS

log = get_logger(__name__)
LEASE = timedelta(seconds=60)
PARKED_RETRY_SECONDS = 2.0

DELIVERIES = Counter("pacer_notifications_total", "Notifications by channel and final outcome", ["channel", "outcome"])
ATTEMPTS = Counter("pacer_notification_attempts_total", "Send attempts by channel and result", ["channel", "result"])
LATENCY = Histogram(
    "pacer_notification_latency_seconds",
    "From the event's time to the message being accepted by the channel",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400),
)
DEFERRED = Gauge("pacer_notifications_deferred", "Messages waiting for quiet hours to end, a digest or a retry")


@dataclass(frozen=True)
class Sent:
    outcome: Outcome
    message: Message | None


class DeliveryWorker:
    def __init__(self, notifications: Notifications) -> None:
        self._n = notifications
        self._slots = asyncio.Semaphore(notifications.settings.delivery_concurrency)
        self._running: set[asyncio.Task[None]] = set()
        self._parked_checked = 0.0

    async def run(self) -> None:
        try:
            while True:
                try:
                    claimed = await self._claim_and_start()
                    if time.monotonic() - self._parked_checked > PARKED_RETRY_SECONDS:
                        self._parked_checked = time.monotonic()
                        await self._retry_parked()
                    DEFERRED.set(await self._n.repository.deferred(self._n.runtime.clock.now()))
                except PyMongoError as error:
                    log.warning("delivery worker cannot reach MongoDB; retrying", error=str(error))
                    claimed = 0
                if not claimed:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(
                            self._n.deliveries_waiting.wait(), self._n.settings.delivery_poll_seconds
                        )
                    self._n.deliveries_waiting.clear()
        finally:
            await asyncio.gather(*self._running, return_exceptions=True)  # finish the sends in hand
            await self._n.http.aclose()

    async def _claim_and_start(self) -> int:
        claimed = 0
        while not self._slots.locked():
            delivery = await self._n.repository.claim(self._n.runtime.clock.now(), LEASE)
            if delivery is None:
                break
            claimed += 1
            items = [delivery]
            if delivery.get("digest"):
                # Claimed here, before the next claim, so one digest carries every due item of this person and channel.
                items += await self._n.repository.claim_digest_items(delivery, self._n.runtime.clock.now(), LEASE)
            await self._slots.acquire()
            task = asyncio.create_task(self._deliver(items))
            self._running.add(task)
            task.add_done_callback(self._finished)
        return claimed

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery failed unexpectedly", error=repr(task.exception()))

    # ------------------------------------------------------------ one delivery

    async def _deliver(self, items: list[Document]) -> None:
        delivery = items[0]
        try:
            message = self._render(items)
        except RenderError as error:
            await self._finish(items, Outcome(delivered=False, retryable=False, reason=str(error)), final=True)
            return
        outcome = await self._send(delivery, message)
        ATTEMPTS.labels(
            delivery["channel"], "ok" if outcome.delivered else "retry" if outcome.retryable else "fail"
        ).inc()
        attempts = len(delivery.get("attempts", [])) + 1
        if outcome.delivered or not outcome.retryable or attempts >= self._n.settings.attempts_per_channel:
            await self._finish(items, outcome, final=False)
        else:
            await self._schedule_retry(items, outcome, attempts)

    def _render(self, items: list[Document]) -> Message:
        person = items[0].get("person")
        locale, zone = (person or {}).get("locale"), (person or {}).get("timezone")
        rendered = [self._render_one(item, locale, zone) for item in items]
        if len(rendered) == 1 and not items[0].get("digest"):
            return rendered[0]
        return self._n.renderer.render("digest", locale, zone, items=rendered)

    def _render_one(self, item: Document, locale: str | None, zone: str | None) -> Message:
        event = item["event"]
        return self._n.renderer.render(
            item["template"], locale, zone, data=event["data"], event=event, about=item.get("about") or {}
        )

    async def _send(self, delivery: Document, message: Message) -> Outcome:
        channel = delivery["channel"]
        person = delivery.get("person")
        try:
            if channel == "email":
                if person is None or not person.get("email"):
                    return Outcome(delivered=False, retryable=False, reason="no email address")
                return await email.send(
                    self._n.smtp(),
                    email.compose(
                        self._n.settings.smtp_from,
                        person["display_name"],
                        person["email"],
                        message.subject,
                        message.body,
                        markdown_to_html(message.body),
                        delivery["_id"],
                    ),
                )
            return await self._post_chat(delivery, message)
        except Exception as error:  # a channel must never take the worker down
            log.exception("send failed", delivery=delivery["_id"])
            return Outcome(delivered=False, retryable=True, reason=f"unexpected error: {error!r}")

    async def _post_chat(self, delivery: Document, message: Message) -> Outcome:
        team_id = delivery["recipient_id"] if delivery["recipient_key"].startswith("team:") else None
        endpoint = self._n.settings.endpoint(delivery["channel"], team_id=team_id)
        if endpoint is None:
            return Outcome(delivered=False, retryable=False, reason=f"no {delivery['channel']} endpoint configured")
        channel, url, secret = endpoint
        adapter = ADAPTERS[channel]
        handle = ((delivery.get("person") or {}).get("chat") or {}).get(channel)
        body = f"@{handle} {message.body}" if handle else message.body
        chat = ChatMessage(
            title=message.subject,
            markdown=body,
            plain=body,
            event_type=delivery["event_type"],
            recipient_id=delivery["recipient_id"],
            notification_id=delivery["_id"],
        )
        request = adapter.build(chat, ChatEndpoint(channel, url, secret), self._n.runtime.clock.now())
        try:
            response = await self._n.http.post(request.url, content=request.body, headers=request.headers)
        except httpx.HTTPError as error:
            return Outcome(delivered=False, retryable=True, reason=f"{channel} unreachable: {error!r}")
        return adapter.judge(response.status_code, response.headers, response.content)

    # ------------------------------------------------------------ bookkeeping

    async def _schedule_retry(self, items: list[Document], outcome: Outcome, attempts: int) -> None:
        now = self._n.runtime.clock.now()
        settings = self._n.settings
        delay = retry_delay(attempts, settings.backoff_base_seconds, settings.backoff_max_seconds, outcome.retry_after)

        async def work(session: Session) -> None:
            await self._n.repository.update(
                [i["_id"] for i in items],
                {
                    "$set": {
                        "status": "pending",
                        "due_at": now + timedelta(seconds=delay),
                        "last_error": outcome.reason,
                    },
                    "$push": {"attempts": _attempt(now, outcome)},
                },
                session,
            )

        await self._n.runtime.uow.run(work)

    async def _finish(self, items: list[Document], outcome: Outcome, final: bool) -> None:
        """Delivered, or failed on this channel: fail over to the next one, or give up with a dead letter."""
        now = self._n.runtime.clock.now()
        first = items[0]
        fallbacks = [] if final else list(first.get("fallbacks", []))
        n = self._n

        async def work(session: Session) -> None:
            status = "delivered" if outcome.delivered else "failed" if fallbacks else "dead"
            await n.repository.update(
                [i["_id"] for i in items],
                {
                    "$set": {
                        "status": status,
                        "finished_at": now,
                        "last_error": None if outcome.delivered else outcome.reason,
                    },
                    "$push": {"attempts": _attempt(now, outcome)},
                },
                session,
            )
            for item in items:
                await self._announce(item, outcome, status, now, session)
            if status == "failed":
                await n.repository.add([_failover(item, fallbacks, now) for item in items], session)

        await n.runtime.uow.run(work)
        if not outcome.delivered and fallbacks:
            n.deliveries_waiting.set()
        if not outcome.delivered and not fallbacks:
            for item in items:
                await self._dead_letter(
                    item["event"], str(item["recipient_id"]), outcome.reason, "undeliverable", {"delivery": item["_id"]}
                )

    async def _announce(self, item: Document, outcome: Outcome, status: str, now: datetime, session: Session) -> None:
        if status == "failed":
            return  # the next channel may still deliver it
        common: dict[str, Any] = {
            "notification_id": item["_id"],
            "recipient_id": item["recipient_id"],
            "channel": item["channel"],
            "cause_event_id": item["event_id"],
            "cause_event_type": item["event_type"],
            "attempts": len(item.get("attempts", [])) + 1,
        }
        if outcome.delivered:
            DELIVERIES.labels(item["channel"], "delivered").inc()
            LATENCY.labels(item["channel"]).observe(
                (now - datetime.fromisoformat(item["event"]["time"])).total_seconds()
            )
            await self._n.runtime.outbox.add(session, NotificationDelivered(**common, delivered_at=now))
        else:
            DELIVERIES.labels(item["channel"], "failed").inc()
            await self._n.runtime.outbox.add(session, NotificationFailed(**common, error=outcome.reason[:1000]))

    async def _dead_letter(self, event: Document, key: str, reason: str, kind: str, origin: dict[str, str]) -> None:
        await dead_letter(
            self._n.runtime.producer,
            self._n.runtime.topics.dlq(NOTIFICATIONS_EVENTS),
            CloudEvent.model_validate(event).to_json(),
            key.encode(),
            reason=reason,
            kind=kind,
            service="notifications",
            consumer="delivery",
            at=self._n.runtime.clock.now(),
            origin=origin,
        )

    async def _retry_parked(self) -> None:
        """Events waiting for their people: route them now, or dead-letter them once they waited too long."""
        n = self._n
        now = n.runtime.clock.now()
        for parked in await n.repository.parked.find().sort("parked_at", 1).limit(50).to_list():
            envelope = CloudEvent.model_validate(parked["event"])
            routed = await n.runtime.uow.run(functools.partial(route, n, envelope))
            if not routed and parked["expires_at"] <= now:
                await self._dead_letter(
                    parked["event"], envelope.subject or "", str(parked.get("reason", "")), "unknown-person", {}
                )
                await n.repository.parked.delete_one({"_id": parked["_id"]})


def _attempt(now: datetime, outcome: Outcome) -> Document:
    return {"at": now, "delivered": outcome.delivered, "retryable": outcome.retryable, "reason": outcome.reason}


def _failover(item: Document, fallbacks: list[str], now: datetime) -> Document:
    channel, rest = fallbacks[0], fallbacks[1:]
    copy = {
        k: v for k, v in item.items() if k not in ("attempts", "status", "lease_until", "last_error", "finished_at")
    }
    return {
        **copy,
        "_id": delivery_id(item["event_id"], item["recipient_key"], channel),
        "channel": channel,
        "fallbacks": rest,
        "status": "pending",
        "attempts": [],
        "due_at": now,
        "failed_over_from": item["channel"],
    }
