"""A conversion funnel: how many activities of each kind along a chain (calls, quotes, orders, deals) in a period.

Counted from the same daily totals as the series, so it is a funnel of volumes, not of deals followed one by one:
an activity names a deal only when its CRM sends one, and a deal's call may fall in an earlier period than its
order. Each step's conversion is its count over the step before; over the first step it says how much of the
period's top of the funnel came through.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Step:
    kind: str
    count: int
    conversion: Decimal | None
    """count / the step before's count; None for the first step, and when the step before had none."""
    from_first: Decimal | None
    """count / the first step's count; None when the first step had none."""


def funnel(chain: list[tuple[str, int]]) -> list[Step]:
    """The steps of a chain of (kind, count), in the chain's order."""
    steps: list[Step] = []
    first = chain[0][1] if chain else 0
    for index, (kind, count) in enumerate(chain):
        before = chain[index - 1][1] if index else 0
        steps.append(
            Step(
                kind,
                count,
                _ratio(count, before) if index else None,
                _ratio(count, first),
            )
        )
    return steps


def _ratio(count: int, over: int) -> Decimal | None:
    return (Decimal(count) / Decimal(over)).quantize(RATIO) if over else None
