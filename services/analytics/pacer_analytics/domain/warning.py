"""The early warning: an assistant's last seven days of a kind against their usual week, before any goal is at risk.

Checked once per local day, for the seven whole days before it: a drop shows when activity stops, so the check
runs on the calendar, not when an activity arrives. The usual week is the average of the four weeks before those
seven days, not of four weeks that include them: a week that fell away would otherwise pull down the very average
it is measured against.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pacer_analytics.domain.series import days
from pacer_shared.events.analytics import ActivityDropped

RECENT_DAYS = 7
BASELINE_WEEKS = 4


@dataclass(frozen=True)
class DropRule:
    threshold: Decimal
    """Warn when the last seven days fall below this fraction of the usual week."""
    min_weekly_average: Decimal
    """A usual week below this is too little to speak of a drop (someone who quotes once a month)."""


@dataclass(frozen=True)
class Windows:
    """The seven whole days before `checked_on` and the four weeks before them, in the assistant's calendar."""

    checked_on: date

    @property
    def recent(self) -> tuple[date, date]:
        return self.checked_on - timedelta(days=RECENT_DAYS), self.checked_on - timedelta(days=1)

    @property
    def baseline(self) -> tuple[date, date]:
        first, _ = self.recent
        return first - timedelta(weeks=BASELINE_WEEKS), first - timedelta(days=1)

    @property
    def week(self) -> str:
        year, week, _ = self.checked_on.isocalendar()
        return f"{year:04d}-W{week:02d}"


def dropped(
    rule: DropRule, assistant_id: str, kind: str, checked_on: date, count_on: Callable[[date], int]
) -> ActivityDropped | None:
    """The warning, if the last seven days fell below the rule's fraction of the usual week."""
    windows = Windows(checked_on)
    recent = sum(count_on(day) for day in days(*windows.recent))
    weekly_average = Decimal(sum(count_on(day) for day in days(*windows.baseline))) / BASELINE_WEEKS
    if weekly_average <= 0 or weekly_average < rule.min_weekly_average:
        return None
    ratio = Decimal(recent) / weekly_average
    if ratio >= rule.threshold:
        return None
    return ActivityDropped(
        assistant_id=assistant_id,
        kind=kind,
        week=windows.week,
        checked_on=checked_on,
        recent_from=windows.recent[0],
        recent_to=windows.recent[1],
        recent_count=recent,
        baseline_from=windows.baseline[0],
        baseline_to=windows.baseline[1],
        weekly_average=weekly_average,
        threshold=rule.threshold,
        ratio=ratio.quantize(Decimal("0.0001")),
    )


def warning_key(assistant_id: str, kind: str, week: str) -> str:
    """Who, what and which ISO week: the warned table's key and the business key of the event's id."""
    return json.dumps([assistant_id, kind, week], separators=(",", ":"))


@dataclass(frozen=True)
class Watch:
    """What the daily check needs of one assistant: the kinds they have done, and the local day last checked.

    `partition` is the partition of the assistant's contributions: a check runs in the stream of that partition,
    so what it writes goes to the changelog partition the assistant's other records are in.

    `kept_from` is the earliest local day the assistant's rows may still hold: the retention horizon when they were
    first seen (nothing older is counted), moved on by each day's purge.
    """

    partition: int
    kinds: tuple[str, ...] = ()
    checked_on: date | None = None
    kept_from: date | None = None

    def seen(self, kind: str, partition: int, horizon: date) -> Watch:
        kinds = self.kinds if kind in self.kinds else tuple(sorted((*self.kinds, kind)))
        return Watch(partition, kinds, self.checked_on, self.kept_from or horizon)

    def due(self, today: date) -> bool:
        return self.checked_on is None or today > self.checked_on

    def checked(self, today: date, kept_from: date) -> Watch:
        return Watch(self.partition, self.kinds, today, kept_from)

    def to_json(self) -> dict[str, Any]:
        return {
            "partition": self.partition,
            "kinds": list(self.kinds),
            "checked_on": self.checked_on.isoformat() if self.checked_on else None,
            "kept_from": self.kept_from.isoformat() if self.kept_from else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None, partition: int) -> Watch:
        if raw is None:
            return cls(partition)
        checked, kept = raw.get("checked_on"), raw.get("kept_from")
        return cls(
            raw["partition"],
            tuple(raw["kinds"]),
            date.fromisoformat(checked) if checked else None,
            date.fromisoformat(kept) if kept else None,
        )
