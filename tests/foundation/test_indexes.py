"""A service restarted with a different retention setting starts, and its indexes follow the setting."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import AsyncMongoClient

from pacer_testkit.probe import ProbeSettings, build
from pacer_testkit.stack import Stack, in_process


async def test_a_changed_dedup_retention_changes_the_index_instead_of_stopping_start_up(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in stack.service_env(namespace, "probe").items():
        monkeypatch.setenv(key, value)
    for days in (30, 7):
        monkeypatch.setenv("PACER_DEDUP_RETENTION_DAYS", str(days))
        async with in_process(build(ProbeSettings())) as http:
            assert (await http.get("/healthz")).status_code == 200
    async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
        indexes = await client[ProbeSettings().mongo_database]["processed_events"].index_information()
    assert indexes["processed_ttl"]["expireAfterSeconds"] == 7 * 86400
