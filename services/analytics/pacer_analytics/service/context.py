"""What the analytics use cases need: the shared runtime, the settings, and the faust app with its tables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import faust
from faust.tables.manager import TableManager
from faust.types import TableT

from pacer_analytics.adapters.bonuses import BonusStatements
from pacer_analytics.adapters.catch_up import CatchUp
from pacer_analytics.adapters.daily import DailyTotals
from pacer_analytics.adapters.events import EventPublisher
from pacer_analytics.adapters.workload import WorkloadDays
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
    catch_up: CatchUp
    """Whether the worker has read the history its input held at start: warnings and reports wait for it."""
    bonuses: BonusStatements
    """Each person's bonus statements (consumers/tables.py), for hr's copy of the team reports."""
    publisher: EventPublisher
    workload: WorkloadDays
    """[assistant, day] -> each activity's local time of day, read by the workload API."""
    warned: TableT[str, Any]
    """[assistant, kind, ISO week] -> when ActivityDropped was sent, read by the warnings API."""
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
        publisher = EventPublisher(runtime.producer, runtime.topics)
        erase_orders = erasure.orders(app)
        warnings = Warnings(
            declared,
            zones,
            publisher,
            rule,
            settings.retention_days,
            partial(erasure.forget_activities, erase_orders),
        )
        catch_up = CatchUp(settings, app.conf.id, agents.catch_up_stages(app, runtime.topics))
        streams = agents.Streams(
            runtime.topics,
            zones,
            runtime.producer,
            runtime.clock,
            warnings,
            settings.warning_tick_seconds,
            catch_up,
            runtime.erasures,
        )
        agents.declare(app, declared, streams)
        erasure.declare(app, declared, runtime.topics, runtime.erasures, erase_orders)
        return cls(
            runtime,
            settings,
            app,
            DailyTotals(declared.daily),
            declared.goals,
            declared.trainings,
            catch_up,
            BonusStatements(declared.bonuses),
            publisher,
            WorkloadDays(declared.workload),
            declared.warned,
            declared,
        )

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
        await ensure_topics(
            self.settings,
            [topics.SALES_ACTIVITY, topics.GOALS_EVENTS, topics.REVIEWS_EVENTS, topics.INCENTIVES_EVENTS],
        )
        await declare_internal_topics(self.streams, self.settings)
        await self.catch_up.start()  # the history to read is what the input holds now, before the worker reads it
        await self.streams.start()
        try:
            await self.streams.wait_until_stopped()
            log.error("the stream worker stopped by itself", crashed=repr(self.streams.crash_reason))
        finally:
            await self.streams.stop()
