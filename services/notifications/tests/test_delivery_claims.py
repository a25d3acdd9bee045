"""Claiming deliveries against the real database: each due delivery goes to one claim, in the order it fell due."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId

from pacer_notifications.adapters.repository import INDEXES, DeliveryRepository, abandoned, due
from pacer_shared.mongo import create_client, ensure_indexes
from pacer_testkit.stack import Stack

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


@pytest.fixture
async def repository(stack: Stack, namespace: str) -> AsyncIterator[DeliveryRepository]:
    client = create_client(stack.mongo_url, "claims-test")
    db = client[f"{namespace}_notifications"]
    await ensure_indexes(db, INDEXES)
    try:
        yield DeliveryRepository(db)
    finally:
        await client.drop_database(db.name)
        await client.close()


def _delivery(delivery_id: str, status: str = "pending", due_at: datetime = NOW, **extra: object) -> dict[str, object]:
    return {"_id": delivery_id, "status": status, "due_at": due_at, "seq": ObjectId(), **extra}


async def test_each_due_delivery_is_claimed_once_earliest_first(repository: DeliveryRepository) -> None:
    await repository.deliveries.insert_many(
        [
            _delivery("later", due_at=NOW - timedelta(minutes=1)),
            _delivery("first", due_at=NOW - timedelta(minutes=5)),
            _delivery("second", due_at=NOW - timedelta(minutes=1)),  # same moment as "later", routed after it
            _delivery("not-yet", due_at=NOW + timedelta(minutes=1)),
            _delivery("sent", status="delivered"),
        ]
    )
    first = await repository.claim(due(NOW), NOW, LEASE, limit=2)
    rest = await repository.claim(due(NOW), NOW, LEASE, limit=10)

    assert [d["_id"] for d in first] == ["first", "later"]
    assert [d["_id"] for d in rest] == ["second"]
    assert {d["status"] for d in first + rest} == {"sending"}
    assert await repository.claim(due(NOW), NOW, LEASE, limit=10) == []


async def test_two_workers_claiming_the_same_candidates_never_both_win(repository: DeliveryRepository) -> None:
    await repository.deliveries.insert_many([_delivery(f"d{i}") for i in range(5)])
    ids = [f"d{i}" for i in range(5)]

    one = await repository.claim_ids(ids[:3], due(NOW), NOW, LEASE)
    other = await repository.claim_ids(ids, due(NOW), NOW, LEASE)  # the same candidates, a moment later

    assert [d["_id"] for d in one] == ["d0", "d1", "d2"]
    assert [d["_id"] for d in other] == ["d3", "d4"]
    assert len({d["claim"] for d in one} | {d["claim"] for d in other}) == 2


async def test_a_send_whose_lease_ran_out_is_taken_over(repository: DeliveryRepository) -> None:
    await repository.deliveries.insert_many(
        [
            _delivery("stuck", status="sending", lease_until=NOW - timedelta(seconds=1)),
            _delivery("in-hand", status="sending", lease_until=NOW + timedelta(seconds=30)),
        ]
    )
    taken = await repository.claim(abandoned(NOW), NOW, LEASE, limit=10)

    assert [d["_id"] for d in taken] == ["stuck"]
    assert taken[0]["lease_until"] == NOW + LEASE
    assert await repository.claim_ids(["in-hand"], abandoned(NOW), NOW, LEASE) == []
