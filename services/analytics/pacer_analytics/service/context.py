"""What the analytics use cases need: the shared runtime, the settings, and the faust app with its tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import faust
from faust.tables.manager import TableManager
from faust.types import TableT

from pacer_analytics.adapters.daily import DailyTotals
from pacer_analytics.adapters.events import EventPublisher
from pacer_analytics.consumers import agents, erasure, tables
from pacer_analytics.consumers.app import declare_internal_topics, faust_app
from pacer_analytics.domain.warning import DropRule
from pacer_analytics.service.warnings import Warnings
from pacer_analytics.service.zones import TimeZones
from pacer_analytics.settings import AnalyticsSettings
from pacer_shared import topics
from pacer_shared.kafka import ensure_topics
from pacer_shared.logs import get_logger
from pacer_shared.service import Runtime

log = get_logger(__name__)


@dataclass(frozen=True)
class Analytics:
    runtime: Runtime
    settings: AnalyticsSettings
    streams: faust.App
    daily: DailyTotals
    goal_states: TableT[str, Any]
    """assistant -> their goals' states (consumers/tables.py), read by the outcomes API."""
    trainings: TableT[str, Any]
    """person -> the courses they completed (consumers/tables.py), read by the training-effect API."""
    worker_tables: tables.Tables
    """All of them, for the export of what they hold about a person."""

    @classmethod
    def of(cls, runtime: Runtime) -> Analytics:
        assert isinstance(runtime.settings, AnalyticsSettings)
        settings = runtime.settings
        app = faust_app(settings)
        declared = tables.declare(app)
        zones = TimeZones(runtime.people, settings.roster_cache_seconds)
        rule = DropRule(settings.warning_threshold, settings.warning_min_weekly_average)
        warnings = Warnings(declared, zones, EventPublisher(runtime.producer, runtime.topics), rule)
        streams = agents.Streams(
            runtime.topics,
            zones,
            runtime.producer,
            runtime.clock,
            warnings,
            settings.warning_tick_seconds,
            runtime.erasures,
        )
        agents.declare(app, declared, streams)
        erasure.declare(app, declared, runtime.topics, runtime.erasures)
        return cls(runtime, settings, app, DailyTotals(declared.daily), declared.goals, declared.trainings, declared)

    async def personal_state(self, person_id: str) -> dict[str, list[Any]]:
        """The worker's table rows about the person, for `GET /v1/people/{person_id}/export`."""
        return erasure.held_about(self.worker_tables, person_id)

    def unready(self) -> dict[str, str]:
        """Until its tables are rebuilt from their changelogs (at start-up, after a rebalance) a worker would answer
        with partial numbers: it is unready instead, so nobody is shown them."""
        if not cast(TableManager, self.streams.tables).recovery.completed.is_set() or self.streams.rebalancing:
            return {"tables": "rebuilding from their changelog topics"}
        return {}

    async def run_streams(self) -> None:
        """The faust worker, for as long as the service runs; if it stops by itself the service is unready."""
        await ensure_topics(self.settings, [topics.SALES_ACTIVITY, topics.GOALS_EVENTS, topics.REVIEWS_EVENTS])
        await declare_internal_topics(self.streams, self.settings)
        await self.streams.start()
        try:
            await self.streams.wait_until_stopped()
            log.error("the stream worker stopped by itself", crashed=repr(self.streams.crash_reason))
        finally:
            await self.streams.stop()
