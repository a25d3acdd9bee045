"""The transactional outbox: no phantom events, no lost events."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from bson import ObjectId
from foundation.conftest import PROBE
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient

from pacer_shared import topics
from pacer_shared.auth import Role, mint_local_token
from pacer_shared.clock import SystemClock
from pacer_shared.events import CloudEvent, wrap
from pacer_shared.kafka import SharedProducer, ensure_topics
from pacer_shared.mongo import Session, create_client, ensure_indexes
from pacer_shared.outbox import INDEXES, OUTBOX, Outbox, OutboxRelay
from pacer_shared.settings import ServiceSettings
from pacer_shared.topics import TopicNames
from pacer_shared.unit_of_work import UnitOfWork
from pacer_testkit.probe import NoteIn, note_event
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


async def test_a_transaction_staging_thousands_of_events_publishes_them_all_in_order(
    stack: Stack, namespace: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=stack.kafka_bootstrap,
        mongo_url=stack.mongo_url,
        mongo_database=f"{namespace}_outbox",
        topic_prefix=f"{namespace}.",
        topic_partitions=1,
    )
    names = TopicNames(settings.topic_prefix)
    await ensure_topics(settings, [topics.INCENTIVES_EVENTS])
    client = create_client(settings.mongo_url, "outbox-test")
    db = client[settings.mongo_database]
    await ensure_indexes(db, INDEXES)
    outbox = Outbox(db, names, "/pacer/test", SystemClock())
    # A row as the relay found them before rows held several events: one event, its id as the row's id.
    legacy = wrap(note_event(NoteIn(note_id="legacy", person_id="p0")), source="/pacer/test", time=datetime.now(UTC))
    await db[OUTBOX].insert_one(
        {
            "_id": legacy.id,
            "seq": ObjectId(),
            "topic": names(topics.INCENTIVES_EVENTS),
            "key": "p0",
            "type": legacy.type,
            "value": legacy.to_json().decode(),
            "created_at": datetime.now(UTC),
            "published": False,
        }
    )
    notes = [note_event(NoteIn(note_id=f"n-{i}", person_id=f"p{i % 7}")) for i in range(2500)]

    async def stage(session: Session) -> list[CloudEvent]:
        return await outbox.add(session, *notes)

    staged = await UnitOfWork(db, outbox).run(stage)
    assert await db[OUTBOX].count_documents({"published": False}) == 1 + 3  # 1,000 + 1,000 + 500 events
    producer = SharedProducer(settings)
    await producer.start()
    relay = OutboxRelay(db, producer, outbox, name="test")
    try:
        await relay.measure_backlog()
        assert REGISTRY.get_sample_value("pacer_outbox_backlog") == 2501
        while await relay.publish_pending():
            pass
        await relay.measure_backlog()
        assert REGISTRY.get_sample_value("pacer_outbox_backlog") == 0
    finally:
        await producer.stop()
        await client.close()
    records = await read_topic(stack.kafka_bootstrap, names(topics.INCENTIVES_EVENTS), lambda rs: len(rs) >= 2501)
    assert [r.headers["ce_id"] for r in records] == [legacy.id, *(envelope.id for envelope in staged)]
    assert [r.json()["data"]["recognition_id"] for r in records[:3]] == ["legacy", "n-0", "n-1"]
    assert records[-1].key == b"p0"  # n-2499, and 2499 = 7 × 357
