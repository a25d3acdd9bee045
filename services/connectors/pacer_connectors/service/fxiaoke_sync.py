"""A Fxiaoke connection's loop. Fxiaoke documents no push of CRM changes, so every pass polls each object for what
was modified since the last one, oldest modification first; a voided record (life_status `invalid`) counts nothing,
so an activity published for it is retracted. With a `roster` in the connection file, each pass first publishes the
roster from the company's members (`/cgi/user/list`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from pacer_connectors.adapters.fxiaoke import DEEPEST_OFFSET, LIMIT, FxiaokeClient, FxiaokeError
from pacer_connectors.adapters.repository import Cursor
from pacer_connectors.domain.mapping import ObjectRule
from pacer_connectors.service.crm_roster import publish_roster
from pacer_connectors.service.loop import sync_forever
from pacer_connectors.service.sync import Sync
from pacer_connectors.service.zoho_sync import OVERLAP


@dataclass
class FxiaokeConnector:
    sync: Sync
    client: FxiaokeClient
    retry_seconds: float
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        try:
            await sync_forever(self.sync, self.one_pass, (FxiaokeError, httpx.HTTPError), self.retry_seconds, self.wake)
        finally:
            await self.client.aclose()

    async def one_pass(self) -> None:
        # The roster first: a member it has just published owns records that the catch-up below maps to them at once.
        await publish_roster(self.sync, self.client)
        for rule in self.sync.connection.objects:
            await self.catch_up(rule)

    async def catch_up(self, rule: ObjectRule) -> None:
        """Page through what changed since the cursor's `since`; each page applied with the cursor after it."""
        cursor = await self.sync.repository.cursor(self.sync.connection.id, rule.object, "records")
        while True:
            offset = (cursor.page - 1) * LIMIT
            page = await self.client.query(rule.object, rule.fields, cursor.since, offset)
            newest = max([m for m in [cursor.newest, *(r.modified_at for r in page.records)] if m], default=None)
            key = (cursor.connection_id, cursor.crm_object, cursor.feed)
            if page.more and offset + 2 * LIMIT <= DEEPEST_OFFSET:
                following = Cursor(*key, since=cursor.since, page=cursor.page + 1, newest=newest)
            elif page.more:
                # Offsets stop at 10,000 rows: the next query starts at the newest modification read (inclusive:
                # rows of that same millisecond are read again and found unchanged).
                following = Cursor(*key, since=newest, page=1)
            else:
                following = Cursor(*key, since=newest - OVERLAP if newest else cursor.since, page=1)
            await self.sync.apply(page.records, cursor=following)
            cursor = following
            if not page.more:
                return
