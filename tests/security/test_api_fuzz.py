"""Fuzz every operation each service publishes in its /openapi.json, as every role, against the real stack.

Schemathesis reads the running service's own /openapi.json, so an operation added to any service is
fuzzed without touching this file. Any 5xx, any status the operation does not declare and any body outside
its declared schema fail the run (`schemathesis.toml` beside this file: checks, seed, examples per
operation). Each request goes as one of the callers of support.py (`fuzz_callers.py`). The report printed
on failure has a curl command per finding.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from security.support import ACTORS, organisation

from pacer_testkit.platform import SERVICES, Platform
from pacer_testkit.stack import Stack, bearer

# The first test also waits for the six services to start, on a machine that may be busy.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]
HERE = Path(__file__).parent
RUN_TIMEOUT = 600


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def platform(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async with organisation(stack, tmp_path_factory.mktemp("fuzz")) as running:
        yield running


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_every_operation_answers_within_its_declared_contract(
    platform: Platform, service: str, tmp_path: Path
) -> None:
    callers = [
        (f"{role} {actor.person_id}", bearer(actor.person_id, role)["Authorization"]) for role, actor in ACTORS.items()
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "fuzz_callers.py"), "PACER_FUZZ_CALLERS": json.dumps(callers)}
    # A subprocess the event loop waits on: the platform's chat receivers answer from this loop meanwhile.
    run = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(HERE / "schemathesis.toml")),
        *("run", f"{platform.services[service].url}/openapi.json", "--workers", "1", "--no-color"),
        *("--report-dir", str(tmp_path)),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(RUN_TIMEOUT):
            output, _ = await run.communicate()
    finally:
        if run.returncode is None:  # the test was stopped: so is the fuzzer
            run.kill()
            await run.wait()
    assert run.returncode == 0, f"{service}:\n{output.decode()}\n{platform.services[service].log_tail(20)}"
