"""Pytest fixtures for suites that run against the real stack.

The stack is the project's own local stack (Kafka, SecantusDB, sinks) started once
per session, or servers given by URL: PACER_TEST_KAFKA_BOOTSTRAP and
PACER_TEST_MONGO_URL (for a real MongoDB and Kafka, e.g. from docker compose).
Each test gets its own topic prefix and database names, so tests never see each
other's events.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from pacer_testkit.stack import Stack, start_local_stack, stop_local_stack
from pacer_testkit.world import running_service


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    kafka, mongo = os.environ.get("PACER_TEST_KAFKA_BOOTSTRAP"), os.environ.get("PACER_TEST_MONGO_URL")
    if kafka and mongo:
        yield Stack(kafka_bootstrap=kafka, mongo_url=mongo, smtp_port=None, sinks_url=None)
        return
    config = start_local_stack()
    try:
        yield Stack.of(config)
    finally:
        stop_local_stack(config)


@pytest.fixture
def namespace() -> str:
    """A prefix unique to the test, for its topics, consumer groups and databases."""
    return f"t{uuid.uuid4().hex[:10]}"


__all__ = ["namespace", "running_service", "stack"]
