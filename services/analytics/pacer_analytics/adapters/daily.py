"""Reads daily totals: one assistant's days of one kind, from the worker's own table or from a read's rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from pacer_analytics.domain.day import DayTotals, day_key
from pacer_analytics.domain.series import days


class DailyTotals:
    def __init__(self, table: Mapping[str, Any]) -> None:
        self._table = table

    def of(self, assistant_id: str, kind: str, first: date, last: date) -> Iterator[tuple[date, DayTotals]]:
        """The days with activity; a day without any is simply absent."""
        for day in days(first, last):
            found = self._table.get(day_key(assistant_id, kind, day.isoformat()))
            if found is not None:
                yield day, DayTotals.from_json(found)

    def kinds_of(self, assistant_ids: Iterable[str], *ranges: tuple[date, date]) -> set[str]:
        """The kinds these assistants recorded on a day inside any of the ranges, from one pass over the worker's
        keys: a report lists every kind its team did, not a list configured in advance."""
        wanted = set(assistant_ids)
        bounds = [(first.isoformat(), last.isoformat()) for first, last in ranges]
        found: set[str] = set()
        for key in list(self._table.keys()):
            assistant_id, kind, day = json.loads(key)
            if assistant_id in wanted and any(since <= day <= until for since, until in bounds):
                found.add(kind)
        return found
