"""A Zoho CRM connection's loop: keep the notification channel alive, catch up on records and deletions, repeat;
and what a notification callback does.

Catch-up is also the backfill: the first run has no `since` and reads every record. Each page is applied with the
cursor that comes after it, so a run killed half-way resumes at its page token; the callbacks only make changes
arrive sooner, and a lost one is caught up by the next pass.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from pacer_connectors.adapters.repository import Cursor
from pacer_connectors.adapters.zoho import ZohoClient, ZohoError, ZohoRefused
from pacer_connectors.domain.mapping import ObjectRule, ZohoSettings
from pacer_connectors.domain.records import Deletion
from pacer_connectors.service.crm_roster import publish_roster
from pacer_connectors.service.loop import sync_forever
from pacer_connectors.service.sync import Sync
from pacer_shared.logs import get_logger

log = get_logger(__name__)

RENEW_EARLY = timedelta(seconds=1)
"""A channel is renewed from this long before half its life: a loop woken for it at that moment always renews."""
OVERLAP = timedelta(seconds=1)
"""Zoho's modification times have whole seconds: the next run starts one second before the newest seen, so a record
changed in that same second after the read is not missed. What is read twice is de-duplicated by fingerprint."""


class CallbackRefused(Exception):
    """A callback that does not carry this connection's channel and token."""


@dataclass
class ZohoConnector:
    sync: Sync
    client: ZohoClient
    channel_token: str | None
    retry_seconds: float
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    channel_expires: datetime | None = None

    @property
    def settings(self) -> ZohoSettings:
        assert self.sync.connection.zoho is not None
        return self.sync.connection.zoho

    async def run(self) -> None:
        try:
            await sync_forever(
                self.sync,
                self.one_pass,
                (ZohoError, httpx.HTTPError),
                self.retry_seconds,
                self.wake,
                self.renewal_due,
            )
        finally:
            await self.client.aclose()

    async def one_pass(self) -> None:
        await self.keep_channel()
        # The roster first: a user it has just published owns records that the catch-up below maps to them at once.
        await publish_roster(self.sync, self.client)
        for rule in self.sync.connection.objects:
            await self.catch_up(rule)
            await self.catch_up_deletions(rule)

    def renewal_due(self) -> float | None:
        """Seconds until the channel is renewed (half its life), which the loop waits no longer than, however long
        `poll_seconds` is: a channel may live an hour, a poll be longer. None: no channel (yet) to renew."""
        renew_at = self._renew_at()
        return None if renew_at is None else max((renew_at - datetime.now(UTC)).total_seconds(), 0.0)

    def _renew_at(self) -> datetime | None:
        s = self.settings
        if not s.notify_url or self.channel_token is None or self.channel_expires is None:
            return None
        return self.channel_expires - timedelta(hours=s.channel_hours) / 2

    async def keep_channel(self) -> None:
        """Subscribe to the objects' changes, again once half the channel's life has passed (Zoho drops it after)."""
        s = self.settings
        if not s.notify_url or self.channel_token is None:
            return
        now = datetime.now(UTC)
        renew_at = self._renew_at()
        if renew_at is not None and now < renew_at - RENEW_EARLY:
            return
        expires = now + timedelta(hours=s.channel_hours)
        events = [f"{rule.object}.all" for rule in self.sync.connection.objects]
        await self.client.watch(s.channel_id, events, s.notify_url, self.channel_token, expires)
        self.channel_expires = expires
        await self.sync.repository.note_channel(self.sync.connection.id, expires)
        log.info("zoho channel subscribed", connection=self.sync.connection.id, expires=expires.isoformat())

    async def catch_up(self, rule: ObjectRule) -> None:
        repository = self.sync.repository
        cursor = await repository.cursor(self.sync.connection.id, rule.object, "records")
        while True:
            try:
                page = await self.client.records(rule.object, rule.fields, cursor.since, cursor.page_token)
            except ZohoRefused as refused:
                if cursor.page_token is None:
                    raise
                # A page token lives a day: one kept across a long outage is refused. The run starts again from its
                # `since`; what it had read already is found unchanged.
                log.warning("zoho refused a page token; restarting the run", object=rule.object, error=str(refused))
                cursor = Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, cursor.since)
                continue
            newest = max([m for m in [cursor.newest, *(r.modified_at for r in page.records)] if m], default=None)
            following = _following(cursor, newest, page.next_page_token if page.more else None)
            await self.sync.apply(page.records, cursor=following)
            cursor = following
            if not page.more:
                return

    async def catch_up_deletions(self, rule: ObjectRule) -> None:
        repository = self.sync.repository
        cursor = await repository.cursor(self.sync.connection.id, rule.object, "deleted")
        while True:
            page = await self.client.deleted(rule.object, cursor.since, cursor.page)
            newest = max([m for m in [cursor.newest, *(d.deleted_at for d in page.deletions)] if m], default=None)
            following = _following(cursor, newest, None)
            following.page = cursor.page + 1 if page.more else 1
            if page.more:
                following.since, following.newest = cursor.since, newest
            await self.sync.apply([], page.deletions, cursor=following)
            cursor = following
            if not page.more:
                return

    async def notified(self, body: dict[str, Any]) -> int:
        """A Zoho callback: checked against the channel's token, then the named records fetched and applied.

        The body names records, not their contents (`ids`, `module`, `operation`, `channel_id`, `token`,
        `server_time`, as #22 lists them); the token is the one given when subscribing, returned so the receiver can
        verify it: https://www.zoho.com/crm/developer/docs/javascript-sdk/notification-samples.html"""
        token = str(body.get("token") or "")
        if self.channel_token is None or not hmac.compare_digest(token.encode(), self.channel_token.encode()):
            raise CallbackRefused("the callback's token is not this connection's channel token")
        if str(body.get("channel_id")) != str(self.settings.channel_id):
            raise CallbackRefused("the callback's channel_id is not this connection's channel")
        module, ids = str(body.get("module") or ""), [str(i) for i in body.get("ids") or []]
        rule = self.sync.connection.rule_for(module)
        if rule is None or not ids:
            return 0
        if body.get("operation") == "delete":
            at = _server_time(body.get("server_time"))
            report = await self.sync.apply([], [Deletion(module, i, at) for i in ids])
        else:
            report = await self.sync.apply(await self.client.records_by_ids(module, rule.fields, ids))
        return report.recorded + report.retracted


def _following(cursor: Cursor, newest: datetime | None, page_token: str | None) -> Cursor:
    """The cursor after a page: mid-run it keeps the run's `since` and takes the next page token; at the end of a
    run the next one starts just before the newest change seen."""
    if page_token is not None:
        return Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, cursor.since, page_token, 1, newest)
    since = newest - OVERLAP if newest is not None else cursor.since
    return Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, since, None, 1, None)


def _server_time(value: Any) -> datetime:
    """Zoho's `server_time` is milliseconds since the epoch."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)
