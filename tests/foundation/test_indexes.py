"""A service restarted with a different retention setting starts, and its indexes follow the setting."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import AsyncMongoClient

from pacer_testkit.probe import ProbeSettings, build
from pacer_testkit.stack import Stack, in_process


async def test_a_changed_retention_changes_the_index_instead_of_stopping_start_up(
    stack: Stack, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processed event ids and audit records are kept as long as the settings say, also after the setting changed."""
    for key, value in stack.service_env(namespace, "probe").items():
        monkeypatch.setenv(key, value)
    for days in (30, 7):
        monkeypatch.setenv("PACER_DEDUP_RETENTION_DAYS", str(days))
        monkeypatch.setenv("PACER_AUDIT_RETENTION_DAYS", str(days * 52))
        async with in_process(build(ProbeSettings())) as http:
            assert (await http.get("/healthz")).status_code == 200
    async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
        db = client[ProbeSettings().mongo_database]
        processed = await db["processed_events"].index_information()
        audit = await db["audit"].index_information()
    assert processed["processed_ttl"]["expireAfterSeconds"] == 7 * 86400
    assert audit["audit_ttl"]["expireAfterSeconds"] == 7 * 52 * 86400
