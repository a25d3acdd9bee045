"""One assistant's activity of one kind on one day of their own calendar, and how a contribution moves it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pacer_analytics.domain.activity import Contribution


@dataclass
class DayTotals:
    """Count, quantity and amount per currency, with the ids that make them up.

    The ids travel in the same table value as the totals, so one changelog record always holds totals and ids that
    agree: a worker killed between two writes cannot recover a count without the id that explains it, and a
    contribution delivered twice (at-least-once) finds its id and changes nothing.
    """

    activities: dict[str, tuple[Decimal, Decimal | None, str | None]] = field(default_factory=dict)
    quantity: Decimal = Decimal(0)
    amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.activities)

    def add(self, activity: Contribution) -> bool:
        """Count the activity; False when it already counts here."""
        if activity.activity_id in self.activities:
            return False
        self.activities[activity.activity_id] = (activity.quantity, activity.amount, activity.currency)
        self.quantity += activity.quantity
        if activity.amount is not None and activity.currency:
            self.amounts[activity.currency] = self.amounts.get(activity.currency, Decimal(0)) + activity.amount
        return True

    def remove(self, activity_id: str) -> bool:
        """Stop counting the activity; False when it did not count here."""
        found = self.activities.pop(activity_id, None)
        if found is None:
            return False
        quantity, amount, currency = found
        self.quantity -= quantity
        if amount is not None and currency:
            left = self.amounts[currency] - amount
            if left:
                self.amounts[currency] = left
            else:
                del self.amounts[currency]
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "activities": {
                key: [str(quantity), None if amount is None else str(amount), currency]
                for key, (quantity, amount, currency) in self.activities.items()
            },
            "quantity": str(self.quantity),
            "amounts": {currency: str(amount) for currency, amount in self.amounts.items()},
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> DayTotals:
        if raw is None:
            return cls()
        return cls(
            activities={
                key: (Decimal(quantity), None if amount is None else Decimal(amount), currency)
                for key, (quantity, amount, currency) in raw["activities"].items()
            },
            quantity=Decimal(raw["quantity"]),
            amounts={currency: Decimal(amount) for currency, amount in raw["amounts"].items()},
        )


def day_key(assistant_id: str, kind: str, day: str) -> str:
    """The daily table's key: a JSON array, unambiguous whatever characters an id holds."""
    return json.dumps([assistant_id, kind, day], separators=(",", ":"))
