"""What a running service holds: its clients, outbox and roster, created by the lifespan for handlers and routes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pymongo import AsyncMongoClient

from pacer_shared.clock import Clock
from pacer_shared.events import EventData
from pacer_shared.kafka import SharedProducer
from pacer_shared.mongo import Database, Document
from pacer_shared.outbox import Outbox
from pacer_shared.people import People
from pacer_shared.privacy import Erasures
from pacer_shared.settings import ServiceSettings
from pacer_shared.shredding import PersonKeys
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork

E = TypeVar("E", bound=EventData)


@dataclass
class Runtime:
    """Everything a service's handlers and routes need, created by the lifespan."""

    settings: ServiceSettings
    clock: Clock
    client: AsyncMongoClient[Document]
    db: Database
    producer: SharedProducer
    outbox: Outbox
    uow: UnitOfWork
    people: People
    topics: TopicNames
    erasures: Erasures
    """The people erased, by pseudonym: what keeps state outside MongoDB (analytics' tables) from taking them back."""
    keys: PersonKeys | None = None
    """The people's keys, in a service that seals or opens what people write (`ServiceSettings.seals_text`)."""

    async def sealed(self, event: type[E], data: Mapping[str, Any]) -> E:
        """The event with the texts it carries sealed (`EventData.sealing`): for the producers of such events."""
        if self.keys is None:
            raise RuntimeError(f"{self.settings.service_name} publishes {event.event_type} but does not seal texts")
        return event.model_validate(await self.keys.seal(event, data, self.clock.now()))
