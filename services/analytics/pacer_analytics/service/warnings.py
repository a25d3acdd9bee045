"""The daily check of the assistants in one partition: ActivityDropped once per kind and ISO week, and the purge of
their days older than the retention horizon."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from prometheus_client import Counter

from pacer_analytics.adapters.events import EventPublisher
from pacer_analytics.adapters.workload import workload_key
from pacer_analytics.consumers.tables import Tables
from pacer_analytics.domain.day import DayTotals, day_key
from pacer_analytics.domain.warning import DropRule, Watch, dropped, warning_key
from pacer_analytics.service.zones import TimeZones
from pacer_shared.logs import get_logger

log = get_logger(__name__)
UTC = ZoneInfo("UTC")
BEYOND_RETENTION = Counter(
    "pacer_analytics_beyond_retention_total",
    "Activities not counted because their day is older than the tables keep (RETENTION_DAYS)",
)


@dataclass(frozen=True)
class Warnings:
    tables: Tables
    zones: TimeZones
    publisher: EventPublisher
    rule: DropRule
    retention_days: int
    forget_activities: Callable[[list[str]], Awaitable[None]]
    """Sends the purged activities' states to be removed in the partitions that own them (consumers/erasure.py)."""

    def horizon(self, today: date) -> date:
        """The first local day the tables keep."""
        return today - timedelta(days=self.retention_days)

    async def kept(self, assistant_id: str, day: date, at: datetime) -> bool:
        """Whether a day of the assistant's is within the retention horizon; one before it is counted as refused."""
        today = at.astimezone(await self.zones.of(assistant_id) or UTC).date()
        if day >= self.horizon(today):
            return True
        BEYOND_RETENTION.inc()
        return False

    def watch(self, assistant_id: str, kind: str, partition: int, today: date) -> None:
        """Remember that the assistant does this kind, so the daily check looks at it from now on."""
        before = self.tables.watched.get(assistant_id)
        after = Watch.from_json(before, partition).seen(kind, partition, self.horizon(today)).to_json()
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
            horizon = self.horizon(today)
            await self._purge(assistant_id, watch, horizon)
            self.tables.watched[assistant_id] = watch.checked(today, max(horizon, watch.kept_from or horizon)).to_json()

    async def _purge(self, assistant_id: str, watch: Watch, horizon: date) -> None:
        """The assistant's days from the earliest kept to the horizon out of the tables (usually one day), so they
        stay bounded; written in this partition's stream, so the changelogs carry the tombstones."""
        day, purged = watch.kept_from or horizon, list[str]()
        while day < horizon:
            for kind in watch.kinds:
                totals = self.tables.daily.pop(day_key(assistant_id, kind, day.isoformat()), None)
                if totals is not None:
                    purged += DayTotals.from_json(totals).activities
                if day.weekday() == 6:  # a week's warning goes with its last day
                    year, week, _ = day.isocalendar()
                    self.tables.warned.pop(warning_key(assistant_id, kind, f"{year}-W{week:02d}"), None)
            self.tables.workload.pop(workload_key(assistant_id, day.isoformat()), None)
            day += timedelta(days=1)
        await self.forget_activities(purged)

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
