"""The agents: sales activity in, per-activity state by activity id, daily totals by assistant.

Three steps, because a retraction may name only its activity: `sales.activity` is keyed by assistant (or whatever
the producer had), so the first agent re-keys every record and retraction by activity id; the second keeps each
activity's state in the partition that owns that id and sends what the activity now contributes, keyed by
assistant; the third keeps the daily totals in the partition that owns the assistant. Every table is written
only from the partition its keys belong to, so its changelog rebuilds it exactly.

Two more agents read topics already keyed by the person they are about, so they keep their tables straight from
them: goals.events into each assistant's goal outcomes, reviews.events into the courses each person completed,
incentives.events into each person's bonus statements (for hr's copy of the team reports).

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
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import faust
from aiokafka.errors import KafkaError
from babel.numbers import list_currencies

from pacer_analytics.adapters.catch_up import CatchUp
from pacer_analytics.adapters.workload import WorkloadDays
from pacer_analytics.consumers.tables import Tables
from pacer_analytics.domain.activity import ActivityState, Contribution
from pacer_analytics.domain.bonus import Statement
from pacer_analytics.domain.day import DayTotals, day_key
from pacer_analytics.domain.outcome import GoalState
from pacer_analytics.domain.training import Completion
from pacer_analytics.service.warnings import Warnings
from pacer_analytics.service.zones import TimeZones
from pacer_shared import metrics, topics
from pacer_shared.clock import Clock
from pacer_shared.dead_letters import dead_letter
from pacer_shared.events import Event, EventData, InvalidEvent, decode
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAdjusted,
    GoalAtRisk,
    GoalCancelled,
    GoalMissed,
    GoalProgressed,
    GoalSet,
    OwnerKind,
)
from pacer_shared.events.incentives import BonusAdjusted, BonusApproved, BonusCalculated
from pacer_shared.events.reviews import TrainingCompleted
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.kafka import SharedProducer
from pacer_shared.logs import get_logger
from pacer_shared.privacy import Erasures
from pacer_shared.topics import TopicNames

log = get_logger(__name__)
CONSUMER = "activity"
GOALS_CONSUMER = "goal-outcomes"
TRAINING_CONSUMER = "training-completions"
BONUS_CONSUMER = "bonus-statements"
BONUS_EVENTS = (BonusCalculated, BonusAdjusted, BonusApproved)
OUTCOME_EVENTS = (GoalSet, GoalProgressed, GoalAtRisk, GoalAchieved, GoalMissed, GoalAdjusted, GoalCancelled)
UTC = ZoneInfo("UTC")
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
    catch_up: CatchUp
    """Ticks wait until the worker has read the history its input held at start (adapters/catch_up.py)."""

    erasures: Erasures
    """Events about a person erased are acknowledged, not counted (consumers/erasure.py)."""


def activity_stages(app: faust.App, names: TopicNames) -> list[str]:
    """The topics an activity passes through, in order: sales.activity, re-keyed by activity, then by assistant."""
    return [names(topics.SALES_ACTIVITY), f"{app.conf.id}-activity-by-id", f"{app.conf.id}-contribution-by-assistant"]


def catch_up_stages(app: faust.App, names: TopicNames) -> list[list[str]]:
    """What the warnings and reports wait for at start: the activity's three topics in order, and the bonus
    statements (read in one step) beside the first."""
    sales_topic, *later = activity_stages(app, names)
    return [[sales_topic, names(topics.INCENTIVES_EVENTS)], *([topic] for topic in later)]


def declare(app: faust.App, tables: Tables, streams: Streams) -> None:
    sales_topic, by_activity_topic, by_assistant_topic = activity_stages(app, streams.names)
    sales = app.topic(sales_topic, key_serializer="raw", value_serializer="raw")
    by_activity = app.topic(by_activity_topic, internal=True, key_serializer="json", value_serializer="json")
    by_assistant = app.topic(by_assistant_topic, internal=True, key_serializer="json", value_serializer="json")

    goal_events = app.topic(streams.names(topics.GOALS_EVENTS), key_serializer="raw", value_serializer="raw")

    @app.agent(goal_events, name="goal-outcomes")
    async def follow_goals(stream: faust.StreamT[Any]) -> None:
        """goals.events is keyed by the goal's owner, so each assistant's goals are kept in their own partition."""
        async for event in stream.events():
            received = await _decoded(event, streams, topics.GOALS_EVENTS, GOALS_CONSUMER)
            if received is None or not isinstance(received.data, OUTCOME_EVENTS):
                continue  # check-ins and miss analyses say nothing of an outcome
            data = received.data
            if data.owner_kind is not OwnerKind.ASSISTANT:
                continue  # a team's own goal: a team's outcomes are its assistants' goals
            zone = await streams.zones.of(data.owner_id) or UTC
            last_day = (data.period_end - timedelta(microseconds=1)).astimezone(zone).date()
            goals = dict(tables.goals.get(data.owner_id) or {})
            known = goals.get(data.goal_id)
            if known is None:
                state = GoalState.first(data, received.time, last_day)
            else:
                state = GoalState.from_json(known).apply(data, received.time, last_day)
            if state.to_json() != known:
                goals[data.goal_id] = state.to_json()
                tables.goals[data.owner_id] = goals

    review_events = app.topic(streams.names(topics.REVIEWS_EVENTS), key_serializer="raw", value_serializer="raw")

    @app.agent(review_events, name="training-completions")
    async def follow_training(stream: faust.StreamT[Any]) -> None:
        """reviews.events is keyed by the person, so each person's courses are kept in their own partition."""
        async for event in stream.events():
            received = await _decoded(event, streams, topics.REVIEWS_EVENTS, TRAINING_CONSUMER)
            if received is None or not isinstance(received.data, TrainingCompleted):
                continue  # reviews and assignments say nothing of a completed course
            data = received.data
            zone = await streams.zones.of(data.person_id) or UTC
            done = Completion(
                data.assignment_id, data.course_id, data.category.value, data.completed_at.astimezone(zone).date()
            )
            courses = dict(tables.trainings.get(data.person_id) or {})
            if data.assignment_id not in courses:  # completed once: a repeated event changes nothing
                courses[data.assignment_id] = done.to_json()
                tables.trainings[data.person_id] = courses

    incentive_events = app.topic(streams.names(topics.INCENTIVES_EVENTS), key_serializer="raw", value_serializer="raw")

    @app.agent(incentive_events, name="bonus-statements")
    async def follow_bonuses(stream: faust.StreamT[Any]) -> None:
        """incentives.events is keyed by the person, so each person's statements are kept in their own partition."""
        async for event in stream.events():
            received = await _decoded(event, streams, topics.INCENTIVES_EVENTS, BONUS_CONSUMER)
            if received is None or not isinstance(received.data, BONUS_EVENTS):
                continue  # recognition and promotions carry no amount of a statement
            data = received.data
            statements = dict(tables.bonuses.get(data.person_id) or {})
            known = statements.get(data.statement_id)
            before = Statement.from_json(known) if known else Statement(data.statement_id, data.person_id)
            if isinstance(data, BonusCalculated):
                zone = await streams.zones.of(data.person_id) or UTC
                last = (data.period_end - timedelta(microseconds=1)).astimezone(zone).date()
                after = before.on_calculated(data.period_start.astimezone(zone).date(), last, data.total, data.currency)
            elif isinstance(data, BonusAdjusted):
                after = before.on_adjusted(received.id, data.adjustment, data.currency)
            else:
                after = before.on_approved(data.total, data.currency)
            if after.to_json() != known:
                statements[data.statement_id] = after.to_json()
                tables.bonuses[data.person_id] = statements

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
                recorded = Contribution.from_json(change["activity"])
                if streams.erasures.erased(recorded.assistant_id):
                    continue  # re-keyed before her erasure and read again after a restart: not counted again
                after = state.on_recorded(recorded)
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
            if streams.erasures.erased(activity.assistant_id):
                continue  # as in activity-state: the internal topics still carry what was sent before her erasure
            now = streams.clock.now()
            if not await streams.warnings.kept(activity.assistant_id, activity.day, now):
                # A day the tables no longer keep (or never did): not counted, and its state not kept either, so
                # what is refused here leaves nothing behind. Refused in this stage, where the purge runs, so a
                # day is never counted again after it was purged.
                await streams.warnings.forget_activities([activity.activity_id])
                continue
            key = day_key(activity.assistant_id, activity.kind, activity.day.isoformat())
            totals = DayTotals.from_json(tables.daily.get(key))
            moved = totals.add(activity) if value["counts"] else totals.remove(activity.activity_id)
            if moved:
                tables.daily[key] = totals.to_json()
            if value["counts"]:
                today = now.astimezone(await streams.zones.of(activity.assistant_id) or UTC).date()
                streams.warnings.watch(activity.assistant_id, activity.kind, partition, today)
            WorkloadDays(tables.workload).apply(activity, counts=value["counts"])

    async def tick() -> None:
        """A tick into each partition of the by-assistant topic this worker holds, stamped with the service's time.

        None while the worker is still replaying the history it found at start: an assistant checked half-way
        through would have their old weeks counted without their recent days, and be warned of a drop that is not
        one.

        A tick the broker cannot take (an outage, a coordinator moving after a rebalance) is skipped, not raised:
        raised, it would crash the whole worker, and the next tick does the same work anyway."""
        try:
            if not await streams.catch_up.reached():
                return
            at = streams.clock.now().isoformat()
            for held in sorted(app.assignor.assigned_actives()):
                if held.topic == by_assistant.get_topic_name():
                    await by_assistant.send(key=None, value={"tick": at}, partition=held.partition)
        except (KafkaError, OSError, TimeoutError) as error:
            log.warning("early-warning tick skipped; the next one tries again", error=repr(error))

    app.timer(interval=streams.tick_seconds)(tick)


async def _decoded(event: faust.EventT[Any], streams: Streams, logical: str, consumer: str) -> Event[EventData] | None:
    """The typed event; a message that is not one is dead-lettered and the stream moves on."""
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
            streams.names.dlq(logical),
            message.value,
            message.key,
            reason=error.reason,
            kind=error.kind,
            service="analytics",
            consumer=consumer,
            at=streams.clock.now(),
            origin={
                "original-topic": message.topic,
                "original-partition": str(message.partition),
                "original-offset": str(message.offset),
            },
        )
        return None
    metrics.EVENTS_CONSUMED.labels(consumer, message.topic, received.type).inc()
    return streams.erasures.screen(received)


async def _change_of(event: faust.EventT[Any], streams: Streams) -> tuple[str, dict[str, Any]] | None:
    """The activity id and what happened to it; a message that is not a sales activity is dead-lettered."""
    received = await _decoded(event, streams, topics.SALES_ACTIVITY, CONSUMER)
    if received is None:
        return None
    data = received.data
    if isinstance(data, SalesActivityRecorded):
        local = data.occurred_at.astimezone(await streams.zones.of(data.assistant_id) or UTC)
        activity = Contribution(
            data.activity_id,
            data.assistant_id,
            data.kind,
            local.date(),
            data.quantity,
            data.amount,
            data.currency,
            local.time().replace(tzinfo=None),
        )
        return data.activity_id, {"change": "recorded", "activity": activity.to_json()}
    if isinstance(data, SalesActivityRetracted):
        return data.activity_id, {"change": "retracted"}
    return None  # another type on the topic is not ours to count
