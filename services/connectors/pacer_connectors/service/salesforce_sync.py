"""A Salesforce connection's loop, and what an Outbound Message does.

Catch-up is also the backfill: SOQL on `SystemModstamp` (none the first time, so every record), oldest first,
followed through `nextRecordsUrl`; each page is applied with the cursor after it, so a run killed half-way resumes
at its query locator (and starts its run again when the locator has expired). Deletions come from the object's
`deleted` resource, from where the last pass's `latestDateCovered` left off. Outbound Messages only make changes
arrive sooner: workflow rules do not fire on a deletion, and a message Salesforce gave up on after 24 hours is
caught up by the next pass.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from pacer_connectors.adapters.repository import Cursor
from pacer_connectors.adapters.salesforce import (
    OutboundMessage,
    SalesforceClient,
    SalesforceError,
    SalesforceRefused,
    same_org,
)
from pacer_connectors.domain.mapping import ObjectRule, SalesforceSettings
from pacer_connectors.service.loop import sync_forever
from pacer_connectors.service.sync import Sync
from pacer_connectors.service.zoho_sync import CallbackRefused
from pacer_shared.logs import get_logger

log = get_logger(__name__)

OVERLAP = timedelta(seconds=1)
"""A pass starts at the second of the newest SystemModstamp it has read (SOQL's literals have whole seconds): what
changed later in that second is not missed, and what is read twice is found unchanged."""
DELETED_OVERLAP = timedelta(minutes=1)
"""The deleted resource ignores seconds: the next pass starts a minute before the last one's `latestDateCovered`."""
DELETED_REACH = timedelta(days=14)
"""The deleted resource answers for the last 15 days only: a first pass, or one after a long stop, starts here."""


@dataclass
class SalesforceConnector:
    sync: Sync
    client: SalesforceClient
    retry_seconds: float
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def settings(self) -> SalesforceSettings:
        assert self.sync.connection.salesforce is not None
        return self.sync.connection.salesforce

    async def run(self) -> None:
        try:
            await sync_forever(
                self.sync, self.one_pass, (SalesforceError, httpx.HTTPError), self.retry_seconds, self.wake
            )
        finally:
            await self.client.aclose()

    async def one_pass(self) -> None:
        for rule in self.sync.connection.objects:
            await self.catch_up(rule)
            await self.catch_up_deletions(rule)

    async def catch_up(self, rule: ObjectRule) -> None:
        cursor = await self.sync.repository.cursor(self.sync.connection.id, rule.object, "records")
        while True:
            try:
                page = await self.client.query(
                    rule.object, rule.fields, rule.owner_field, cursor.since, cursor.page_token
                )
            except SalesforceRefused as refused:
                if cursor.page_token is None:
                    raise
                # A query locator expires after some idle minutes (a long outage, a restart): the run starts again
                # from its `since`, and what it had read already is found unchanged.
                log.warning(
                    "salesforce refused a query locator; restarting the run", object=rule.object, error=str(refused)
                )
                cursor = Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, cursor.since)
                continue
            newest = max([m for m in [cursor.newest, *(r.modified_at for r in page.records)] if m], default=None)
            key = (cursor.connection_id, cursor.crm_object, cursor.feed)
            if page.next_records_url is not None:
                following = Cursor(*key, since=cursor.since, page_token=page.next_records_url, newest=newest)
            else:
                following = Cursor(*key, since=newest - OVERLAP if newest else cursor.since)
            await self.sync.apply(page.records, cursor=following)
            cursor = following
            if page.next_records_url is None:
                return

    async def catch_up_deletions(self, rule: ObjectRule) -> None:
        cursor = await self.sync.repository.cursor(self.sync.connection.id, rule.object, "deleted")
        end = self.sync.runtime.clock.now()
        start = max(cursor.since or end - DELETED_REACH, end - DELETED_REACH)
        page = await self.client.deleted(rule.object, start, end)
        following = Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, page.latest_covered - DELETED_OVERLAP)
        await self.sync.apply([], page.deletions, cursor=following)

    async def outbound(self, message: OutboundMessage) -> int:
        """An Outbound Message from this connection's org: each record it names read again and applied.

        The message's own fields are not what is applied: they are whichever the org's admin picked, without the
        owner's email, and a message delivered late would carry old values. The record's current state, read by
        its id, is correct whatever the order of delivery; a Notification/Id already applied is skipped."""
        org = self.settings.organization_id
        if org is None or not same_org(org, message.organization_id):
            raise CallbackRefused("the message's OrganizationId is not this connection's org")
        repository, connection = self.sync.repository, self.sync.connection
        fresh = await repository.unseen_notifications(connection.id, [n.notification_id for n in message.notifications])
        wanted: dict[str, list[str]] = defaultdict(list)
        for notification in message.notifications:
            if notification.notification_id in fresh and connection.rule_for(notification.sobject) is not None:
                wanted[notification.sobject].append(notification.record_id)
        changes = 0
        for sobject, ids in wanted.items():
            rule = connection.rule_for(sobject)
            assert rule is not None
            records = await self.client.by_ids(sobject, rule.fields, rule.owner_field, sorted(set(ids)))
            report = await self.sync.apply(records)
            changes += report.recorded + report.retracted
        # Noted after applying: a crash in between makes the redelivery read the records again, unchanged.
        await repository.note_notifications(connection.id, sorted(fresh), self.sync.runtime.clock.now())
        return changes
