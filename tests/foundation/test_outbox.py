"""The transactional outbox: no phantom events, no lost events."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from foundation.conftest import PROBE
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role, mint_local_token
from pacer_shared.settings import ServiceSettings
from pacer_testkit.stack import ROOT, Stack, read_topic, running


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_local_token(ServiceSettings(), 'root', Role.ADMIN)}"}


async def test_a_write_whose_transaction_aborts_publishes_nothing(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    async with running(PROBE, "probe", probe_env, tmp_path) as probe, httpx.AsyncClient(base_url=probe.url) as http:
        aborted = await http.post(
            "/v1/probe/notes", json={"note_id": "n-aborted", "person_id": "p1", "abort": True}, headers=admin_headers()
        )
        committed = await http.post(
            "/v1/probe/notes", json={"note_id": "n-kept", "person_id": "p1"}, headers=admin_headers()
        )
    assert aborted.status_code == 409
    assert committed.status_code == 201

    # The committed note's event was published after the aborted one was attempted, on the same key.
    records = await read_topic(
        stack.kafka_bootstrap,
        f"{namespace}.incentives.events",
        lambda rs: any(r.json()["data"]["recognition_id"] == "n-kept" for r in rs),
    )
    assert [r.json()["data"]["recognition_id"] for r in records] == ["n-kept"]
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(stack.mongo_url)
    try:
        notes = await client[f"{namespace}_probe"]["notes"].distinct("_id")
    finally:
        await client.close()
    assert notes == ["n-kept"]


async def test_an_event_committed_by_a_process_killed_before_publishing_is_published_once_after_restart(
    stack: Stack, namespace: str, probe_env: dict[str, str], tmp_path: Path
) -> None:
    note_id = f"n-{uuid.uuid4().hex[:8]}"
    crashed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", PROBE, "write-and-die", note_id, "p2"],
        env={**probe_env, "PYTHONPATH": str(ROOT / "tests")},
        cwd=ROOT,
        capture_output=True,
        timeout=60,
    )
    assert crashed.returncode == -9, crashed.stderr.decode()

    async with running(PROBE, "probe", probe_env, tmp_path):
        await read_topic(
            stack.kafka_bootstrap,
            f"{namespace}.incentives.events",
            lambda rs: any(r.json()["data"]["recognition_id"] == note_id for r in rs),
        )
    # Restart again and publish a later event on the same key: a second copy would sit before it.
    async with running(PROBE, "probe", probe_env, tmp_path) as probe, httpx.AsyncClient(base_url=probe.url) as http:
        sentinel = await http.post(
            "/v1/probe/notes", json={"note_id": "sentinel", "person_id": "p2"}, headers=admin_headers()
        )
        assert sentinel.status_code == 201
        records = await read_topic(
            stack.kafka_bootstrap,
            f"{namespace}.incentives.events",
            lambda rs: any(r.json()["data"]["recognition_id"] == "sentinel" for r in rs),
        )
    published = [r for r in records if r.json()["data"]["recognition_id"] == note_id]
    assert len(published) == 1
    assert published[0].key == b"p2"
    assert published[0].json()["type"] == "RecognitionGranted"
