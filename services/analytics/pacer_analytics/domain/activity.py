"""What one recorded or retracted sales activity contributes, in whatever order the two arrive.

The same rules as goals: an activity counts once by `activity_id`, a retraction takes away what it added, and a
retraction that overtakes its activity makes the activity count nothing when it finally arrives. A retraction
needs only the activity's id: the activity's own record says whose it was and on which day it counted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, time
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Contribution:
    """One activity's share of an assistant's day: what the daily table adds, or takes away when it stops counting."""

    activity_id: str
    assistant_id: str
    kind: str
    day: date
    quantity: Decimal
    amount: Decimal | None
    currency: str | None
    local_time: time | None = None
    """The time of day in the assistant's own zone, for the workload; None in records kept before it was."""

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "day": self.day.isoformat(),
            "quantity": str(self.quantity),
            "amount": None if self.amount is None else str(self.amount),
            "local_time": None if self.local_time is None else self.local_time.isoformat(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Contribution:
        return cls(
            activity_id=raw["activity_id"],
            assistant_id=raw["assistant_id"],
            kind=raw["kind"],
            day=date.fromisoformat(raw["day"]),
            quantity=Decimal(raw["quantity"]),
            amount=None if raw["amount"] is None else Decimal(raw["amount"]),
            currency=raw["currency"],
            local_time=time.fromisoformat(raw["local_time"]) if raw.get("local_time") else None,
        )


@dataclass(frozen=True, slots=True)
class ActivityState:
    """What is known of one activity id: its record (once it arrived) and whether it was retracted."""

    recorded: Contribution | None = None
    retracted: bool = False

    @property
    def counts(self) -> bool:
        return self.recorded is not None and not self.retracted

    def on_recorded(self, activity: Contribution) -> ActivityState:
        """A duplicate keeps the first record: the day and amounts it counted with stay what they were."""
        return self if self.recorded is not None else replace(self, recorded=activity)

    def on_retracted(self) -> ActivityState:
        return self if self.retracted else replace(self, retracted=True)

    def to_json(self) -> dict[str, Any]:
        return {"recorded": self.recorded.to_json() if self.recorded else None, "retracted": self.retracted}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> ActivityState:
        if raw is None:
            return cls()
        recorded = raw.get("recorded")
        return cls(Contribution.from_json(recorded) if recorded else None, bool(raw.get("retracted")))
