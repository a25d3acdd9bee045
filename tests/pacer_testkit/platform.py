"""The whole platform for cross-service tests, used as an outside system would use it.

`running_platform(stack, namespace, log_dir)` starts the six services as separate processes on one
namespace, publishes a roster to `org.people`, waits until every service knows it, and points notifications
at a real SMTP server and the chat receivers. Tests then talk to it only through Kafka topics and HTTP APIs.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from pacer_shared.auth import Role
from pacer_shared.events import CloudEvent, EventData
from pacer_shared.events.people import PersonUpserted
from pacer_shared.events.sales import SalesActivityRecorded
from pacer_testkit.chat_receivers import Post
from pacer_testkit.clocked import FileClock
from pacer_testkit.outlets import Outlets, outlets, post_text
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import (
    Record,
    ServiceProcess,
    Stack,
    bearer,
    eventually,
    producer,
    publish,
    read_topic,
    roster_reached,
)

SERVICES = {
    "goals": "pacer_goals.main",
    "reviews": "pacer_reviews.main",
    "feedback": "pacer_feedback.main",
    "incentives": "pacer_incentives.main",
    "notifications": "pacer_notifications.main",
    "analytics": "pacer_analytics.main",
}
EXTRA_SERVICES = {"connectors": "pacer_connectors.main"}
"""Started only by suites that ask for them (`running_platform`'s `extra`): a connector needs a CRM to talk to."""
# Short polls, so deadlines, schedules and retries come due within a test's patience.
TUNING = {
    "goals": {"PACER_GOALS_DEADLINE_POLL_SECONDS": "0.5"},
    "reviews": {"PACER_REVIEWS_SCHEDULER_POLL_SECONDS": "0.3"},
    "feedback": {
        "PACER_FEEDBACK_RELEASE_POLL_SECONDS": "0.3",
        "PACER_FEEDBACK_ANONYMOUS_RELEASE_HOUR": "6",
        "PACER_FEEDBACK_ORGANISATION_TIMEZONE": "UTC",
    },
    "incentives": {"PACER_INCENTIVES_CLOSE_SETTLE_SECONDS": "1", "PACER_INCENTIVES_LEDGER_POLL_SECONDS": "0.5"},
    "notifications": {
        "PACER_NOTIFICATIONS_BACKOFF_BASE_SECONDS": "0.05",
        "PACER_NOTIFICATIONS_DELIVERY_POLL_SECONDS": "0.1",
    },
    "analytics": {"PACER_ANALYTICS_WARNING_TICK_SECONDS": "1"},
}
REVIEW_TEMPLATE: dict[str, Any] = {
    "name": "monthly-summary",
    "title": "Monthly summary",
    "criteria": [
        {"key": "records", "name": "Customer-record quality", "weight": 30},
        {"key": "teamwork", "name": "Teamwork", "weight": 30},
    ],
    "goal_weight": 40,
}
SOON = timedelta(seconds=12)
"""A deadline that activities recorded right after setting the goal still meet on a busy machine."""
BOOT_TIMEOUT = 300.0  # seven processes starting at once on a small machine, beside the other test worker
CHAIN_TIMEOUT = 60.0  # an outcome that crosses several services


def sale(assistant: str, kind: str = "call", quantity: int = 1, at: datetime | None = None) -> SalesActivityRecorded:
    return SalesActivityRecorded(
        activity_id=f"crm-{uuid.uuid4()}",
        assistant_id=assistant,
        kind=kind,
        quantity=Decimal(quantity),
        occurred_at=at or datetime.now(UTC),
        source_system="crm",
    )


def unique(title: str) -> str:
    """A title no other test uses, so the messages about it can be counted."""
    return f"{title} {uuid.uuid4().hex[:6]}"


def _event(record: Record) -> dict[str, Any] | None:
    """The record as a CloudEvent document, or None for what is not one (a poison message, a tombstone)."""
    try:
        document = record.json()
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


@dataclass
class Platform:
    stack: Stack
    namespace: str
    outlets: Outlets
    services: dict[str, ServiceProcess]
    env: dict[str, dict[str, str]]
    log_dir: Path

    @property
    def feedback_clock(self) -> FileClock:
        """The feedback service's clock (its scheduled releases); the other services keep real time."""
        return FileClock(self.log_dir / "feedback.clock")

    def release_anonymous_feedback(self) -> datetime:
        """Move the feedback service's clock just past its next scheduled release; the release's moment."""
        from pacer_feedback.domain.anonymity import next_release

        tuning = TUNING["feedback"]
        hour, zone = (
            int(tuning["PACER_FEEDBACK_ANONYMOUS_RELEASE_HOUR"]),
            tuning["PACER_FEEDBACK_ORGANISATION_TIMEZONE"],
        )
        moment = next_release(self.feedback_clock.now(), hour, ZoneInfo(zone))
        self.feedback_clock.set(moment + timedelta(minutes=1))
        return moment

    # ------------------------------------------------------------ HTTP and Kafka, as an outside system

    async def call(
        self, service: str, method: str, path: str, who: str, role: Role, body: Any = None
    ) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.services[service].url, timeout=15) as http:
            return await http.request(method, path, json=body, headers=bearer(who, role))

    def topic(self, logical: str) -> str:
        return f"{self.namespace}.{logical}"

    async def publish(self, *events: EventData) -> list[CloudEvent]:
        async with producer(self.stack.kafka_bootstrap) as client:
            return [await publish(client, self.topic(event.topic), event) for event in events]

    async def send_raw(self, logical: str, value: bytes, key: bytes) -> None:
        async with producer(self.stack.kafka_bootstrap) as client:
            await client.send_and_wait(self.topic(logical), value, key=key)

    async def records(
        self, logical: str, until: Callable[[list[Record]], bool], timeout: float = CHAIN_TIMEOUT
    ) -> list[Record]:
        return await read_topic(self.stack.kafka_bootstrap, self.topic(logical), until, timeout)

    async def events(self, logical: str, event_type: str, count: int = 1, **data: Any) -> list[dict[str, Any]]:
        """Events of a type on a topic whose data has these values, once at least `count` are there."""

        def matching(records: list[Record]) -> list[dict[str, Any]]:
            found = [event for r in records if (event := _event(r)) and event.get("type") == event_type]
            return [e for e in found if all(e.get("data", {}).get(k) == v for k, v in data.items())]

        return matching(await self.records(logical, lambda rs: len(matching(rs)) >= count))

    # ------------------------------------------------------------ goals and sales

    async def set_goal(
        self, owner: str, title: str, target: int, end: datetime | None = None, kinds: Sequence[str] = ("call",)
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        body = {
            "owner_id": owner,
            "title": title,
            "metric": {"kinds": list(kinds), "aggregation": "count"},
            "target": target,
            "unit": "calls",
            "start": (now - timedelta(seconds=1)).isoformat(),
            "end": (end or now + timedelta(hours=1)).isoformat(),
        }
        response = await self.call("goals", "POST", "/v1/goals", "mia", Role.MANAGER, body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    async def goal_where(
        self, goal_id: str, check: Callable[[dict[str, Any]], bool], what: str, timeout: float = CHAIN_TIMEOUT
    ) -> dict[str, Any]:
        async def matches() -> dict[str, Any] | None:
            response = await self.call("goals", "GET", f"/v1/goals/{goal_id}", "hana", Role.HR)
            return response.json() if response.status_code == 200 and check(response.json()) else None

        return await eventually(matches, timeout, what)

    async def record_sales(self, *activities: SalesActivityRecorded) -> None:
        """As a CRM producing to `sales.activity`."""
        await self.publish(*activities)

    async def post_sales(self, *activities: SalesActivityRecorded) -> httpx.Response:
        """As a CRM that cannot produce to Kafka, through the goals service's ingest endpoint."""
        body = [activity.model_dump(mode="json", exclude_none=True) for activity in activities]
        return await self.call("goals", "POST", "/v1/sales-activities", "crm", Role.SERVICE, body)

    # ------------------------------------------------------------ incentives

    async def bonus_plan(self, team: str, effective_from: datetime, period_end: datetime, **terms: Any) -> str:
        """A plan for `team` of one period, from `effective_from` to `period_end`: 1000 EUR at full attainment,
        half of it from attainment 0.5, nothing below; `terms` add to or replace these."""
        effective_from, period_end = effective_from.replace(microsecond=0), period_end.replace(microsecond=0)
        plan = {
            "plan_id": f"{team}-{uuid.uuid4().hex[:6]}",
            "title": f"{team.title()} sprint bonus",
            "effective_from": effective_from.isoformat(),
            "effective_to": period_end.isoformat(),
            "period": f"PT{int((period_end - effective_from).total_seconds())}S",
            "currency": "EUR",
            "team_ids": [team],
            "base": {"kind": "fixed", "amount": "1000"},
            "tiers": [
                {"min_attainment": "0", "payout": "0"},
                {"min_attainment": "0.5", "payout": "0.5"},
                {"min_attainment": "1", "payout": "1"},
            ],
            "cap": "1.5",
            **terms,
        }
        created = await self.call("incentives", "POST", "/v1/plans", "hana", Role.HR, plan)
        assert created.status_code == 201, created.text
        return str(plan["plan_id"])

    # ------------------------------------------------------------ reviews

    async def open_review(self, person: str, first: date, last: date, cycle_name: str | None = None) -> dict[str, Any]:
        """A review of `person` for the days `first` to `last`, on a template of three criteria and goals, in a cycle
        named after the person unless `cycle_name` says otherwise."""
        template = await self.call("reviews", "POST", "/v1/templates", "hana", Role.HR, REVIEW_TEMPLATE)
        assert template.status_code == 201, template.text
        cycle = {
            "name": cycle_name or f"{person}-{uuid.uuid4().hex[:6]}",
            "cadence": "custom",
            "template_name": REVIEW_TEMPLATE["name"],
            "period_start": first.isoformat(),
            "period_end": last.isoformat(),
            "person_ids": [person],
        }
        opened = await self.call("reviews", "POST", "/v1/cycles", "hana", Role.HR, cycle)
        assert opened.status_code == 201, opened.text
        listed = await self.call("reviews", "GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)
        [review] = listed.json()["items"]
        return review  # type: ignore[no-any-return]

    async def complete_review(self, review: dict[str, Any], ratings: dict[str, int]) -> None:
        """The assistant's self-assessment, then the manager's, which completes the review."""
        path = f"/v1/reviews/{review['review_id']}"
        own = await self.call(
            "reviews", "POST", f"{path}/self", review["person_id"], Role.ASSISTANT, {"ratings": ratings}
        )
        assert own.status_code == 200, own.text
        done = await self.call("reviews", "POST", f"{path}/manager", "mia", Role.MANAGER, {"ratings": ratings})
        assert done.status_code == 200, done.text

    # ------------------------------------------------------------ what people receive

    async def mail(
        self, address: str, about: str, count: int = 1, timeout: float = CHAIN_TIMEOUT
    ) -> list[EmailMessage]:
        """Emails to `address` whose subject names `about`, once at least `count` arrived."""

        async def arrived() -> list[EmailMessage] | None:
            found = [m for m in self.outlets.mailbox.to(address) if about in str(m["Subject"])]
            return found if len(found) >= count else None

        return await eventually(arrived, timeout, f"{count} email(s) to {address} about {about!r}")

    async def posts(self, channel: str, about: str, count: int = 1, timeout: float = CHAIN_TIMEOUT) -> list[Post]:
        """Chat posts to `channel` that name `about`, once at least `count` arrived."""

        async def arrived() -> list[Post] | None:
            found = [p for p in self.outlets.inbox.of(channel) if about in post_text(p)]
            return found if len(found) >= count else None

        return await eventually(
            arrived,
            timeout,
            f"{count} {channel} post(s) about {about!r} (refused: {self.outlets.inbox.rejected_of(channel)})",
        )

    # ------------------------------------------------------------ processes

    async def readiness(self, service: str) -> tuple[int, dict[str, str]]:
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.get(f"{self.services[service].url}/readyz")
        return response.status_code, response.json().get("problems", {})

    async def kill(self, service: str) -> None:
        """SIGKILL, as the kernel or an orchestrator would: no shutdown work runs."""
        await asyncio.to_thread(self.services[service].stop, signal.SIGKILL)

    async def start(self, service: str) -> ServiceProcess:
        """A fresh process of the service, on the same settings (and so the same database and consumer group)."""
        process = ServiceProcess(
            {**SERVICES, **EXTRA_SERVICES}[service],
            service,
            self.env[service],
            self.log_dir / f"{service}-{uuid.uuid4().hex[:6]}.log",
            self.feedback_clock.path if service == "feedback" else None,
        ).start()
        self.services[service] = process
        await process.wait_ready(BOOT_TIMEOUT)
        return process

    async def stop_all(self) -> None:
        await asyncio.gather(*(asyncio.to_thread(p.stop) for p in self.services.values()))


@asynccontextmanager
async def running_platform(
    stack: Stack,
    namespace: str,
    log_dir: Path,
    roster: Sequence[PersonUpserted] = ROSTER,
    extra_env: Mapping[str, str] | None = None,
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> AsyncIterator[Platform]:
    """`extra_env` is given to every service (e.g. the console's origin for CORS); `extra` names services of
    EXTRA_SERVICES to start too, each with its own settings."""
    names = [*SERVICES, *(extra or {})]
    async with outlets() as out:
        env = {
            # Merged in this order, each overriding the one before: a suite's own settings win over the tuning.
            name: stack.service_env(
                namespace,
                name,
                **{
                    **TUNING.get(name, {}),
                    **(out.env if name == "notifications" else {}),
                    **(extra_env or {}),
                    **(extra or {}).get(name, {}),
                },
            )
            for name in names
        }
        platform = Platform(stack, namespace, out, {}, env, log_dir)
        try:
            await asyncio.gather(*(platform.start(name) for name in names))
            await platform.publish(*roster)
            for service in platform.services.values():
                async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:
                    await roster_reached(http, [person.person_id for person in roster])
            yield platform
        finally:
            await platform.stop_all()
