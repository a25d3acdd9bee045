"""A running incentives service with a roster, and helpers that publish what goals and reviews would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from pacer_shared.auth import Role
from pacer_shared.events import EventData, wrap
from pacer_shared.events.goals import GoalAchieved, GoalMetric, GoalMissed, GoalSet, MetricAggregation
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.reviews import Cadence, ReviewCompleted
from pacer_testkit.stack import ServiceProcess, Stack, bearer, producer, read_topic, roster_reached, running

ROSTER = [
    PersonUpserted(person_id="mia", display_name="Mia", email="mia@example.com", role="manager", team_id="north"),
    *[
        PersonUpserted(
            person_id=name,
            display_name=name.title(),
            email=f"{name}@example.com",
            role="assistant",
            manager_id="mia",
            team_id="north",
        )
        for name in ("ann", "bob", "cara")
    ],
    PersonUpserted(
        person_id="dan",
        display_name="Dan",
        email="dan@example.com",
        role="assistant",
        manager_id="max",
        team_id="south",
    ),
    PersonUpserted(person_id="max", display_name="Max", email="max@example.com", role="manager", team_id="south"),
    PersonUpserted(person_id="hana", display_name="Hana", email="hana@example.com", role="hr"),
]
OCTOBER_END = datetime(2026, 11, 1, tzinfo=UTC)
PLAN = {
    "plan_id": "sales-support",
    "title": "Sales support bonus",
    "effective_from": "2026-10-01T00:00:00Z",
    "period": "monthly",
    "currency": "CNY",
    "team_ids": ["north"],
    "base": {"kind": "fixed", "amount": "1000"},
    "tiers": [
        {"min_attainment": "0", "payout": "0"},
        {"min_attainment": "0.5", "payout": "0.5"},
        {"min_attainment": "0.8", "payout": "0.8"},
        {"min_attainment": "1", "payout": "1"},
    ],
    "accelerator": "2",
    "cap": "1.5",
    "review_multipliers": {"3": "1", "4": "1.1", "5": "1.2"},
    "review_cadence": "monthly",
    "team_component": {"amount": "200"},
    "eligibility": {"min_rating": 3},
}


def at(day: int, month: int = 10, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def goal_set(goal: str, owner: str, target: int, end: datetime = OCTOBER_END, team: bool = False) -> GoalSet:
    return GoalSet(
        goal_id=goal,
        owner_id=owner,
        owner_kind="team" if team else "assistant",
        team_id="north",
        title=goal,
        period_start=datetime(end.year, end.month, 1, tzinfo=UTC) if end.day != 1 else at(1),
        period_end=end,
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit="calls",
        set_by="mia",
    )


def achieved(goal: GoalSet, actual: int) -> GoalAchieved:
    return GoalAchieved(
        **_about(goal),
        target=goal.target,
        actual=Decimal(actual),
        achieved_at=goal.period_end,
        attainment=Decimal(actual) / goal.target,
    )


def missed(goal: GoalSet, actual: int) -> GoalMissed:
    return GoalMissed(
        **_about(goal),
        target=goal.target,
        actual=Decimal(actual),
        shortfall=goal.target - actual,
        attainment=Decimal(actual) / goal.target,
    )


def _about(goal: GoalSet) -> dict[str, Any]:
    fields = ("goal_id", "owner_id", "owner_kind", "team_id", "title", "period_start", "period_end")
    return {name: getattr(goal, name) for name in fields}


def review(person: str, rating: int, end: datetime = OCTOBER_END, cadence: str = "monthly") -> ReviewCompleted:
    return ReviewCompleted(
        review_id=f"review-{person}-{end.date().isoformat()}",
        cycle_id="monthly",
        person_id=person,
        manager_id="mia",
        cadence=Cadence(cadence),
        period_start=at(1),
        period_end=end,
        score=Decimal(rating),
        rating=rating,
        rating_label={2: "Below", 3: "Meets", 4: "Strong", 5: "Outstanding"}.get(rating, str(rating)),
    )


@dataclass
class IncentivesWorld:
    stack: Stack
    namespace: str
    service: ServiceProcess
    http: httpx.AsyncClient

    async def call(
        self, method: str, path: str, who: str, role: Role, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.http.request(method, path, json=body, headers=bearer(who, role))

    async def publish(self, *events: EventData | tuple[EventData, datetime]) -> list[str]:
        """Publish events as their producer would, each at its own time (now if not given); returns their ids."""
        ids = []
        async with producer(self.stack.kafka_bootstrap) as client:
            for item in events:
                data, time = item if isinstance(item, tuple) else (item, datetime.now(UTC))
                envelope = wrap(data, source="/tests", time=time)
                topic = f"{self.namespace}.{data.topic}"
                await client.send_and_wait(topic, envelope.to_json(), key=(data.subject or "").encode())
                ids.append(envelope.id)
        return ids

    async def events(self, until: Any) -> list[dict[str, Any]]:
        records = await read_topic(self.stack.kafka_bootstrap, f"{self.namespace}.incentives.events", until)
        return [r.json() for r in records]


@asynccontextmanager
async def start(stack: Stack, namespace: str, log_dir: Path, **extra: str) -> AsyncIterator[IncentivesWorld]:
    env = stack.service_env(
        namespace,
        "incentives",
        PACER_INCENTIVES_CLOSE_SETTLE_SECONDS="0",
        PACER_INCENTIVES_LEDGER_POLL_SECONDS="0.3",
        **extra,
    )
    async with (
        running("pacer_incentives.main", "incentives", env, log_dir) as service,
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
    ):
        yield IncentivesWorld(stack, namespace, service, http)


@pytest.fixture
async def world(stack: Stack, namespace: str, tmp_path: Path) -> AsyncIterator[IncentivesWorld]:
    async with start(stack, namespace, tmp_path) as incentives:
        await incentives.publish(*ROSTER)
        await roster_reached(incentives.http, [person.person_id for person in ROSTER])
        yield incentives
