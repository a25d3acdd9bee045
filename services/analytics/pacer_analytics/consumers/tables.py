"""The tables analytics keeps, each backed by a compacted changelog topic it is rebuilt from after a restart.

Neither has a window yet: both grow with the activities recorded (see the README's analytics section).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TableT


@dataclass(frozen=True)
class Tables:
    activities: TableT[str, Any]
    """activity id -> ActivityState: each activity once, and whether it was retracted (also before it arrived)."""
    daily: TableT[str, Any]
    """[assistant, kind, local day] -> DayTotals: count, quantity and amount per currency, with their activity ids."""


def declare(app: faust.App) -> Tables:
    return Tables(
        activities=app.Table("activities", key_type=str),
        daily=app.Table("daily", key_type=str),
    )
