"""What a unit of work stages at commit: the new events of what it tracked and what was published, once, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pymongo import AsyncMongoClient

from pacer_shared.clock import SystemClock
from pacer_shared.events import EventData
from pacer_shared.events.incentives import RecognitionGranted
from pacer_shared.mongo import Document
from pacer_shared.outbox import Outbox
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import NewEvents, UnitOfWork


@dataclass
class Kudos:
    """An aggregate that records its own events, as the domain's entities do."""

    person_id: str
    events: list[EventData] = field(default_factory=list)

    def grant(self, recognition_id: str) -> None:
        self.events.append(
            RecognitionGranted(person_id=self.person_id, recognition_id=recognition_id, kind="kudos", name="kudos")
        )


def ids(events: list[EventData]) -> list[str]:
    return [event.recognition_id for event in events if isinstance(event, RecognitionGranted)]


def test_a_tracked_aggregates_events_are_collected_and_it_is_left_with_none() -> None:
    kudos = Kudos("p1")
    kudos.grant("r1")
    kudos.grant("r2")
    raised = NewEvents()

    raised.track(kudos)

    assert ids(raised.collect()) == ["r1", "r2"]
    assert kudos.events == [], "an event collected once is not staged again by a later unit of work"


def test_an_aggregate_tracked_twice_stages_its_events_once() -> None:
    kudos = Kudos("p1")
    kudos.grant("r1")
    raised = NewEvents()

    raised.track(kudos)
    raised.track(kudos, kudos)

    assert ids(raised.collect()) == ["r1"]


def test_events_keep_the_order_they_were_handed_over_in() -> None:
    first, second = Kudos("p1"), Kudos("p2")
    first.grant("r1")
    second.grant("r3")
    raised = NewEvents()

    raised.track(first)
    raised.publish(RecognitionGranted(person_id="p9", recognition_id="r2", kind="kudos", name="kudos"))
    raised.track(second)

    assert ids(raised.collect()) == ["r1", "r2", "r3"]


def test_events_an_aggregate_records_after_it_was_tracked_are_staged_too() -> None:
    kudos = Kudos("p1")
    raised = NewEvents()

    raised.track(kudos)
    kudos.grant("r1")  # saved first, changed after: the commit stages what it holds then

    assert ids(raised.collect()) == ["r1"]


def test_an_aggregate_with_nothing_new_stages_nothing() -> None:
    raised = NewEvents()
    raised.track(Kudos("p1"))

    assert raised.collect() == []


def test_publishing_outside_a_running_unit_of_work_is_refused() -> None:
    db = AsyncMongoClient[Document]("mongodb://127.0.0.1:9", connect=False)["unused"]  # refused before any I/O
    uow = UnitOfWork(db, Outbox(db, TopicNames(""), "test", SystemClock()))

    with pytest.raises(RuntimeError, match=r"inside UnitOfWork\.run"):
        uow.publish(object(), RecognitionGranted(person_id="p1", recognition_id="r1", kind="kudos", name="kudos"))  # type: ignore[arg-type]
