"""Applies what a CRM changed: each record read against its rule, reconciled with what was published, and the
events staged in the outbox in the same transaction as the records' fingerprints and the sync cursor.

So a crash before the commit re-reads the page and publishes it once; a crash after it resumes from the cursor;
a replay (a redelivered callback, an overlapping poll) finds every fingerprint unchanged and stages nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pacer_connectors.adapters.repository import ConnectorRepository, Cursor, SyncReport
from pacer_connectors.adapters.roster_read import RosterRead
from pacer_connectors.domain.mapping import Connection
from pacer_connectors.domain.records import (
    CHANGED,
    DELETED,
    Counted,
    CrmRecord,
    CrmUser,
    Deletion,
    RecordState,
    RecordUnreadable,
    Unmapped,
    read,
    reconcile,
    record_key,
)
from pacer_connectors.service import metrics
from pacer_shared.events import EventData
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.mongo import Session
from pacer_shared.service import Runtime

UNMAPPED_REASON = "its CRM owner is no longer a Pacer person"


@dataclass
class Sync:
    """One connection's use cases, shared by its sync loop and its callback route."""

    runtime: Runtime
    repository: ConnectorRepository
    connection: Connection
    roster_read: RosterRead | None = None
    """Waited for before the first pass: records are matched to people by the roster (adapters/roster_read.py)."""
    unmapped: set[str] = field(default_factory=set)

    async def apply(
        self, records: Sequence[CrmRecord], deletions: Sequence[Deletion] = (), cursor: Cursor | None = None
    ) -> SyncReport:
        """Publish what these records and deletions change, and move `cursor` past them, in one transaction."""
        report = SyncReport(records=len(records) + len(deletions))
        readings = await self._read(records, report)
        connection = self.connection

        async def work(session: Session) -> SyncReport:
            keys = [record_key(connection, r.crm_object, r.record_id) for r in records] + [
                record_key(connection, d.crm_object, d.record_id) for d in deletions
            ]
            states = await self.repository.states(keys, session)
            changed: dict[str, RecordState] = {}
            events: list[EventData] = []
            for record, counted, why, unmapped in readings:
                key = record_key(connection, record.crm_object, record.record_id)
                _step(connection, key, states, changed, events, counted, record.modified_at, why, unmapped)
            for deletion in deletions:
                key = record_key(connection, deletion.crm_object, deletion.record_id)
                _step(connection, key, states, changed, events, None, deletion.deleted_at, DELETED)
            await self.repository.save_states(connection.id, changed.values(), session)
            self.runtime.uow.publish(session, *events)
            if cursor is not None:
                await self.repository.save_cursor(cursor, session)
            # A transaction retried after a conflict runs this again: count from its last attempt only.
            report.recorded = sum(isinstance(e, SalesActivityRecorded) for e in events)
            report.retracted = len(events) - report.recorded
            return report

        await self.runtime.uow.run(work)
        name = connection.id
        metrics.RECORDS.labels(name, "recorded").inc(report.recorded)
        metrics.RECORDS.labels(name, "retracted").inc(report.retracted)
        metrics.RECORDS.labels(name, "unmapped").inc(sum(report.unmapped.values()))
        metrics.RECORDS.labels(name, "unreadable").inc(len(report.unreadable))
        self.unmapped.update(report.unmapped)
        metrics.UNMAPPED_USERS.labels(name).set(len(self.unmapped))
        await self.repository.note_sync(name, report, self.runtime.clock.now())
        return report

    async def _read(
        self, records: Sequence[CrmRecord], report: SyncReport
    ) -> list[tuple[CrmRecord, Counted | None, str, str | None]]:
        """Each record with what it counts as (None: nothing) and the reason a change would be retracted for."""
        people, erased = await self._people_of(records)
        readings: list[tuple[CrmRecord, Counted | None, str, str | None]] = []
        for record in records:
            rule = self.connection.rule_for(record.crm_object)
            if rule is None:
                continue
            try:
                reading = read(rule, record, people)
            except RecordUnreadable as error:
                report.unreadable.append(str(error))
                continue  # left as it was: a record the mapping cannot read is reported, not retracted
            if isinstance(reading, Unmapped):
                user = reading.user.email or reading.user.id if reading.user else "(no owner)"
                # An erased person's records count for nothing and are reported under their pseudonym: the operator
                # sees a mapping line or CRM user to remove, and nothing here names them again.
                user = erased.get(reading.user, user) if reading.user else user
                report.unmapped[user] = report.unmapped.get(user, 0) + 1
                readings.append((record, None, UNMAPPED_REASON, user))
            else:
                readings.append((record, reading, CHANGED, None))
        return readings

    async def _people_of(self, records: Sequence[CrmRecord]) -> tuple[dict[CrmUser, str], dict[CrmUser, str]]:
        """The Pacer person of each record's owner: the connection's table first, then the roster it publishes from
        the CRM's users, then the roster by email; and the pseudonym of each owner who is a person erased."""
        mapping = self.connection.people
        users = set()
        for record in records:
            rule = self.connection.rule_for(record.crm_object)
            if rule and (user := CrmUser.of(record.fields.get(rule.owner_field))):
                users.add(user)
        by_email = await self.repository.people_by_email(u.email for u in users if u.email) if mapping.by_email else {}
        # The connection's own roster (from the CRM's users) knows its users by id, before org.people brings them back.
        rostered = (
            await self.repository.roster_people(self.connection.id, (u.id for u in users))
            if self.connection.roster
            else {}
        )
        people: dict[CrmUser, str] = {}
        erased: dict[CrmUser, str] = {}
        erasures = self.runtime.erasures
        for user in users:
            person = mapping.table.get(user.id) or (mapping.table.get(user.email) if user.email else None)
            person = person or rostered.get(user.id)
            if person is None and user.email:
                person = by_email.get(user.email.lower())
            if person is not None and erasures.erased(person):
                erased[user] = erasures.alias(person)
            elif person is not None:
                people[user] = person
            elif user.email and (alias := erasures.email_erased(user.email)):
                erased[user] = alias
        return people, erased


def _step(
    connection: Connection,
    key: str,
    states: dict[str, RecordState],
    changed: dict[str, RecordState],
    events: list[EventData],
    counted: Counted | None,
    at: datetime,
    why: str,
    unmapped: str | None = None,
) -> None:
    after, raised = reconcile(connection, key, states.get(key), counted, at, why, unmapped)
    if after is not None:
        states[key] = changed[key] = after
        events.extend(raised)
