"""The faust app of analytics, configured from the service's settings (brokers, TLS/SASL, partitions, store)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import faust
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.helpers import create_ssl_context
from mode.utils.times import want_seconds

from pacer_analytics.settings import AnalyticsSettings
from pacer_shared.kafka import partitions_of

DECLARE_POLLS = 300
"""Five polls a second for a minute."""


def faust_app(settings: AnalyticsSettings) -> faust.App:
    """Made inside the running event loop: the FastAPI lifespan owns it and starts it beside the API."""
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)  # faust makes only the last level of its datadir
    return faust.App(
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
