"""The faust app of analytics, configured from the service's settings (brokers, TLS/SASL, partitions, store)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import faust
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.helpers import create_ssl_context
from faust.transport.drivers import aiokafka as faust_kafka
from faust.types import TP, Message
from mode.utils.times import want_seconds

from pacer_analytics.settings import AnalyticsSettings
from pacer_shared.kafka import partitions_of

DECLARE_POLLS = 300
"""Five polls a second for a minute."""


class _Consumer(faust_kafka.Consumer):
    """faust's Kafka consumer, which after every rebalance also moves a stream partition the group has committed
    nothing of to the first record this worker has not processed, as faust moves the others to their committed offset.

    While a rebalance runs, faust cuts short handing fetched records to the streams but counts them as read; after it,
    faust moves each stream partition back to its committed offset, and so reads those records again, except where
    nothing was committed yet (it takes a committed 0 for none, and so does aiokafka's seek). There the read position
    stayed past records no stream processed: activity sent while workers took partitions over was never counted,
    and faust's commit passed over the hole. Moving such a partition back to its start instead re-read what had been
    processed since the last rebalance too (a worker's second rebalance, when a dead member's session expires), so
    it goes back only to just after the highest record processed on it in this worker's life (acknowledged by its
    stream), or to its start if none was. A record read twice counts once (every stage is idempotent by activity id);
    none is skipped. This overrides two methods of faust-streaming's consumer and reads its committed offsets, so a
    new faust version (uv.lock) must keep the two-worker test green (services/analytics/tests/
    test_analytics_two_workers.py sends while the workers take partitions over)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._processed: dict[TP, int] = {}

    def ack(self, message: Message) -> bool:
        acked = super().ack(message)
        if acked and message.offset > self._processed.get(message.tp, -1):
            self._processed[message.tp] = message.offset
        return acked

    async def perform_seek(self) -> None:
        await super().perform_seek()
        for tp in self.assignment():
            if self._is_changelog_tp(tp) or self._committed_offset.get(tp):
                continue
            if (processed := self._processed.get(tp)) is not None:
                await self.seek(tp, processed + 1)
            else:
                await self._thread.seek_to_beginning(faust_kafka.ensure_aiokafka_TP(tp))
                self._read_offset[tp] = None


class _Transport(faust_kafka.Transport):
    Consumer = _Consumer


class _App(faust.App):
    def _new_transport(self) -> faust_kafka.Transport:
        return _Transport(self.conf.broker_consumer, self)


def faust_app(settings: AnalyticsSettings) -> faust.App:
    """Made inside the running event loop: the FastAPI lifespan owns it and starts it beside the API."""
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)  # faust makes only the last level of its datadir
    return _App(
        # Its consumer group and the prefix of its changelog topics; the roster consumer's group is pacer-analytics.
        f"{settings.topic_prefix}pacer-analytics-streams",
        broker=[f"kafka://{server.strip()}" for server in settings.kafka_bootstrap_servers.split(",")],
        broker_credentials=_credentials(settings),
        store=settings.table_store,
        datadir=f"{settings.data_dir}/{{conf.name}}",  # faust's default is the working directory, read-only in images
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        web_enabled=False,  # the API is the FastAPI app's; faust serves no port of its own
        # What the worker tells the group it is reached at: every member learns who holds which partition with
        # this address, and asks the holder's API for its rows (adapters/org_tables.py).
        canonical_url=settings.own_url(),
        producer_acks=-1,
        # Six records an event leave the worker (re-keying and changelogs); faust's default of 0 sent each in a
        # produce request of its own, the largest cost in a profile (bench/PERFORMANCE.md). Trends can wait 20 ms.
        producer_linger_ms=20,
        # A worker killed without leaving the group holds its partitions this long; faust's own default is 60 s.
        broker_session_timeout=settings.consumer_session_timeout_ms / 1000,
        broker_heartbeat_interval=settings.consumer_session_timeout_ms / 3000,
        key_serializer="json",  # the tables' keys are strings; JSON gives them back as strings after recovery
        value_serializer="json",
        loop=asyncio.get_running_loop(),
    )


def _credentials(settings: AnalyticsSettings) -> faust.types.auth.CredentialsT | None:
    protocol = settings.kafka_security_protocol
    tls = create_ssl_context(cafile=settings.kafka_ssl_cafile) if protocol in ("SSL", "SASL_SSL") else None
    if protocol.startswith("SASL"):
        password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password,
            ssl_context=tls,
            mechanism=settings.kafka_sasl_mechanism or "PLAIN",
        )
    if tls is not None:
        return faust.SSLCredentials(tls)
    return None


async def declare_internal_topics(app: faust.App, settings: AnalyticsSettings) -> None:
    """Create the worker's own topics (re-keying topics, changelogs) before it joins its group, and wait until the
    broker's metadata lists them.

    faust creates them itself while starting, but the group's first assignment can come before the broker's
    metadata shows a topic created a moment earlier; faust then leaves that topic out of the assignment ("Ignoring
    missing topic") and nothing reads it until the next rebalance, minutes later on a fresh deployment.
    """
    wanted = {
        topic: _topic_config(channel)
        for channel in [
            *(table.changelog_topic for table in app.tables.values()),
            *(agent.channel for agent in app.agents.values()),
        ]
        if isinstance(channel, faust.Topic) and channel.internal
        for topic in channel.topics
    }
    admin = AIOKafkaAdminClient(**settings.kafka_client_options(), client_id="pacer-analytics-admin")
    await admin.start()
    try:
        missing = sorted(set(wanted) - set(await admin.list_topics()))
        if missing:
            partitions, replicas = settings.topic_partitions, settings.topic_replication_factor
            new = [NewTopic(name, partitions, replicas, topic_configs=wanted[name]) for name in missing]
            await admin.create_topics(new)
        for _ in range(DECLARE_POLLS):
            if {tp.topic for tp in await partitions_of(admin, wanted)} == set(wanted):
                return
            await asyncio.sleep(0.2)  # the broker's metadata, not an event of ours: nothing to wait on but time
        raise RuntimeError(f"the broker does not list the stream worker's topics: {sorted(wanted)}")
    finally:
        await admin.close()


def _topic_config(topic: faust.Topic) -> dict[str, str]:
    """The configuration faust itself would create the topic with."""
    flags = {flag for flag, on in (("compact", topic.compacting), ("delete", topic.deleting)) if on}
    config = {"cleanup.policy": ",".join(sorted(flags))} if flags else {}
    if topic.retention:
        config["retention.ms"] = str(int(want_seconds(topic.retention) * 1000))
    return config
