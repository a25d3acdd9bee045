"""A read's rows, gathered from the workers that hold them (adapters/org_tables.py), behind the same readers the
worker's own tables have: the service functions work out their answers from it as they would from one table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pacer_analytics.adapters.bonuses import BonusStatements
from pacer_analytics.adapters.daily import DailyTotals
from pacer_analytics.adapters.org_tables import Ask, Rows
from pacer_analytics.adapters.workload import WorkloadDays, workload_key
from pacer_analytics.domain.day import day_key
from pacer_analytics.domain.series import days


@dataclass(frozen=True)
class View:
    rows: Rows

    @property
    def daily(self) -> DailyTotals:
        return DailyTotals(self.rows["daily"])

    @property
    def workload(self) -> WorkloadDays:
        return WorkloadDays(self.rows["workload"])

    @property
    def bonuses(self) -> BonusStatements:
        return BonusStatements(self.rows["bonuses"])

    @property
    def goals(self) -> Mapping[str, Any]:
        return self.rows["goals"]

    @property
    def trainings(self) -> Mapping[str, Any]:
        return self.rows["trainings"]

    @property
    def warned(self) -> Mapping[str, Any]:
        return self.rows["warned"]


def ask_days(ask: Ask, assistants: Iterable[str], kinds: Iterable[str], first: date, last: date) -> Ask:
    """The daily rows of these assistants and kinds on the days from first to last."""
    wanted = list(kinds)
    for assistant in assistants:
        for kind in wanted:
            ask.get["daily"].update(day_key(assistant, kind, day.isoformat()) for day in days(first, last))
    return ask


def ask_workload(ask: Ask, assistants: Iterable[str], first: date, last: date) -> Ask:
    for assistant in assistants:
        ask.get["workload"].update(workload_key(assistant, day.isoformat()) for day in days(first, last))
    return ask


def ask_people(ask: Ask, table: str, people: Iterable[str]) -> Ask:
    """Every row of the table about these people."""
    ask.scan[table].update(people)
    return ask
