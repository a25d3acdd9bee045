"""An assistant's bonus statement as incentives announced it: calculated, adjusted, approved.

Kept for one reader only, hr's copy of a team report: the manager's copy never carries an amount. A statement's
total is the approved total once approved, else the calculated total plus every adjustment; each adjustment is
kept by the id of the event that made it, so an event read twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Statement:
    statement_id: str
    person_id: str
    period_first: date | None = None
    """First and last day of the statement's period, in the person's own calendar (None until calculated)."""
    period_last: date | None = None
    calculated: Decimal | None = None
    currency: str | None = None
    adjustments: dict[str, Decimal] = field(default_factory=dict)
    approved: Decimal | None = None

    @property
    def total(self) -> Decimal | None:
        if self.approved is not None:
            return self.approved
        if self.calculated is None:
            return None
        return self.calculated + sum(self.adjustments.values(), Decimal(0))

    def on_calculated(self, first: date, last: date, total: Decimal, currency: str) -> Statement:
        return replace(self, period_first=first, period_last=last, calculated=total, currency=currency)

    def on_adjusted(self, event_id: str, adjustment: Decimal, currency: str) -> Statement:
        return replace(self, adjustments={**self.adjustments, event_id: adjustment}, currency=self.currency or currency)

    def on_approved(self, total: Decimal, currency: str) -> Statement:
        return replace(self, approved=total, currency=currency)

    def ends_within(self, first: date, last: date) -> bool:
        return self.period_last is not None and first <= self.period_last <= last

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "person_id": self.person_id,
            "period_first": self.period_first.isoformat() if self.period_first else None,
            "period_last": self.period_last.isoformat() if self.period_last else None,
            "calculated": str(self.calculated) if self.calculated is not None else None,
            "currency": self.currency,
            "adjustments": {k: str(v) for k, v in self.adjustments.items()},
            "approved": str(self.approved) if self.approved is not None else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Statement:
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        def money(value: str | None) -> Decimal | None:
            return Decimal(value) if value is not None else None

        return cls(
            raw["statement_id"],
            raw["person_id"],
            day(raw.get("period_first")),
            day(raw.get("period_last")),
            money(raw.get("calculated")),
            raw.get("currency"),
            {k: Decimal(v) for k, v in (raw.get("adjustments") or {}).items()},
            money(raw.get("approved")),
        )
