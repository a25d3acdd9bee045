"""The people and goals a scenario starts from: the roster on Kafka, goals inserted as the goals service stores them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bench.scenarios.common import Bench
from bench.scenarios.kafka import event, produce
from pacer_goals.adapters.repository import goal_to_document
from pacer_goals.domain.goal import Goal, GoalStatus
from pacer_goals.domain.pace import PaceProfile
from pacer_goals.domain.periods import Period
from pacer_shared.events.goals import GoalMetric, MetricAggregation, OwnerKind, Recurrence
from pacer_shared.events.people import PersonUpserted
from pacer_shared.mongo import Document, create_client
from pacer_testkit.stack import bearer, eventually

HR = bearer("bench", "hr")
ADMIN = bearer("bench", "admin")


async def publish_roster(
    bench: Bench, namespace: str, people: Sequence[PersonUpserted], reaching: Sequence[str]
) -> None:
    """Publish the roster and wait until each of these services' projections holds all of it.

    People are keyed by person, so they arrive partition by partition in any order: the count is what tells.
    """
    await produce(bench.stack, f"{namespace}.org.people", ((p.person_id.encode(), event(p)) for p in people))
    client = create_client(bench.stack.mongo_url, "bench")
    try:
        for service in reaching:
            projection = client[f"{namespace}_{service}"]["people"]

            async def complete(projection: Any = projection) -> bool:
                return bool(await projection.count_documents({}) >= len(people))

            await eventually(complete, timeout=180, what=f"{len(people)} people in the {service} roster")
    finally:
        await client.close()


def goal_document(
    goal_id: str,
    owner_id: str,
    *,
    kinds: Sequence[str] = ("call",),
    target: int = 10,
    start: datetime,
    end: datetime,
    title: str = "bench",
) -> Document:
    """A goal as the goals service stores it, for bulk inserts that skip the API's per-goal round trips."""
    now = datetime.now(UTC)
    goal = Goal(
        goal_id=goal_id,
        owner_id=owner_id,
        owner_kind=OwnerKind.ASSISTANT,
        team_id=None,
        title=title,
        metric=GoalMetric(kinds=list(kinds), aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit="calls",
        timezone="UTC",
        period=Period(start, end),
        recurrence=Recurrence.NONE,
        pace_profile=PaceProfile.LINEAR,
        at_risk_levels=[],
        at_risk_grace=Decimal("0.2"),
        created_by="bench",
        created_at=now,
        status=GoalStatus.ACTIVE,
    )
    return goal_to_document(goal, now)


def goal_documents(owners: Iterable[tuple[str, str]], **shape: Any) -> Iterator[Document]:
    """Many goals of one shape, (goal id, owner id) each: a million are stamped from one document, not built."""
    template = goal_document("template", "template", **shape)
    for goal_id, owner_id in owners:
        yield {**template, "_id": goal_id, "owner_id": owner_id}


async def insert_goals(bench: Bench, namespace: str, documents: Iterable[Document]) -> None:
    client = create_client(bench.stack.mongo_url, "bench")
    try:
        goals = client[f"{namespace}_goals"]["goals"]
        chunk: list[Document] = []
        for document in documents:
            chunk.append(document)
            if len(chunk) == 5000:
                await goals.insert_many(chunk, ordered=False)
                chunk = []
        if chunk:
            await goals.insert_many(chunk, ordered=False)
    finally:
        await client.close()
