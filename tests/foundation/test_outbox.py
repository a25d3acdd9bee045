"""The transactional outbox: no phantom events, no lost events."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from bson import ObjectId
from foundation.conftest import PROBE
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient

from pacer_shared import topics
from pacer_shared.auth import Role, mint_local_token
from pacer_shared.clock import SystemClock
from pacer_shared.events import EVENT_TYPES, CloudEvent, decode, wrap
from pacer_shared.events.goals import (
    GoalAdjusted,
    GoalCheckInRecorded,
    GoalMetric,
    GoalNote,
    GoalSet,
    MetricAggregation,
    OwnerKind,
)
from pacer_shared.kafka import SharedProducer, ensure_topics
from pacer_shared.mongo import Session, create_client, ensure_indexes
from pacer_shared.outbox import INDEXES, OUTBOX, Outbox, OutboxRelay
from pacer_shared.settings import LOCAL_SHREDDING_KEY, ServiceSettings
from pacer_shared.shredding import PersonKeys
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


async def test_the_outbox_seals_the_texts_an_event_declares_and_a_service_without_keys_cannot_stage_them(
    stack: Stack, namespace: str
) -> None:
    """Every event passes the outbox, so sealing there means no producer can publish a goal's title or a check-in's
    notes in clear; a team's goal names no one person and keeps its title in clear."""
    client = create_client(stack.mongo_url, "outbox-seal-test")
    db = client[f"{namespace}_outbox_seal"]
    keys = PersonKeys(client[f"{namespace}_keys"], LOCAL_SHREDDING_KEY)
    period = {"period_start": datetime(2026, 12, 1, tzinfo=UTC), "period_end": datetime(2027, 1, 1, tzinfo=UTC)}
    mine = GoalAdjusted(
        goal_id="g-ann", owner_id="ann", title="Win back Zhang Wei's account", reason="Zhang Wei moved to Acme",
        adjusted_by="mia", old_target=Decimal(10), new_target=Decimal(8), **period,
    )  # fmt: skip
    team = GoalSet(
        goal_id="g-north", owner_id="north", owner_kind=OwnerKind.TEAM, title="North: 300 calls", set_by="mia",
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT), target=Decimal(300), unit="calls",
        **period,
    )  # fmt: skip
    checkin = GoalCheckInRecorded(
        checkin_id="c-1", owner_id="ann", week_start=period["period_start"], due_at=period["period_start"],
        recorded_at=period["period_start"], confidence=3, obstacles="Zhang Wei is on leave",
        goals=[GoalNote(goal_id="g-ann", title="Win back Zhang Wei's account", progress_note="two calls")],
    )  # fmt: skip
    try:
        outbox = Outbox(db, TopicNames(f"{namespace}."), "/pacer/test", SystemClock(), keys)
        staged = await UnitOfWork(db, outbox).run(lambda session: outbox.add(session, mine, team, checkin))
        wire = [envelope.to_json().decode() for envelope in staged]
        assert ["Zhang Wei" in text for text in wire] == [False, False, False]
        assert '"North: 300 calls"' in wire[1]
        opened = [await keys.open(EVENT_TYPES[e.type], e.data) for e in staged]
        assert (opened[0]["title"], opened[0]["reason"]) == ("Win back Zhang Wei's account", "Zhang Wei moved to Acme")
        assert opened[2]["obstacles"] == "Zhang Wei is on leave"
        assert opened[2]["goals"] == [{"goal_id": "g-ann", "title": mine.title, "progress_note": "two calls"}]
        # What a consumer that reads the texts gets (`Subscription.opens`): the events typed, in clear.
        typed = await keys.opened([decode(e.to_json()).data for e in staged])
        assert typed == [mine, team, checkin]

        await keys.destroy("ann")  # her erasure
        assert (await keys.open(GoalAdjusted, staged[0].data))["title"] is None
        [shredded] = await keys.opened([decode(staged[2].to_json()).data])
        assert isinstance(shredded, GoalCheckInRecorded)
        assert (shredded.goals, shredded.obstacles, shredded.confidence) == (None, None, 3)

        without_keys = Outbox(db, TopicNames(f"{namespace}."), "/pacer/test", SystemClock())
        with pytest.raises(RuntimeError, match="GoalAdjusted but has no keys"):
            await UnitOfWork(db, without_keys).run(lambda session: without_keys.add(session, mine))
        assert len(await UnitOfWork(db, without_keys).run(lambda session: without_keys.add(session, team))) == 1
    finally:
        await client.close()
