"""A Fxiaoke connection's loop. Fxiaoke documents no push of CRM changes, so every pass polls each object for what
was modified since the last one, oldest modification first; a voided record (life_status `invalid`) counts nothing,
so an activity published for it is retracted. With a `roster` in the connection file, each pass first publishes the
roster from the company's members (`/cgi/user/list`).

Paging is by key, never by offset: each page asks for what comes after the last (`last_modified_time`, `_id`) read,
and the cursor after every page is that key. A record edited while a pass pages moves past the key and is read
later in the pass (or by the next), and the rows after it stay where they were; offsets would have skipped one, and
stop at 10,000 rows besides (adapters/fxiaoke.py cites both). A pass ends one second before the newest
modification it read, so what changed later in that second is read again, and found unchanged.

A record voided and then deleted between two passes is never listed as voided: each pass also asks for a batch of
the records this connection counts, in turn, and retracts those Fxiaoke no longer returns (Fxiaoke documents no
other way to learn of a deletion).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from pacer_connectors.adapters.fxiaoke import PAST, FxiaokeClient, FxiaokeError
from pacer_connectors.adapters.repository import Cursor
from pacer_connectors.domain.mapping import ObjectRule
from pacer_connectors.domain.records import Deletion
from pacer_connectors.service.crm_roster import publish_roster
from pacer_connectors.service.loop import sync_forever
from pacer_connectors.service.sync import Sync
from pacer_connectors.service.zoho_sync import OVERLAP

SWEEP = 500
"""Counted records asked for per object and pass (five queries of 100 ids): the whole set in turn, at a cost per
pass that does not grow with the history."""


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
            await self.sweep(rule)

    async def catch_up(self, rule: ObjectRule) -> None:
        """Page by key through what changed since the cursor's `since`; each page applied with the cursor after it."""
        cursor = await self.sync.repository.cursor(self.sync.connection.id, rule.object, "records")
        key = (cursor.connection_id, cursor.crm_object, cursor.feed)
        while True:
            page = await self.client.query(rule.object, rule.fields, cursor.since, cursor.page_token)
            newest = max([m for m in [cursor.newest, *(r.modified_at for r in page.records)] if m], default=None)
            if page.records and page.more:  # a full page: the next one starts after its last row
                last = page.records[-1]
                following = Cursor(*key, since=last.modified_at, page_token=last.record_id, newest=newest)
            elif cursor.page_token not in (None, PAST):  # the rest of a millisecond read: what comes after it
                following = Cursor(*key, since=cursor.since, page_token=PAST, newest=newest)
            else:  # the end of the pass: the next starts a second before the newest change read
                following = Cursor(*key, since=newest - OVERLAP if newest else cursor.since)
            await self.sync.apply(page.records, cursor=following)
            cursor = following
            if following.page_token is None:
                return

    async def sweep(self, rule: ObjectRule) -> None:
        """Ask for the next batch of the records counted for this object; retract those Fxiaoke no longer returns
        (deleted outright), and apply those it does as they stand."""
        repository, connection = self.sync.repository, self.sync.connection
        cursor = await repository.cursor(connection.id, rule.object, "swept")
        ids = await repository.counted_ids(connection, rule.object, cursor.page_token, SWEEP)
        if not ids and cursor.page_token is None:
            return
        found = await self.client.existing(rule.object, rule.fields, ids)
        present = {r.record_id for r in found}
        now = self.sync.runtime.clock.now()
        gone = [Deletion(rule.object, i, now) for i in ids if i not in present]
        following = Cursor(connection.id, rule.object, "swept", page_token=ids[-1] if len(ids) == SWEEP else None)
        await self.sync.apply(found, gone, cursor=following)
