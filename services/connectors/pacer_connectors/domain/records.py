"""What a CRM record counts as, and what publishing it changes: the one place an edit, a deletion or a replay is
decided.

The activity id derives from the CRM, the object and the record id. An edit that changes what a record counts as
(its owner, quantity, amount, currency, time, or whether its condition holds) RETRACTS the published activity and
RECORDS a new revision (`zoho:Deals:42@2`), rather than updating: `sales.activity` has no update event, and every
consumer treats an activity id as immutable (goals ignore a second SalesActivityRecorded with the same id and keep
a retracted id retracted; incentives turn a retraction into an adjustment line). A new id per revision is the only
way a correction reaches them as one. An edit to any other field changes the fingerprint of nothing and publishes
nothing; so does a replayed poll or a redelivered callback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pacer_connectors.domain.mapping import Connection, ObjectRule
from pacer_shared.events import EventData
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted


@dataclass(frozen=True)
class CrmUser:
    """A CRM user as a record's owner field names them."""

    id: str
    email: str | None = None

    @classmethod
    def of(cls, value: Any) -> CrmUser | None:
        """Zoho's lookup shape `{"id": ..., "name": ..., "email": ...}`, or a bare id."""
        if isinstance(value, dict) and value.get("id"):
            return cls(str(value["id"]), value.get("email") or None)
        if isinstance(value, list) and len(value) == 1:
            return cls.of(value[0])  # Fxiaoke's `owner`: a list of one open user id
        if isinstance(value, str | int) and str(value):
            return cls(str(value))
        return None


@dataclass(frozen=True)
class CrmRecord:
    crm_object: str
    record_id: str
    fields: dict[str, Any]
    modified_at: datetime
    voided: bool = False
    """The CRM keeps the record but it no longer stands (Fxiaoke's life_status `invalid`): it counts nothing."""


@dataclass(frozen=True)
class Deletion:
    crm_object: str
    record_id: str
    deleted_at: datetime


@dataclass(frozen=True)
class Counted:
    """What a record counts as in Pacer: the part of a SalesActivityRecorded an edit can change."""

    assistant_id: str
    kind: str
    quantity: Decimal
    amount: Decimal | None
    currency: str | None
    occurred_at: datetime
    score: int | None = None
    """A customer_rating's stars, 1-5."""

    @property
    def fingerprint(self) -> str:
        parts: list[str | None] = [
            self.assistant_id,
            self.kind,
            str(self.quantity),
            str(self.amount),
            self.currency,
            self.occurred_at.isoformat(),
        ]
        # Only a rating has a score: every other record keeps the fingerprint it was stored with.
        canonical = json.dumps(parts if self.score is None else [*parts, self.score])
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class RecordUnreadable(ValueError):
    """A record the mapping cannot read (a quantity that is no number, no time): reported, never guessed."""


@dataclass(frozen=True)
class Unmapped:
    """A record whose owner is no Pacer person: counted and reported by user, never guessed."""

    user: CrmUser | None


@dataclass(frozen=True)
class RecordState:
    """What the connector last published for one CRM record (kept per record: its fingerprint is the de-duplication)."""

    key: str
    revision: int
    counted: Counted | None
    seen_at: datetime
    """The newest change applied (a record's modification or deletion time); an older one arriving late is ignored."""
    deleted: bool = False
    unmapped: str | None = None
    """The CRM user (email, else id) whose record this is, while they are no Pacer person: what status reports."""

    @property
    def activity_id(self) -> str | None:
        return None if self.counted is None else self.activity_id_of(self.revision)

    def activity_id_of(self, revision: int) -> str:
        return self.key if revision <= 1 else f"{self.key}@{revision}"


def record_key(connection: Connection, crm_object: str, record_id: str) -> str:
    """The activity id of a record's first revision: CRM, object, record id (unique within one CRM account)."""
    return f"{connection.crm}:{crm_object}:{record_id}"


def read(rule: ObjectRule, record: CrmRecord, people: dict[CrmUser, str]) -> Counted | Unmapped | None:
    """What the record counts as, Unmapped when its owner is no Pacer person, None when its condition does not hold."""
    fields = record.fields
    if record.voided or (rule.when is not None and not rule.when.holds(fields)):
        return None
    user = CrmUser.of(fields.get(rule.owner_field))
    person = people.get(user) if user else None
    if person is None:
        return Unmapped(user)
    occurred = fields.get(rule.occurred_at_field)
    if not occurred:
        raise RecordUnreadable(f"{record.crm_object} {record.record_id}: no {rule.occurred_at_field}")
    try:
        occurred_at = _moment(str(occurred))
        quantity = _decimal(fields.get(rule.quantity_field)) if rule.quantity_field else Decimal(1)
        amount = _decimal(fields.get(rule.amount_field)) if rule.amount_field else None
    except (ValueError, InvalidOperation) as error:
        raise RecordUnreadable(f"{record.crm_object} {record.record_id}: {error}") from None
    if occurred_at.tzinfo is None:
        raise RecordUnreadable(f"{record.crm_object} {record.record_id}: {rule.occurred_at_field} has no UTC offset")
    if quantity is None or quantity <= 0:
        return None  # nothing happened that counts (a call of zero minutes)
    currency = (fields.get(rule.currency_field) if rule.currency_field else None) or rule.currency
    score = _stars(rule.score_field, fields.get(rule.score_field), record) if rule.score_field else None
    return Counted(person, rule.kind, quantity, amount, currency if amount is not None else None, occurred_at, score)


def _stars(field: str, value: Any, record: CrmRecord) -> int:
    """A customer's rating as whole stars: 4.5 is 5 and 4.49 is 4 (half up, as people round); a rating that is
    missing, no number, or outside 1-5 is refused rather than guessed into the scale."""
    where = f"{record.crm_object} {record.record_id}: {field}"
    if isinstance(value, bool):
        raise RecordUnreadable(f"{where} is {value!r}, not a rating from 1 to 5")
    try:
        rating = _decimal(value)
    except (ValueError, InvalidOperation):
        raise RecordUnreadable(f"{where} is {value!r}, not a rating from 1 to 5") from None
    if rating is None or not rating.is_finite() or not Decimal(1) <= rating <= Decimal(5):
        raise RecordUnreadable(f"{where} is {value!r}, not a rating from 1 to 5")
    return int(rating.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _moment(value: str) -> datetime:
    """A CRM time, milliseconds since the epoch (Fxiaoke), or a date (a deal's Closing_Date): a date counts at noon
    UTC, which is that same calendar day wherever from UTC-11 to UTC+11 the assistant works."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    if len(value) == len("2026-03-02"):
        return datetime.combine(date.fromisoformat(value), time(12), UTC)
    return datetime.fromisoformat(value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def reconcile(
    connection: Connection,
    key: str,
    state: RecordState | None,
    counted: Counted | None,
    at: datetime,
    why: str,
    unmapped: str | None = None,
) -> tuple[RecordState | None, list[EventData]]:
    """The record's new state and the events that move Pacer from what it last heard to `counted`.

    None as the state: nothing changes (a duplicate, or news older than what was applied)."""
    if state is not None and at < state.seen_at:
        return None, []
    before = state.counted if state else None
    if (before.fingerprint if before else None) == (counted.fingerprint if counted else None):
        if state is None:
            return (None, []) if unmapped is None else (RecordState(key, 0, None, at, unmapped=unmapped), [])
        if at == state.seen_at and state.unmapped == unmapped:
            return None, []
        return replace(state, seen_at=at, deleted=why == DELETED, unmapped=unmapped), []
    events: list[EventData] = []
    revision = state.revision if state else 0
    if state is not None and before is not None and state.activity_id:
        events.append(
            SalesActivityRetracted(activity_id=state.activity_id, assistant_id=before.assistant_id, reason=why)
        )
    if counted is not None:
        revision += 1
    after = RecordState(key, revision, counted, at, deleted=why == DELETED, unmapped=unmapped)
    if counted is not None:
        events.append(
            SalesActivityRecorded(
                activity_id=after.activity_id_of(revision),
                assistant_id=counted.assistant_id,
                kind=counted.kind,
                quantity=counted.quantity,
                amount=counted.amount,
                currency=counted.currency,
                occurred_at=counted.occurred_at,
                source_system=connection.source_system,
                score=counted.score,
            )
        )
    return after, events


DELETED = "deleted in the CRM"
CHANGED = "changed in the CRM"
