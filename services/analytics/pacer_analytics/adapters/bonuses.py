"""Reads the bonuses table for hr's copy of a team report: one person's statements, from a read's rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pacer_analytics.domain.bonus import Statement


class BonusStatements:
    def __init__(self, table: Mapping[str, Any]) -> None:
        self._table = table

    def of(self, person_id: str) -> list[Statement]:
        return [Statement.from_json(raw) for raw in (self._table.get(person_id) or {}).values()]
