"""A running service collects cycles less often (PACER_GC_GEN0_THRESHOLD) and leaves its start-up objects out of
collections; stopping it hands the interpreter back as it was, for processes that go on."""

from __future__ import annotations

import gc

import pytest

from pacer_testkit.probe import ProbeSettings, build
from pacer_testkit.stack import Stack, in_process


async def test_a_running_service_tunes_the_collector_and_restores_it_when_stopped(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in stack.service_env(namespace, "probe", PACER_GC_GEN0_THRESHOLD="12345").items():
        monkeypatch.setenv(key, value)
    before, frozen_before = gc.get_threshold(), gc.get_freeze_count()

    async with in_process(build(ProbeSettings())) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert gc.get_threshold() == (12345, *before[1:])
        assert gc.get_freeze_count() > frozen_before, "objects made at start-up are left out of collections"

    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
