"""What a running service holds: its clients, outbox and roster, created by the lifespan for handlers and routes."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo import AsyncMongoClient

from pacer_shared.clock import Clock
from pacer_shared.kafka import SharedProducer
from pacer_shared.mongo import Database, Document
from pacer_shared.outbox import Outbox
from pacer_shared.people import People
from pacer_shared.privacy import Erasures
from pacer_shared.settings import ServiceSettings
from pacer_shared.shredding import PersonKeys
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork


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
    """The people's keys, in a service that publishes or reads what people write (`ServiceSettings.seals_text`):
    its outbox seals those texts, and its subscriptions that read them have them opened (`Subscription.opens`)."""
