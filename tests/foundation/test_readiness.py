"""/readyz tells the truth: it fails while Kafka or MongoDB is unreachable and recovers without a restart; and an
outage never keeps a service from stopping when asked.

This test owns a Kafka broker and a SecantusDB of its own, so stopping them disturbs no other test.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import localstack
import pytest
from foundation.conftest import PROBE

from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.stack import ServiceProcess, Stack, eventually, free_port, private_stack, producer, publish, running


@pytest.fixture
def own_stack() -> Iterator[localstack.StackConfig]:
    with private_stack("readiness", kafka_port=29092, mongo_port=47017) as config:
        yield config


async def readiness(service: ServiceProcess) -> tuple[int, dict[str, str]]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{service.url}/readyz")
    return response.status_code, response.json().get("problems", {})


async def test_readyz_fails_while_a_dependency_is_down_and_recovers_by_itself(
    own_stack: localstack.StackConfig, namespace: str, tmp_path: Path
) -> None:
    env = Stack.of(own_stack).service_env(namespace, "goals")
    async with running("pacer_goals.main", "goals", env, tmp_path) as goals:
        assert (await readiness(goals))[0] == 200

        for server, problem in (("mongo", "mongodb"), ("kafka", "kafka")):
            await asyncio.to_thread(localstack.down, own_stack, [server])

            async def unready(problem: str = problem) -> bool:
                status, problems = await readiness(goals)
                return status == 503 and problem in problems

            await eventually(unready, timeout=30, what=f"/readyz to report {problem} down")

            await asyncio.to_thread(localstack.up, own_stack, [server])

            async def ready() -> bool:
                return (await readiness(goals))[0] == 200

            await eventually(ready, timeout=90, what=f"/readyz to recover after {server} came back")
        assert goals.process is not None
        assert goals.process.poll() is None, "the service must not have restarted"


UVICORN_STARTUP_FAILURE = 3


async def test_a_service_still_waiting_for_kafka_stops_at_once_on_sigterm(
    stack: Stack, namespace: str, tmp_path: Path
) -> None:
    # Nothing listens on this port: start-up keeps waiting for Kafka (up to two minutes) until it is stopped.
    env = stack.service_env(namespace, "probe", PACER_KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}")
    probe = ServiceProcess("pacer_testkit.probe", "probe", env, tmp_path / "probe.log").start()
    try:

        async def waiting_for_kafka() -> bool:
            return '"dependency": "Kafka"' in probe.log_tail()

        await eventually(waiting_for_kafka, timeout=60, what="the probe to wait for Kafka")

        # Well inside the start-up wait: a service that ignored the signal until then would be killed instead.
        returncode = await asyncio.to_thread(probe.stop, signal.SIGTERM, 20.0)
    finally:
        probe.kill()

    assert returncode == UVICORN_STARTUP_FAILURE, probe.log_tail()  # not -SIGKILL: it stopped by itself
    assert "start-up interrupted by a signal" in probe.log_tail()
    assert "Unclosed" not in probe.log_tail(), "the clients opened so far are closed"


async def test_a_service_stops_on_sigterm_while_a_batch_waits_for_mongodb(
    own_stack: localstack.StackConfig, namespace: str, tmp_path: Path
) -> None:
    """A batch waiting out a database outage never finishes; stopping gives up on it after a while (it is read
    again on restart) instead of sitting out the pod's grace period and being killed."""
    stack = Stack.of(own_stack)
    probe = ServiceProcess(PROBE, "probe", stack.service_env(namespace, "probe"), tmp_path / "probe.log").start()
    try:
        await probe.wait_ready()
        await asyncio.to_thread(localstack.down, own_stack, ["mongo"])
        async with producer(stack.kafka_bootstrap) as client:
            call = SalesActivityRecorded(
                activity_id="a-1", assistant_id="ann", kind="call", occurred_at=datetime.now(UTC), source_system="t"
            )
            await publish(client, f"{namespace}.sales.activity", call)

        async def batch_in_hand() -> bool:
            return await probe.metric("pacer_consumer_batch_age_seconds") > 0

        await eventually(batch_in_hand, timeout=60, what="the probe to take the batch MongoDB cannot apply")
        returncode = await asyncio.to_thread(probe.stop, signal.SIGTERM, 40.0)
    finally:
        probe.kill()
    # uvicorn ends a graceful shutdown by re-raising the signal it caught; a process killed instead ends on SIGKILL.
    assert returncode == -signal.SIGTERM, probe.log_tail()
    assert "stopping without finishing the batch in hand" in probe.log_tail(400)
