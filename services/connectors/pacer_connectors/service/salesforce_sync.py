"""A Salesforce connection's loop, and what an Outbound Message does.

Catch-up is also the backfill: SOQL on `SystemModstamp` (none the first time, so every record), oldest first,
followed through `nextRecordsUrl`; each page is applied with the cursor after it, so a run killed half-way resumes
at its query locator (and starts its run again when the locator has expired). Deletions come from the object's
`deleted` resource, from where the last pass's `latestDateCovered` left off. That delete log reaches back 15 days
at most, and less once Salesforce purges it early (its `earliestDateAvailable`): a pass that starts before what it
reaches (a connector stopped for more than two weeks, a purged log) also reads the deletions since the last pass
from the Recycle Bin with `queryAll` (`IsDeleted = true`). A record purged from the Recycle Bin as well is found by
neither, and stays counted. Outbound Messages only make changes
arrive sooner: workflow rules do not fire on a deletion, and a message Salesforce gave up on after 24 hours is
caught up by the next pass.

Change Data Capture, where the org has it, brings every change in seconds, deletions included. Each batch of change
events is applied with its replay id in the same transaction, so a restart resumes after the last batch applied: a
crash before the commit reads the batch again, and its records are found unchanged. As with Outbound Messages the
records named are read again by id and their current state applied (the event carries only the fields that changed,
and not the owner's email); a deletion is applied as one. A gap event (Salesforce could not put the change in the
event) is handled the same way, as the records are read anyway; an overflow event (too many changes in one
transaction) and a replay id that has left the stream's 72 hours both start a catch-up pass at once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import grpc
import httpx

from pacer_connectors.adapters.repository import Cursor
from pacer_connectors.adapters.salesforce import (
    OutboundMessage,
    SalesforceClient,
    SalesforceError,
    SalesforceRefused,
    same_org,
)
from pacer_connectors.adapters.salesforce_cdc import (
    ChangeEvent,
    ChangeEventStream,
    ReplayRefused,
    SessionRefused,
)
from pacer_connectors.domain.mapping import ObjectRule, SalesforceSettings
from pacer_connectors.domain.records import CrmRecord, Deletion
from pacer_connectors.service import metrics
from pacer_connectors.service.crm_roster import publish_roster
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
CHANGE_EVENTS = "ChangeEvents"
"""The cursor that keeps the replay id of the last batch of change events applied."""
DELETES = {"DELETE", "GAP_DELETE"}
OVERFLOW = "GAP_OVERFLOW"


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
            async with asyncio.TaskGroup() as group:
                group.create_task(
                    sync_forever(
                        self.sync, self.one_pass, (SalesforceError, httpx.HTTPError), self.retry_seconds, self.wake
                    )
                )
                if self.settings.change_data_capture is not None:
                    group.create_task(self.listen())
        finally:
            await self.client.aclose()

    async def listen(self) -> None:
        """Apply the org's change events as they come, resuming after the last batch applied; resubscribe after
        any failure (a network error, a restarted Pub/Sub, an ended session) once `retry_seconds` have passed."""
        settings, org = self.settings.change_data_capture, self.settings.organization_id
        assert settings is not None
        assert org is not None
        stream = ChangeEventStream(settings, org, self.client.session)
        connection = self.sync.connection.id
        if self.sync.roster_read is not None:
            await self.sync.roster_read.wait()
        while True:
            cursor = await self.sync.repository.cursor(connection, CHANGE_EVENTS, "cdc")
            replay = bytes.fromhex(cursor.page_token) if cursor.page_token else None
            try:
                async for batch in stream.subscribe(replay):
                    for reason in batch.unreadable:  # counted and skipped: the catch-up pass reads the records anyway
                        log.warning("change event unreadable; skipped", connection=connection, reason=reason)
                        metrics.RECORDS.labels(connection, "unreadable").inc()
                    await self.apply_changes(batch.events, batch.replay_id)
                continue  # the server ended the stream: subscribe again at once
            except ReplayRefused as refused:
                # Older than the stream keeps (72 hours), the changes since are read by a catch-up pass instead.
                log.warning("change events: replay id refused; from the tip, and a catch-up pass", error=str(refused))
                await self.sync.apply([], cursor=Cursor(connection, CHANGE_EVENTS, "cdc"))
                self.wake.set()
                continue
            except SessionRefused:
                await self.client.forget_session((await self.client.session())[0])
                error = "change events: the session was refused"
            except (SalesforceError, httpx.HTTPError, grpc.aio.AioRpcError) as failure:
                error = f"change events: {failure}"
            log.warning("change events failed; subscribing again", connection=connection, error=error)
            metrics.ERRORS.labels(connection, "change_events").inc()
            await self.sync.repository.note_error(connection, error, self.sync.runtime.clock.now())
            await asyncio.sleep(self.retry_seconds)

    async def apply_changes(self, events: list[ChangeEvent], replay_id: bytes) -> None:
        """One batch of change events and the replay id after it, in one transaction."""
        deletions: list[Deletion] = []
        wanted: dict[str, set[str]] = defaultdict(set)
        for event in events:
            if self.sync.connection.rule_for(event.entity) is None:
                continue
            if event.change_type == OVERFLOW:  # no record ids: every recent change of the object is read instead
                self.wake.set()
            elif event.change_type in DELETES:
                deletions.extend(Deletion(event.entity, i, event.committed_at) for i in event.record_ids)
            else:
                wanted[event.entity].update(event.record_ids)
        records: list[CrmRecord] = []
        for sobject, ids in wanted.items():
            rule = self.sync.connection.rule_for(sobject)
            assert rule is not None
            records += await self.client.by_ids(sobject, rule.fields, rule.owner_field, sorted(ids))
        cursor = Cursor(self.sync.connection.id, CHANGE_EVENTS, "cdc", page_token=replay_id.hex())
        await self.sync.apply(records, deletions, cursor=cursor)

    async def one_pass(self) -> None:
        # The roster first: a user it has just published owns records that the catch-up below maps to them at once.
        await publish_roster(self.sync, self.client)
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
        deletions = page.deletions
        reach = max(start, page.earliest_available or start)
        if cursor.since is not None and cursor.since < reach:
            # The log no longer holds every deletion since the last pass: the Recycle Bin still holds them (for
            # 15 days, unless emptied); what each of the two holds is applied once, found unchanged the second time.
            log.warning(
                "salesforce deletions older than the delete log; reading the recycle bin",
                connection=self.sync.connection.id,
                object=rule.object,
                since=cursor.since.isoformat(),
            )
            deletions = [*await self.client.in_recycle_bin(rule.object, cursor.since - OVERLAP), *deletions]
        following = Cursor(cursor.connection_id, cursor.crm_object, cursor.feed, page.latest_covered - DELETED_OVERLAP)
        await self.sync.apply([], deletions, cursor=following)

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
