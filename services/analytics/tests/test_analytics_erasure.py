"""An erased assistant leaves nothing in analytics' tables: not in the worker, not in the changelog topics a worker is
rebuilt from, not after a restart, and not after her old events are read again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from analytics_support import ANALYTICS, AnalyticsWorld, recorded

from pacer_shared.events.goals import GoalMetric, GoalSet, MetricAggregation
from pacer_shared.events.incentives import BonusCalculated
from pacer_shared.events.people import PersonErased, PersonUpserted
from pacer_shared.events.reviews import TrainingCategory, TrainingCompleted
from pacer_shared.kafka import partitions_of
from pacer_testkit.stack import ServiceProcess, bearer, eventually, roster_reached

TABLES = ("daily", "activities", "watched", "goals", "trainings", "workload", "bonuses")


def zoe() -> PersonUpserted:
    suffix = uuid.uuid4().hex[:8]
    return PersonUpserted(
        person_id=f"zoe-{suffix}",
        display_name=f"Zoe {suffix}",
        email=f"zoe.{suffix}@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
        timezone="Europe/Berlin",
        locale="en",
    )


def her_goal(person_id: str, now: datetime) -> GoalSet:
    return GoalSet(
        goal_id=f"goal-{person_id}",
        owner_id=person_id,
        title="Calls",
        period_start=now - timedelta(days=3),
        period_end=now + timedelta(days=4),
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(5),
        unit="calls",
        set_by="mia",
    )


async def exported(analytics: AnalyticsWorld, person_id: str) -> dict[str, list[Any]]:
    response = await analytics.get(f"/v1/people/{person_id}/export", "hana", "hr")
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json()["holdings"].items() if k.startswith("tables/")}


async def live_changelog_records_naming(analytics: AnalyticsWorld, person_id: str) -> list[str]:
    """What a worker rebuilt from the changelogs would hold about her: each key's last record, unless a tombstone."""
    bootstrap = analytics.stack.kafka_bootstrap
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        changelogs = [t for t in await admin.list_topics() if t.startswith(analytics.namespace) and "changelog" in t]
        partitions = await partitions_of(admin, changelogs)
    finally:
        await admin.close()
    assert {t.split("-")[-2] for t in changelogs} >= set(TABLES), changelogs
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        last: dict[tuple[str, bytes | None], bytes | None] = {}
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    last[message.topic, message.key] = message.value
    finally:
        await consumer.stop()
    return [
        f"{topic}: {key!r}"
        for (topic, key), value in last.items()
        if value is not None and person_id in (key or b"").decode() + value.decode()
    ]


async def test_an_erased_assistant_leaves_nothing_in_the_tables_their_changelogs_or_a_restarted_worker(
    analytics: AnalyticsWorld,
) -> None:
    person = zoe()
    her = person.person_id
    await analytics.publish(person)
    await roster_reached(analytics.http, [her])
    now = datetime.now(UTC)
    sales = [recorded(her, now - timedelta(days=day)) for day in (1, 2, 3)]
    course = TrainingCompleted(
        assignment_id=f"course-{her}",
        person_id=her,
        course_id="objections",
        category=TrainingCategory.SALES_SKILLS,
        completed_at=now - timedelta(days=2),
    )
    await analytics.send(*sales, recorded("ann", now - timedelta(days=1)))
    bonus = BonusCalculated(
        person_id=her,
        statement_id=f"statement-{her}",
        period_start=now - timedelta(days=30),
        period_end=now,
        plan_id="sprint",
        plan_version=1,
        total=Decimal(300),
        currency="EUR",
    )
    await analytics.publish(her_goal(her, now), course, bonus)

    async def held() -> dict[str, list[Any]] | None:
        rows = await exported(analytics, her)
        complete = all(rows.get(f"tables/{table}") for table in TABLES) and len(rows["tables/activities"]) == 3
        return rows if complete else None

    await eventually(held, 90, "her rows in every table (her three calls), in hr's export")
    first, last = (now - timedelta(days=10)).date(), now.date()
    ann_before = await eventually(
        lambda: analytics.days_shown("ann", "call", first, last), 60, "ann's call, sent beside hers"
    )

    await analytics.publish(PersonErased(person_id=her))

    async def gone() -> bool:
        return not await exported(analytics, her)

    await eventually(gone, 60, "no table row about her")
    assert await analytics.days_shown("ann", "call", first, last) == ann_before, "a colleague's numbers stay"
    assert not await live_changelog_records_naming(analytics, her), "a rebuilt worker would have her back"

    # Her old events read again (a CRM sending its history once more) are not counted.
    await analytics.send(*sales)
    await analytics.publish(course, bonus)
    late = recorded("ann", now - timedelta(days=2))
    await analytics.send(late)
    await eventually(
        lambda: _shows_more(analytics, ann_before, first, last), 60, "ann's later call, sent after her old events"
    )

    assert analytics.service is not None
    analytics.service.kill()
    restarted = ServiceProcess(ANALYTICS, "analytics", analytics.service.env, analytics.service.log_path).start()
    try:
        await restarted.wait_ready(120)
        analytics.http.base_url = restarted.url  # type: ignore[assignment]
        assert not await exported(analytics, her), "the worker rebuilt from its changelogs has her back"
        assert (await analytics.days_shown("ann", "call", first, last)) != ann_before, "and kept ann's numbers"
        forbidden = await analytics.http.get(
            f"/v1/analytics/assistants/{her}/series",
            params={"kind": "call", "from": first.isoformat(), "to": last.isoformat()},
            headers=bearer("hana", "hr"),
        )
        assert forbidden.status_code == 404, "she is not in the roster any more"
    finally:
        restarted.stop()


async def _shows_more(analytics: AnalyticsWorld, before: dict[str, Any], first: Any, last: Any) -> bool:
    shown = await analytics.days_shown("ann", "call", first, last)
    return sum(day["count"] for day in shown.values()) > sum(day["count"] for day in before.values())
