"""Top movers: the assistants of a team whose count of a kind changed most from one month to the next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Move:
    assistant_id: str
    previous: int
    current: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def ratio(self) -> Decimal | None:
        """None from zero: growth from nothing has no ratio."""
        return (Decimal(self.change) / Decimal(self.previous)).quantize(RATIO) if self.previous else None


def movers(moves: Iterable[Move], top: int) -> tuple[list[Move], list[Move]]:
    """The `top` risers (largest rise first) and fallers (largest fall first); no change is neither.

    Ties go by assistant id, so the same numbers always give the same list.
    """
    found = list(moves)
    risers = sorted((m for m in found if m.change > 0), key=lambda m: (-m.change, m.assistant_id))
    fallers = sorted((m for m in found if m.change < 0), key=lambda m: (m.change, m.assistant_id))
    return risers[:top], fallers[:top]
