"""The daily early-warning check of the assistants in one partition: ActivityDropped once per kind and ISO week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pacer_analytics.adapters.events import EventPublisher
from pacer_analytics.consumers.tables import Tables
from pacer_analytics.domain.day import DayTotals, day_key
from pacer_analytics.domain.warning import DropRule, Watch, dropped, warning_key
from pacer_analytics.service.zones import TimeZones
from pacer_shared.logs import get_logger

log = get_logger(__name__)
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Warnings:
    tables: Tables
    zones: TimeZones
    publisher: EventPublisher
    rule: DropRule

    def watch(self, assistant_id: str, kind: str, partition: int) -> None:
        """Remember that the assistant does this kind, so the daily check looks at it from now on."""
        before = self.tables.watched.get(assistant_id)
        after = Watch.from_json(before, partition).seen(kind, partition).to_json()
        if after != before:
            self.tables.watched[assistant_id] = after

    async def check(self, partition: int, at: datetime) -> None:
        """Check each assistant of the partition whose local day has turned since their last check.

        `at` is the tick's own time, so a tick read again after a crash checks the same day it did before.
        """
        for assistant_id, raw in list(self.tables.watched.items()):
            watch = Watch.from_json(raw, partition)
            if watch.partition != partition:
                continue  # another partition's tick checks them, in the stream their records belong to
            today = at.astimezone(await self.zones.of(assistant_id) or UTC).date()
            if not watch.due(today):
                continue
            for kind in watch.kinds:
                await self._check_kind(assistant_id, kind, today, at)
            self.tables.watched[assistant_id] = watch.checked(today).to_json()

    async def _check_kind(self, assistant_id: str, kind: str, today: date, at: datetime) -> None:
        def count_on(day: date) -> int:
            return DayTotals.from_json(self.tables.daily.get(day_key(assistant_id, kind, day.isoformat()))).count

        warning = dropped(self.rule, assistant_id, kind, today, count_on)
        if warning is None:
            return
        key = warning_key(assistant_id, kind, warning.week)
        if key in self.tables.warned:
            return  # warned already this week
        event_id = await self.publisher.publish(warning, key, at)
        # Written only after the broker acknowledged the event: a crash in between sends it again, same id.
        self.tables.warned[key] = at.isoformat()
        log.info("activity dropped", assistant_id=assistant_id, kind=kind, week=warning.week, event_id=event_id)
