"""The workload table: per assistant and local day, the local time of day of each activity that counts."""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from datetime import date, time
from typing import Any

from pacer_analytics.domain.activity import Contribution
from pacer_analytics.domain.series import days
from pacer_analytics.domain.workload import times_from_json


def workload_key(assistant_id: str, day: str) -> str:
    return json.dumps([assistant_id, day], separators=(",", ":"))


class WorkloadDays:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self._table = table

    def apply(self, activity: Contribution, counts: bool) -> None:
        """Written from the by-assistant stream, beside the daily totals: keyed by activity id, so a contribution read
        twice changes nothing and a retraction takes away only its own."""
        key = workload_key(activity.assistant_id, activity.day.isoformat())
        before: dict[str, str | None] = self._table.get(key) or {}
        present = activity.activity_id in before
        if counts == present:
            return
        after = dict(before)
        if counts:
            after[activity.activity_id] = None if activity.local_time is None else activity.local_time.isoformat()
        else:
            del after[activity.activity_id]
        if after:
            self._table[key] = after
        else:
            del self._table[key]

    def of(self, assistant_id: str, first: date, last: date) -> Iterator[tuple[date, dict[str, time | None]]]:
        """The days with activity; a day without any is absent."""
        for day in days(first, last):
            found = self._table.get(workload_key(assistant_id, day.isoformat()))
            if found:
                yield day, times_from_json(found)
