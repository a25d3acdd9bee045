"""One running platform per test module: the five services started once, as separate processes.

A module that needs servers of its own (to stop the broker, say) overrides `platform_stack`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from pacer_testkit.platform import Platform, running_platform
from pacer_testkit.stack import Stack


@pytest.fixture(scope="module")
def platform_stack(stack: Stack) -> Stack:
    return stack


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def platform(platform_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    namespace = f"t{uuid.uuid4().hex[:10]}"
    async with running_platform(platform_stack, namespace, tmp_path_factory.mktemp("platform")) as running:
        yield running
