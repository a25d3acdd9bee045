"""A running analytics service with a roster, ways to publish sales activity as a CRM would, and an independent
recount of what the raw events should add up to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from pacer_shared.events import EventData, wrap
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_testkit.roster import ROSTER
from pacer_testkit.sales import sale
from pacer_testkit.stack import bearer, eventually, producer
from pacer_testkit.world import RunningService, ServiceWorld

ANALYTICS = "pacer_analytics.main"


ZONES = {p.person_id: ZoneInfo(p.timezone) for p in ROSTER}


def recorded(
    assistant: str,
    at: datetime,
    kind: str = "call",
    quantity: str = "1",
    amount: str | None = None,
    currency: str | None = None,
    activity_id: str | None = None,
) -> SalesActivityRecorded:
    money = Decimal(amount) if amount is not None else None
    return sale(assistant, quantity, kind, at, activity_id, amount=money, currency=currency)


def retracted(activity: SalesActivityRecorded) -> SalesActivityRetracted:
    return SalesActivityRetracted(
        activity_id=activity.activity_id, assistant_id=activity.assistant_id, reason="entered twice in the CRM"
    )


@dataclass
class DayCount:
    count: int = 0
    quantity: Decimal = Decimal(0)
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def as_shown(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "quantity": Decimal(self.quantity),
            "amounts": {c: Decimal(a) for c, a in sorted(self.amounts.items()) if a},
        }


def recount(published: Iterable[EventData]) -> dict[tuple[str, str, date], DayCount]:
    """What the raw events add up to, worked out without the service's code: the first record of each activity id,
    unless that id was ever retracted; each on its assistant's own calendar day."""
    first: dict[str, SalesActivityRecorded] = {}
    gone: set[str] = set()
    for data in published:
        if isinstance(data, SalesActivityRecorded):
            first.setdefault(data.activity_id, data)
        elif isinstance(data, SalesActivityRetracted):
            gone.add(data.activity_id)
    days: dict[tuple[str, str, date], DayCount] = defaultdict(DayCount)
    for activity_id, activity in first.items():
        if activity_id in gone:
            continue
        day = activity.occurred_at.astimezone(ZONES[activity.assistant_id]).date()
        totals = days[activity.assistant_id, activity.kind, day]
        totals.count += 1
        totals.quantity += activity.quantity
        if activity.amount is not None and activity.currency:
            totals.amounts[activity.currency] = totals.amounts.get(activity.currency, Decimal(0)) + activity.amount
    return days


def shown(points: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A series' non-empty points as numbers, by period start."""
    return {
        p["start"]: {
            "count": p["count"],
            "quantity": Decimal(p["quantity"]),
            "amounts": {c: Decimal(a) for c, a in sorted(p["amounts"].items())},
        }
        for p in points
        if p["count"]
    }


@dataclass
class AnalyticsWorld(ServiceWorld):
    activities: list[EventData] = field(default_factory=list)
    """The sales activity sent, in order, for `recount`."""

    async def send(self, *events: EventData, keyed_by_activity: bool = False) -> None:
        """Publish as a CRM would, keyed by the assistant; `keyed_by_activity` as one that knows only the activity."""
        if not keyed_by_activity:
            await self.publish(*events)
        else:
            async with producer(self.stack.kafka_bootstrap) as client:
                for data in events:
                    envelope = wrap(data, source="/tests", time=datetime.now(UTC))
                    await self.produce(client, data, envelope, key=data.activity_id)  # type: ignore[attr-defined]
        self.activities.extend(events)

    async def series(
        self,
        assistant: str,
        kind: str,
        first: date,
        last: date,
        granularity: str = "day",
        as_: tuple[str, str] = ("hana", "hr"),
    ) -> httpx.Response:
        return await self._series(f"assistants/{assistant}/series", kind, first, last, granularity, as_)

    async def team_series(
        self,
        team: str,
        kind: str,
        first: date,
        last: date,
        granularity: str = "day",
        as_: tuple[str, str] = ("hana", "hr"),
    ) -> httpx.Response:
        return await self._series(f"teams/{team}/series", kind, first, last, granularity, as_)

    async def team_series_by_assistant(
        self,
        team: str,
        kinds: list[str],
        first: date,
        last: date,
        granularity: str = "day",
        as_: tuple[str, str] = ("hana", "hr"),
    ) -> httpx.Response:
        return await self._series(f"teams/{team}/series/by-assistant", kinds, first, last, granularity, as_)

    async def _series(
        self, path: str, kind: str | list[str], first: date, last: date, granularity: str, as_: tuple[str, str]
    ) -> httpx.Response:
        return await self.http.get(
            f"/v1/analytics/{path}",
            params={"kind": kind, "from": first.isoformat(), "to": last.isoformat(), "granularity": granularity},
            headers=bearer(*as_),
        )

    async def days_shown(self, assistant: str, kind: str, first: date, last: date) -> dict[str, dict[str, Any]]:
        response = await self.series(assistant, kind, first, last)
        assert response.status_code == 200, response.text
        return shown(response.json()["points"])

    async def until_recounted(
        self, assistants: Iterable[str], kinds: Iterable[str], first: date, last: date, timeout: float = 120
    ) -> None:
        """Wait until every series shows exactly the independent recount of what was published."""
        expected = recount(self.activities)

        async def matches() -> bool | str:
            for assistant in assistants:
                for kind in kinds:
                    want = {
                        day.isoformat(): totals.as_shown()
                        for (who, what, day), totals in expected.items()
                        if who == assistant and what == kind and first <= day <= last and totals.count
                    }
                    got = await self.days_shown(assistant, kind, first, last)
                    if got != want:
                        raise AssertionError(f"{assistant}/{kind}: shown {got}, recount {want}")
            return True

        await eventually(matches, timeout, "the series to equal the recount of the raw events")


@pytest.fixture
async def analytics(running_service: RunningService) -> AsyncIterator[AnalyticsWorld]:
    async with running_service(ANALYTICS, world=AnalyticsWorld) as world:
        yield world
