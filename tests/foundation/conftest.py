"""Fixtures for the shared library's guarantees, proven with the probe service against the real stack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pacer_testkit.stack import ServiceProcess, Stack, running

PROBE = "pacer_testkit.probe"


@pytest.fixture
def probe_env(stack: Stack, namespace: str) -> dict[str, str]:
    return stack.service_env(namespace, "probe")


@pytest.fixture
async def probe(probe_env: dict[str, str], tmp_path: Path) -> AsyncIterator[ServiceProcess]:
    async with running(PROBE, "probe", probe_env, tmp_path) as process:
        yield process
