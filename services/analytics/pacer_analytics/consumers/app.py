"""The faust app of analytics, configured from the service's settings (brokers, TLS/SASL, partitions, store)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import faust
from aiokafka.helpers import create_ssl_context

from pacer_analytics.settings import AnalyticsSettings


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
        producer_acks=-1,
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
