"""A person's erasure in the stream worker: `PersonErased` takes their rows out of every table, each in the partition
that owns it, so the changelogs carry tombstones and a worker rebuilt from them has nothing about the person.

faust writes a table's changelog record to the partition of the event being processed, so a row can only be removed
while processing a message of the partition it was written from. The erasure topic reaches each of them by its key:
keyed like the by-assistant topic (JSON) it lands in the partition of the person's daily totals, workload, warnings
and watch; keyed like goals.events, reviews.events and incentives.events (the raw id) in the partition of their
goals, courses and bonus statements; keyed like the
by-activity topic in the partition of each activity's state. The daily step forwards the ids of the activities it
removes, since only it knows them.

A replay does not bring the person back: every event analytics decodes is screened against the service's register
of erasures (`pacer_shared.privacy`) first, as every other service's consumers do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import faust
from faust.serializers import codecs

from pacer_analytics.consumers.tables import Tables
from pacer_analytics.domain.day import DayTotals
from pacer_shared.events import InvalidEvent, decode
from pacer_shared.events.people import PersonErased
from pacer_shared.logs import get_logger
from pacer_shared.privacy import Erasures
from pacer_shared.topics import ORG_PEOPLE, TopicNames

log = get_logger(__name__)
ASSISTANT = "assistant"
"""Her daily totals and workload, the kinds watched for the early warning and the warnings sent (the by-assistant
partition)."""
PERSON = "person"
"""Her goals' outcomes, the courses she completed and her bonus statements (the partition goals.events,
reviews.events and incentives.events key her to)."""
ACTIVITY = "activity"
"""One activity's state (the by-activity partition)."""


def orders(app: faust.App) -> faust.TopicT:
    """The internal topic of erase orders, each keyed to the partition whose rows it removes."""
    return app.topic(f"{app.conf.id}-erasure-by-key", internal=True, key_serializer="raw", value_serializer="json")


async def forget_activities(erasure: faust.TopicT, activity_ids: list[str]) -> None:
    """Each activity's state out of the by-activity partition that owns it (also used by the retention purge)."""
    for activity_id in activity_ids:
        await erasure.send(key=codecs.dumps("json", activity_id), value={"erase": ACTIVITY})


def declare(app: faust.App, tables: Tables, names: TopicNames, erasures: Erasures, erasure: faust.TopicT) -> None:
    people = app.topic(names(ORG_PEOPLE), key_serializer="raw", value_serializer="raw")

    async def erase_everywhere(person_id: str) -> None:
        await erasure.send(key=codecs.dumps("json", person_id), value={"erase": ASSISTANT, "person": person_id})
        await erasure.send(key=person_id.encode(), value={"erase": PERSON, "person": person_id})

    @app.agent(people, name="erasures")
    async def follow_erasures(stream: faust.StreamT[Any]) -> None:
        """Only `PersonErased`: the roster itself is the service's MongoDB projection, which dead-letters bad input."""
        async for event in stream.events():
            try:
                received = decode(event.message.value)
            except InvalidEvent:
                continue
            if isinstance(received.data, PersonErased):
                await erase_everywhere(received.data.person_id)

    @app.agent(erasure, name="erase-rows")
    async def erase_rows(stream: faust.StreamT[Any]) -> None:
        async for order in stream.events():
            value = order.value
            if value["erase"] == ASSISTANT:
                await forget_activities(erasure, forget_assistant(tables, value["person"]))
            elif value["erase"] == PERSON:
                forget_person(tables, value["person"])
            elif value["erase"] == ACTIVITY:
                tables.activities.pop(codecs.loads("json", order.message.key), None)
            if "person" in value:  # the pseudonym, never the id: the log outlives the erasure
                log.info("stream rows erased", rows=value["erase"], person=erasures.alias(value["person"]))


def forget_assistant(tables: Tables, person_id: str) -> list[str]:
    """Removes her daily totals, workload, watch and warnings; the ids of the activities those totals were made of."""
    activities: list[str] = []
    for key in [k for k in list(tables.daily.keys()) if json.loads(k)[0] == person_id]:
        activities += DayTotals.from_json(tables.daily.pop(key)).activities
    for table in (tables.warned, tables.workload):
        for key in [k for k in list(table.keys()) if json.loads(k)[0] == person_id]:
            del table[key]
    tables.watched.pop(person_id, None)
    return activities


def forget_person(tables: Tables, person_id: str) -> None:
    tables.goals.pop(person_id, None)
    tables.trainings.pop(person_id, None)
    tables.bonuses.pop(person_id, None)


def held_about(tables: Mapping[str, Mapping[str, Any]], person_id: str) -> dict[str, list[Any]]:
    """What the tables (by name) hold about the person, for the export."""
    daily = {k: v for k, v in tables["daily"].items() if json.loads(k)[0] == person_id}
    activities = [a for totals in daily.values() for a in DayTotals.from_json(totals).activities]
    keyed = {
        name: [{"key": person_id, field: tables[name][person_id]}] if person_id in tables[name] else []
        for name, field in (("goals", "goals"), ("trainings", "courses"), ("bonuses", "statements"))
    }
    return {
        "tables/daily": [{"key": k, "totals": v} for k, v in daily.items()],
        "tables/activities": [
            {"key": a, "state": tables["activities"][a]} for a in activities if tables["activities"].get(a) is not None
        ],
        "tables/watched": [{"key": person_id, **tables["watched"][person_id]}]
        if person_id in tables["watched"]
        else [],
        "tables/warned": [
            {"key": k, "sent_at": v} for k, v in tables["warned"].items() if json.loads(k)[0] == person_id
        ],
        "tables/goals": keyed["goals"],
        "tables/trainings": keyed["trainings"],
        "tables/workload": [
            {"key": k, "times": v} for k, v in tables["workload"].items() if json.loads(k)[0] == person_id
        ],
        "tables/bonuses": keyed["bonuses"],
    }
