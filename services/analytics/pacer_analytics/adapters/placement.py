"""Which worker of the group holds a table row: the partition the row was written in, and who holds that partition now.

A table row is written by an agent while it handles an event, in the changelog partition of that event's own
partition; every row of a table is about one person (or one activity), and the topic the agent reads is keyed by that
person (activity), so the row's partition is the one the person's id hashes to in that topic. The hash is the
producers' (murmur2 of the key's bytes, as aiokafka and the Java client do it): faust serializes the keys of its
re-keying topics as JSON, and Pacer's own producers key goals.events, reviews.events and incentives.events by the
event's subject, the person, as UTF-8.

Who holds each partition is what faust's assignor hands every member after a rebalance: the changelog partitions of
each member, with the URL it advertised (faust's `canonical_url`, here the worker's API address).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import faust
from aiokafka.partitioner import murmur2
from faust.assignor import PartitionAssignor
from faust.types import TableT

from pacer_analytics.consumers.tables import Tables
from pacer_shared import topics
from pacer_shared.topics import TopicNames

PERSON_DAY_TABLES = ("daily", "workload", "warned")
"""Keyed by a JSON array whose first item is the assistant."""


def person_of(table: str, key: str) -> str:
    """Whom (or which activity) a row of the table is about: the id its partition is chosen by."""
    if table in PERSON_DAY_TABLES:
        return str(json.loads(key)[0])
    return key


@dataclass(frozen=True)
class Source:
    """The topic a table's rows are written from, and how that topic's key is made of a person's id."""

    topic: str
    encode: Callable[[str], bytes]


def _utf8(person: str) -> bytes:
    return person.encode()


def _json_key(channel: faust.TopicT) -> Callable[[str], bytes]:
    def encode(person: str) -> bytes:
        key, _ = channel.prepare_key(person, None)
        assert isinstance(key, bytes)
        return key

    return encode


class Placement:
    def __init__(self, app: faust.App, tables: Tables, names: TopicNames, stages: list[str]) -> None:
        self._app = app
        self._tables: dict[str, TableT[str, Any]] = {name: getattr(tables, name) for name in TABLES}
        _, by_activity, by_assistant = stages
        assistant_key = _json_key(app.topic(by_assistant, internal=True, key_serializer="json"))
        activity_key = _json_key(app.topic(by_activity, internal=True, key_serializer="json"))
        self._sources = {
            "activities": Source(by_activity, activity_key),
            "daily": Source(by_assistant, assistant_key),
            "watched": Source(by_assistant, assistant_key),
            "warned": Source(by_assistant, assistant_key),
            "workload": Source(by_assistant, assistant_key),
            "goals": Source(names(topics.GOALS_EVENTS), _utf8),
            "trainings": Source(names(topics.REVIEWS_EVENTS), _utf8),
            "bonuses": Source(names(topics.INCENTIVES_EVENTS), _utf8),
        }

    @property
    def url(self) -> str:
        """This worker's own address, as it advertised it to the group."""
        return str(self._app.conf.canonical_url).rstrip("/")

    def table(self, name: str) -> TableT[str, Any]:
        return self._tables[name]

    def changelog(self, table: str) -> str:
        return self._tables[table].changelog_topic.get_topic_name()

    def partition(self, table: str, person: str, partitions: int) -> int:
        """The partition of the table's changelog the person's rows are in."""
        hashed: int = murmur2(self._sources[table].encode(person))
        return (hashed & 0x7FFFFFFF) % partitions

    def owners(self, table: str) -> list[str | None]:
        """Who holds each partition of the table, by partition number; None where nobody does (a rebalance)."""
        topic = self.changelog(table)
        held: dict[int, str] = {}
        assignor = cast(PartitionAssignor, self._app.assignor)
        for url, assigned in assignor.changelog_distribution.items():
            for partition in assigned.get(topic, []):
                held[partition] = str(url).rstrip("/")
        if not held:
            return []
        return [held.get(partition) for partition in range(max(held) + 1)]

    def held(self) -> int:
        """How many partitions of the activity this worker holds now (the same for every table)."""
        topic = self.changelog("daily")
        return sum(1 for tp in self._app.assignor.assigned_actives() if tp.topic == topic)

    def holding(self, table: str) -> Callable[[str], bool]:
        """Whether this worker reads a person's partition of the table now (not as a standby), as of this call."""
        partitions = len(self.owners(table))
        topic = self.changelog(table)
        active = {tp.partition for tp in self._app.assignor.assigned_actives() if tp.topic == topic}
        return lambda person: partitions > 0 and self.partition(table, person, partitions) in active


TABLES = ("activities", "daily", "watched", "warned", "goals", "trainings", "bonuses", "workload")
