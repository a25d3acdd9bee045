"""The agents: sales activity in, per-activity state by activity id, daily totals by assistant.

Three steps, because a retraction may name only its activity: `sales.activity` is keyed by assistant (or whatever
the producer had), so the first agent re-keys every record and retraction by activity id; the second keeps each
activity's state in the partition that owns that id and sends what the activity now contributes, keyed by
assistant; the third keeps the daily totals in the partition that owns the assistant. Every table is written
only from the partition its keys belong to, so its changelog rebuilds it exactly.

The early warning runs in the third agent too, on ticks: a timer sends a tick into each partition of the
by-assistant topic this worker holds, and the agent checks that partition's assistants whose local day has turned
(service/warnings.py). A drop shows when activity stops, when no event arrives to trigger anything, so the check
follows the calendar; going through the partition's own stream keeps its table writes in that partition, in order
with the contributions before it.

Delivery is at least once (faust commits offsets after flushing what an event produced). The second agent sends
the activity's current contribution after every event for it, not only when it changed, so a send lost to a crash
after the state was saved is sent again when the event is read again; the third agent's totals carry their
activity ids, so a contribution read twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import faust
from babel.numbers import list_currencies

from pacer_analytics.consumers.tables import Tables
from pacer_analytics.domain.activity import ActivityState, Contribution
from pacer_analytics.domain.day import DayTotals, day_key
from pacer_analytics.service.warnings import Warnings
from pacer_analytics.service.zones import TimeZones
from pacer_shared import metrics, topics
from pacer_shared.clock import Clock
from pacer_shared.dead_letters import dead_letter
from pacer_shared.events import InvalidEvent, decode
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.kafka import SharedProducer
from pacer_shared.logs import get_logger
from pacer_shared.topics import TopicNames

log = get_logger(__name__)
CONSUMER = "activity"
CURRENCIES = frozenset(list_currencies())


@dataclass(frozen=True)
class Streams:
    """What the agents need besides the faust app: the roster's zones, the way to dead-letter, the early warning."""

    names: TopicNames
    zones: TimeZones
    producer: SharedProducer
    clock: Clock
    warnings: Warnings
    tick_seconds: float


def declare(app: faust.App, tables: Tables, streams: Streams) -> None:
    sales = app.topic(streams.names(topics.SALES_ACTIVITY), key_serializer="raw", value_serializer="raw")
    by_activity = app.topic(
        f"{app.conf.id}-activity-by-id", internal=True, key_serializer="json", value_serializer="json"
    )
    by_assistant = app.topic(
        f"{app.conf.id}-contribution-by-assistant", internal=True, key_serializer="json", value_serializer="json"
    )

    @app.agent(sales, name="sales-activity")
    async def rekey(stream: faust.StreamT[Any]) -> None:
        async for event in stream.events():
            change = await _change_of(event, streams)
            if change is not None:
                activity_id, value = change
                await by_activity.send(key=activity_id, value=value)

    @app.agent(by_activity, name="activity-state")
    async def track(stream: faust.StreamT[Any]) -> None:
        async for activity_id, change in stream.items():
            state = ActivityState.from_json(tables.activities.get(activity_id))
            if change["change"] == "recorded":
                after = state.on_recorded(Contribution.from_json(change["activity"]))
            else:
                after = state.on_retracted()
            if after != state:
                tables.activities[activity_id] = after.to_json()
            if after.recorded is not None:
                contribution = {"counts": after.counts, "activity": after.recorded.to_json()}
                await by_assistant.send(key=after.recorded.assistant_id, value=contribution)

    @app.agent(by_assistant, name="daily-totals")
    async def total(stream: faust.StreamT[Any]) -> None:
        async for event in stream.events():
            partition, value = event.message.partition, event.value
            if "tick" in value:
                await streams.warnings.check(partition, datetime.fromisoformat(value["tick"]))
                continue
            activity = Contribution.from_json(value["activity"])
            key = day_key(activity.assistant_id, activity.kind, activity.day.isoformat())
            totals = DayTotals.from_json(tables.daily.get(key))
            moved = totals.add(activity) if value["counts"] else totals.remove(activity.activity_id)
            if moved:
                tables.daily[key] = totals.to_json()
            if value["counts"]:
                streams.warnings.watch(activity.assistant_id, activity.kind, partition)

    async def tick() -> None:
        """A tick into each partition of the by-assistant topic this worker holds, stamped with the service's time."""
        at = streams.clock.now().isoformat()
        for held in sorted(app.assignor.assigned_actives()):
            if held.topic == by_assistant.get_topic_name():
                await by_assistant.send(key=None, value={"tick": at}, partition=held.partition)

    app.timer(interval=streams.tick_seconds)(tick)


async def _change_of(event: faust.EventT[Any], streams: Streams) -> tuple[str, dict[str, Any]] | None:
    """The activity id and what happened to it; a message that is not a sales activity is dead-lettered."""
    message = event.message
    try:
        received = decode(message.value)
        data = received.data
        if isinstance(data, SalesActivityRecorded) and data.currency and data.currency not in CURRENCIES:
            # Refused as goals refuses it, so both count the same activities.
            raise InvalidEvent(f"unknown currency {data.currency!r} (not ISO 4217)", "rejected")
    except InvalidEvent as error:
        await dead_letter(
            streams.producer,
            streams.names.dlq(topics.SALES_ACTIVITY),
            message.value,
            message.key,
            reason=error.reason,
            kind=error.kind,
            service="analytics",
            consumer=CONSUMER,
            at=streams.clock.now(),
            origin={
                "original-topic": message.topic,
                "original-partition": str(message.partition),
                "original-offset": str(message.offset),
            },
        )
        return None
    metrics.EVENTS_CONSUMED.labels(CONSUMER, message.topic, received.type).inc()
    if isinstance(data, SalesActivityRecorded):
        day = await streams.zones.day_of(data.assistant_id, data.occurred_at)
        activity = Contribution(
            data.activity_id, data.assistant_id, data.kind, day, data.quantity, data.amount, data.currency
        )
        return data.activity_id, {"change": "recorded", "activity": activity.to_json()}
    if isinstance(data, SalesActivityRetracted):
        return data.activity_id, {"change": "retracted"}
    return None  # another type on the topic is not ours to count
