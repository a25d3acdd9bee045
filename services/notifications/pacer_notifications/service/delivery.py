"""The delivery worker: sends due deliveries beside the consumers, retries, fails over, dead-letters.

Each delivery is claimed with a lease, so replicas never send the same one at once; the worker renews
the leases of everything it holds (being sent, or in line behind a slow chat) every housekeeping round,
so a long line is never taken over by another worker while this one lives. Several are sent
concurrently, so one slow webhook holds one slot, not the stream.
A send's bookkeeping (status, attempts, NotificationDelivered/Failed) is recorded in
one transaction after the channel answers, shared with the other sends that finished
meanwhile. A worker killed between a send and that record leaves a lease that expires
and the send is retried: the one window in which a message can go out twice.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from bson import ObjectId
from prometheus_client import Counter, Gauge, Histogram
from pymongo.errors import PyMongoError

from pacer_notifications.adapters.channels import email, user_text
from pacer_notifications.adapters.channels.chat import ADAPTERS, ChatEndpoint, ChatMessage, Mention, Outcome, plain_text
from pacer_notifications.adapters.repository import abandoned, delivery_of, digest_items, due
from pacer_notifications.domain.channels import Channel
from pacer_notifications.domain.delivery import Delivery, RetryPolicy, Status
from pacer_notifications.service.context import Notifications
from pacer_notifications.service.dead_letters import dead_letter_event
from pacer_notifications.service.handoff import DeliveryQueue
from pacer_notifications.service.rendering import Message, RenderError, markdown_to_html
from pacer_shared.events import EVENT_TYPES
from pacer_shared.logs import get_logger
from pacer_shared.mongo import Document, Session

log = get_logger(__name__)
LEASE = timedelta(seconds=60)
HOUSEKEEPING_SECONDS = 2.0
"""How often the worker also takes over abandoned sends and counts deferred messages."""
DIGEST_ITEMS = 500
"""Most items in one digest; the rest go in the next."""

DELIVERIES = Counter("pacer_notifications_total", "Notifications by channel and final outcome", ["channel", "outcome"])
ATTEMPTS = Counter("pacer_notification_attempts_total", "Send attempts by channel and result", ["channel", "result"])
LATENCY = Histogram(
    "pacer_notification_latency_seconds",
    "From the event's time to the message being accepted by the channel",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400),
)
DEFERRED = Gauge("pacer_notifications_deferred", "Messages waiting for quiet hours to end, a digest or a retry")
MANDATORY_UNDELIVERED = Counter(
    "pacer_notifications_mandatory_undelivered_total",
    "Messages of a mandatory type given up after every channel the recipient has failed",
    ["event_type"],
)


@dataclass
class _Record:
    """What the outcome of one send changes: the deliveries attempted (with the events they recorded) and the
    deliveries on the next channel of those that failed over."""

    attempted: list[Delivery] = field(default_factory=list)
    failovers: list[Delivery] = field(default_factory=list)
    written: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class DeliveryWorker:
    def __init__(self, notifications: Notifications) -> None:
        self._n = notifications
        for channel in Channel:  # at 0 from the start: increase() cannot see a counter's first sample
            for outcome in ("delivered", "failed"):
                DELIVERIES.labels(channel, outcome)
        for event_type in notifications.settings.mandatory_event_types:
            MANDATORY_UNDELIVERED.labels(event_type)
        self._running: set[asyncio.Task[None]] = set()
        self._saturated = False
        self._housekeeping_at = 0.0
        self._searched_at = 0.0
        self._queues: dict[str, list[list[Document]]] = {}
        self._records: list[_Record] = []
        self._writing = asyncio.Lock()
        settings = notifications.settings
        self._policy = RetryPolicy(
            settings.attempts_per_channel, settings.backoff_base_seconds, settings.backoff_max_seconds
        )
        self._held: dict[str, ObjectId] = {}
        """Deliveries this worker holds (in line or being sent), with the claim that took them."""
        self._lined: collections.Counter[str] = collections.Counter()
        """How many messages in line hold each delivery: two when an admin's retry reopened one still being sent."""
        self._sending: set[str] = set()
        """Deliveries whose send is under way."""

    async def run(self) -> None:
        try:
            while True:
                try:
                    claimed = await self._claim_and_start(due(self._n.runtime.clock.now()), self._n.queue)
                    if time.monotonic() - self._housekeeping_at > HOUSEKEEPING_SECONDS:
                        self._housekeeping_at = time.monotonic()
                        now = self._n.runtime.clock.now()
                        await self._n.repository.renew(set(self._held.values()), now, LEASE)
                        claimed += await self._claim_and_start(abandoned(now))
                        await self._n.mail.close_idle()
                        DEFERRED.set(await self._n.repository.deferred(now))
                except PyMongoError as error:
                    log.warning("delivery worker cannot reach MongoDB; retrying", error=str(error))
                    claimed = 0
                if not claimed:
                    await self._n.queue.wait(self._n.settings.delivery_poll_seconds)
        finally:
            await asyncio.gather(*self._running, return_exceptions=True)  # finish the sends in hand
            await self._n.http.aclose()
            await self._n.mail.close_idle(everything=True)

    async def _claim_and_start(self, query: Document, handed: DeliveryQueue | None = None) -> int:
        """Claim as many deliveries as there are free sending slots, and start sending them.

        Deliveries this replica just routed (`handed`) are claimed by id. Searching everything due costs the
        database time in proportion to the backlog, so it happens only when nothing handed over could be
        claimed, or once a poll interval (retries, quiet hours ending, other replicas' leftovers).
        """
        free = self._n.settings.delivery_concurrency - len(self._running)
        self._saturated = free <= 0
        if self._saturated:
            return 0
        now = self._n.runtime.clock.now()
        claimed: list[Document] = []
        while handed and not claimed and time.monotonic() - self._searched_at < self._n.settings.delivery_poll_seconds:
            ids = handed.take(free)
            claimed = await self._n.repository.claim_ids(ids, query, now, LEASE)
        if not claimed:
            self._searched_at = time.monotonic()
            claimed = await self._n.repository.claim(query, now, LEASE, free)
        messages: list[tuple[str, list[Document]]] = []
        digests: dict[str, list[Document]] = {}
        held = self._held
        for delivery in claimed:
            if delivery["_id"] in held and delivery["_id"] not in self._sending:
                held[delivery["_id"]] = delivery["claim"]  # its lease ran out while it waited: keep the one in line
                continue
            # Otherwise new, or reopened by an admin's retry while its failed send was still being written up: it
            # goes in line behind that send (sent at once, not after its lease ran out).
            key = f"{delivery['recipient_key']}:{delivery['channel']}"
            if delivery.get("digest") and key in digests:
                digests[key].append(delivery)
                continue
            message = [delivery]
            if delivery.get("digest"):
                # Claimed before the next claim, so one digest carries every due item of this person and channel.
                digests[key] = message
                message += await self._n.repository.claim(digest_items(delivery, now), now, LEASE, DIGEST_ITEMS)
            messages.append((key, message))
        # One task per person (or team) and channel sends in the order the messages fell due, so two messages to
        # the same chat never overtake each other; a chat already being sent to gets the new ones in line (no
        # await from here on, so no task ends between the look-up and the append).
        for key, message in messages:
            held.update((item["_id"], item["claim"]) for item in message)
            self._lined.update(item["_id"] for item in message)
            if key in self._queues:
                self._queues[key].append(message)
                continue
            self._queues[key] = [message]
            task = asyncio.create_task(self._deliver_in_order(key, self._queues[key]))
            self._running.add(task)
            task.add_done_callback(self._finished)
        return len(claimed)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._saturated:
            self._n.queue.wake()  # a slot is free: claim what waits
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery failed unexpectedly", error=repr(task.exception()))

    # ------------------------------------------------------------ one delivery

    async def _deliver_in_order(self, key: str, queue: list[list[Document]]) -> None:
        try:
            for items in queue:  # messages put in line while this runs are sent too
                self._sending.update(item["_id"] for item in items)
                try:
                    await self._deliver(items)
                finally:
                    for item in items:
                        self._sending.discard(item["_id"])
                        self._lined[item["_id"]] -= 1
                        if self._lined[item["_id"]] <= 0:
                            del self._lined[item["_id"]]
                            self._held.pop(item["_id"], None)
        finally:
            del self._queues[key]  # with no await since the last message: nothing is put in line and left

    async def _deliver(self, items: list[Document]) -> None:
        deliveries = [delivery_of(item) for item in items]
        data = [await self._opened(item) for item in items]
        try:
            message = self._render(items, data)
        except RenderError as error:
            outcome = Outcome(delivered=False, retryable=False, reason=str(error))
            await self._finish(deliveries, outcome, last_channel=True)
            return
        outcome = await self._send(items[0], message)
        ATTEMPTS.labels(
            items[0]["channel"], "ok" if outcome.delivered else "retry" if outcome.retryable else "fail"
        ).inc()
        # One message (a digest is many deliveries) is one send: the first delivery's tries decide for all.
        delay = deliveries[0].next_try_in(outcome, self._policy)
        if delay is None:
            await self._finish(deliveries, outcome)
            return
        now = self._n.runtime.clock.now()
        for delivery in deliveries:
            delivery.retry(outcome, now, timedelta(seconds=delay))
        await self._record(_Record(attempted=deliveries))

    async def _opened(self, item: Document) -> Document:
        """The event's data with its sealed texts opened (`EventData.sealing`), None where one was shredded meanwhile:
        opened for each send and never stored here in clear, so an erasure before the send leaves nothing readable."""
        event = item["event"]
        return await self._n.keys.open(EVENT_TYPES.get(event["type"]), event["data"])

    def _render(self, items: list[Document], data: list[Document]) -> Message:
        person = items[0].get("person")
        locale, zone = (person or {}).get("locale"), (person or {}).get("timezone")
        rendered = [self._render_one(item, opened, locale, zone) for item, opened in zip(items, data, strict=True)]
        if len(rendered) == 1 and not items[0].get("digest"):
            return rendered[0]
        return self._n.renderer.render("digest", locale, zone, items=rendered)

    def _render_one(self, item: Document, data: Document, locale: str | None, zone: str | None) -> Message:
        event = item["event"]
        return self._n.renderer.render(
            item["template"],
            locale,
            zone,
            data=data,
            event=event,
            about=item.get("about") or {},
            names={named["person_id"]: named["display_name"] for named in item.get("names") or []},
        )

    async def _send(self, delivery: Document, message: Message) -> Outcome:
        channel = delivery["channel"]
        person = delivery.get("person")
        try:
            if channel == "email":
                if person is None or not person.get("email"):
                    return Outcome(delivered=False, retryable=False, reason="no email address")
                try:
                    mail = email.compose(
                        self._n.settings.smtp_from,
                        person["display_name"],
                        person["email"],
                        user_text.plain(message.subject),
                        user_text.plain(message.body),
                        markdown_to_html(message.body),
                        delivery["_id"],
                        [] if delivery.get("digest") else _attachments(delivery),
                    )
                except ValueError as error:  # the same message fails the same way on every try: fail over now
                    return Outcome(delivered=False, retryable=False, reason=f"cannot be written as an email: {error}")
                return await self._n.mail.send(mail)
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
        person = delivery.get("person") or {}
        handle = (person.get("chat") or {}).get(channel)
        chat = ChatMessage(
            title=message.subject,
            markdown=message.body,
            plain=plain_text(message.body),
            event_type=delivery["event_type"],
            recipient_id=delivery["recipient_id"],
            notification_id=delivery["_id"],
            mention=Mention(handle, person.get("display_name") or handle) if handle else None,
        )
        request = adapter.build(chat, ChatEndpoint(channel, url, secret), self._n.runtime.clock.now())
        try:
            response = await self._n.http.post(request.url, content=request.body, headers=request.headers)
        except httpx.HTTPError as error:
            return Outcome(delivered=False, retryable=True, reason=f"{channel} unreachable: {error!r}")
        return adapter.judge(response.status_code, response.headers, response.content)

    # ------------------------------------------------------------ bookkeeping

    async def _finish(self, deliveries: list[Delivery], outcome: Outcome, *, last_channel: bool = False) -> None:
        """Delivered, or failed on this channel: fail over to the next one, or give up with a dead letter."""
        now = self._n.runtime.clock.now()
        failovers = [
            failover
            for delivery in deliveries
            if (failover := delivery.finish(outcome, now, last_channel=last_channel)) is not None
        ]
        await self._record(_Record(attempted=deliveries, failovers=failovers))
        for delivery in deliveries:
            if delivery.status is Status.DELIVERED:
                DELIVERIES.labels(delivery.channel, "delivered").inc()
                LATENCY.labels(delivery.channel).observe((now - delivery.occurred_at).total_seconds())
            elif delivery.status is Status.DEAD:
                await self._given_up(delivery, outcome)
        self._n.queue.hand(failover.id for failover in failovers)

    async def _given_up(self, delivery: Delivery, outcome: Outcome) -> None:
        DELIVERIES.labels(delivery.channel, "failed").inc()
        reason = outcome.reason
        if delivery.event_type in self._n.settings.mandatory_event_types:
            # Every channel the person has was tried (routing lists them all for mandatory types): say so
            # where operators look, the dead letter's reason, the log and a counter an alert watches.
            MANDATORY_UNDELIVERED.labels(delivery.event_type).inc()
            reason = f"mandatory {delivery.event_type} undeliverable on every channel; last: {outcome.reason}"
            log.error(
                "mandatory message undeliverable",
                delivery=delivery.id,
                event_id=delivery.event_id,
                channel=delivery.channel,
                reason=outcome.reason,
            )
        await dead_letter_event(
            self._n,
            delivery.message["event"],
            delivery.recipient_id,
            reason,
            "undeliverable",
            "delivery",
            {"delivery": delivery.id},
        )

    async def _record(self, record: _Record) -> None:
        """Write a send's outcome, together with every other outcome waiting, in one transaction (group commit).

        Whoever takes the writer's turn writes all records queued so far; the others find theirs written when
        their turn comes. Per message this saves the round trips of a transaction of its own (bench/PERFORMANCE.md).
        """
        self._records.append(record)
        async with self._writing:
            if not record.written.done():
                batch, self._records = self._records, []
                n = self._n

                async def work(session: Session) -> None:
                    await n.repository.record([d for r in batch for d in r.attempted], session)
                    await n.repository.add([failover for r in batch for failover in r.failovers], session)
                    n.runtime.uow.track(session, *(d for r in batch for d in r.attempted))

                try:
                    await n.runtime.uow.run(work)
                except Exception as error:
                    for r in batch:
                        r.written.set_exception(error)
                else:
                    for r in batch:
                        r.written.set_result(None)
        await record.written


def _attachments(delivery: Document) -> list[Document]:
    """What routing attached (a meeting's invitation it wrote), else the files the event itself carries (a team
    report; a meeting event of version 1, routed before notifications wrote invitations, still has its own)."""
    if "attachments" in delivery:
        return list(delivery["attachments"])
    return list(delivery["event"]["data"].get("attachments") or [])
