"""Customer ratings as a review input: the period's average on the 1-5 scale customers use, and how many."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

CUSTOMER_SCALE = (1, 5)
"""The scale CRMs rate on (`SalesActivityRecorded.score`)."""


@dataclass(frozen=True)
class CustomerRatingSummary:
    average: Decimal
    count: int

    def on_scale(self, minimum: int, maximum: int) -> Decimal:
        """The average moved onto a review's scale: 1 is its minimum, 5 its maximum, linearly between."""
        low, high = CUSTOMER_SCALE
        return (minimum + (maximum - minimum) * (self.average - low) / (high - low)).quantize(Decimal("0.01"))


def summarise(scores: Iterable[int]) -> CustomerRatingSummary | None:
    """None when no customer rated the person in the period: a missing input, never a zero."""
    found = list(scores)
    if not found:
        return None
    return CustomerRatingSummary((Decimal(sum(found)) / len(found)).quantize(Decimal("0.01")), len(found))
