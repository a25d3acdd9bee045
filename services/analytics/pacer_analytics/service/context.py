"""What the analytics use cases need: the shared runtime, the settings, and the faust app with its tables."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import faust
from faust.tables.manager import TableManager
from prometheus_client import Gauge

from pacer_analytics.adapters.catch_up import CatchUp
from pacer_analytics.adapters.events import EventPublisher
from pacer_analytics.adapters.org_tables import Ask, OrgTables
from pacer_analytics.adapters.placement import Placement
from pacer_analytics.adapters.view import View, ask_people
from pacer_analytics.consumers import agents, erasure, tables
from pacer_analytics.consumers.app import declare_internal_topics, faust_app
from pacer_analytics.domain.day import DayTotals
from pacer_analytics.domain.warning import DropRule
from pacer_analytics.service.warnings import Warnings
from pacer_analytics.service.zones import TimeZones
from pacer_analytics.settings import AnalyticsSettings
from pacer_shared import topics
from pacer_shared.kafka import ensure_topics
from pacer_shared.logs import get_logger
from pacer_shared.service import Runtime

log = get_logger(__name__)
PARTITIONS_HELD = Gauge(
    "pacer_analytics_partitions_held",
    "Partitions of the activity tables this worker holds (not as a standby): the group splits them between workers",
)


@dataclass(frozen=True)
class Analytics:
    runtime: Runtime
    settings: AnalyticsSettings
    streams: faust.App
    catch_up: CatchUp
    """Whether the worker has read the history its input held at start: warnings and reports wait for it."""
    publisher: EventPublisher
    worker_tables: tables.Tables
    """This worker's own tables, written by its agents, holding only the partitions the group gave it."""
    org: OrgTables
    """The rows of every partition, read from whichever worker holds them: what the API answers from."""

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
        placement = Placement(app, declared, runtime.topics, agents.activity_stages(app, runtime.topics))
        PARTITIONS_HELD.set_function(placement.held)
        org = OrgTables(
            placement,
            partial(rebuilding, app),
            settings.peer_secret.get_secret_value(),
            settings.peer_timeout_seconds,
            settings.peer_wait_seconds,
        )
        return cls(runtime, settings, app, catch_up, publisher, declared, org)

    async def read(self, ask: Ask) -> View:
        """The rows asked for, from every partition, whichever worker holds it."""
        return View(await self.org.read(ask))

    async def personal_state(self, person_id: str) -> dict[str, list[Any]]:
        """The table rows about the person in every partition, for `GET /v1/people/{person_id}/export`."""
        ask = Ask()
        for table in ("daily", "watched", "warned", "goals", "trainings", "workload", "bonuses"):
            ask_people(ask, table, [person_id])
        about = (await self.read(ask)).rows
        activities = Ask()
        for raw in about["daily"].values():
            ask_people(activities, "activities", DayTotals.from_json(raw).activities)
        about["activities"] = (await self.read(activities)).rows["activities"]
        return erasure.held_about(about, person_id)

    def unready(self) -> dict[str, str]:
        """Until its tables are rebuilt from their changelogs (at start-up, after a rebalance) a worker would answer
        with partial numbers: it is unready instead, so nobody is shown them."""
        return rebuilding(self.streams)

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
        except asyncio.CancelledError:
            await self.org.close()  # the service is stopping: no reads left to pass on to the other workers
            raise
        finally:
            await self.streams.stop()


def rebuilding(app: faust.App) -> dict[str, str]:
    """Why the worker's tables may not be read yet, if they may not: rebuilding from their changelogs."""
    if not cast(TableManager, app.tables).recovery.completed.is_set() or app.rebalancing:
        return {"tables": "rebuilding from their changelog topics"}
    return {}
