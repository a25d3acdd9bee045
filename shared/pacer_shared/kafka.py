"""Kafka plumbing on aiokafka: the producer every service shares and topic bootstrap."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pacer_shared import topics
from pacer_shared.logs import get_logger
from pacer_shared.settings import ServiceSettings

log = get_logger(__name__)


def create_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    # acks=all and idempotence: a broker failover neither loses nor duplicates a send.
    return AIOKafkaProducer(
        **settings.kafka_client_options(),
        client_id=f"pacer-{settings.service_name}",
        acks="all",
        enable_idempotence=settings.kafka_idempotent_producer,
        linger_ms=5,
        request_timeout_ms=15000,
    )


async def ensure_topics(settings: ServiceSettings, logical_names: list[str]) -> None:
    """Create the topics (and their dead-letter topics) a service uses, if they are missing."""
    names = topics.TopicNames(settings.topic_prefix)
    wanted: list[NewTopic] = []
    for logical in logical_names:
        config = {"cleanup.policy": "compact"} if logical in topics.COMPACTED else {}
        wanted.append(
            NewTopic(names(logical), settings.topic_partitions, settings.topic_replication_factor, topic_configs=config)
        )
        wanted.append(NewTopic(names.dlq(logical), settings.topic_partitions, settings.topic_replication_factor))
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id=f"pacer-{settings.service_name}-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in wanted if topic.name not in existing]
        if missing:
            response = await admin.create_topics(missing)
            failed = [
                f"{name}: {message or code}"
                for name, code, *message in response.topic_errors
                if code not in (0, TopicAlreadyExistsError.errno)  # another replica may have won the race
            ]
            if failed:
                raise RuntimeError(f"cannot create topics: {'; '.join(failed)}")
            log.info("topics created", topics=[t.name for t in missing])
    finally:
        await admin.close()
