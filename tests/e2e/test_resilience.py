"""The platform keeps its promises when things break: poison messages, killed services, a broker outage.

This module runs its own Kafka broker and SecantusDB, so it can stop the broker without disturbing anyone;
the five services run on them as separate processes, as in production.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import localstack
import pytest

from pacer_shared.auth import Role
from pacer_shared.events.people import PersonUpserted
from pacer_testkit.outlets import post_text, text_of
from pacer_testkit.platform import SERVICES, SOON, Platform, sale, unique
from pacer_testkit.stack import Record, Stack, eventually, private_stack, producer, publish

pytestmark = pytest.mark.asyncio(loop_scope="module")

# Every input topic, and each consumer reading it as dead letters name it (service.subscription).
CONSUMERS = {
    "org.people": {
        "goals.people",
        "goals.team-membership",
        "reviews.people",
        "reviews.review-managers",
        "reviews.onboarding",
        "feedback.people",
        "incentives.people",
        "incentives.deactivations",
        "notifications.people",
    },
    "sales.activity": {"goals.sales", "reviews.customer-ratings"},
    "goals.events": {"reviews.goal-outcomes", "incentives.ledger-inputs", "notifications.routing"},
    "feedback.events": {"reviews.feedback", "incentives.ledger-inputs", "notifications.routing"},
    "reviews.events": {"incentives.ledger-inputs", "notifications.routing"},
    "incentives.events": {"reviews.recognitions", "notifications.routing"},
}
TYPE_ON = {
    "org.people": "PersonUpserted",
    "sales.activity": "SalesActivityRecorded",
    "goals.events": "GoalAchieved",
    "feedback.events": "FeedbackGiven",
    "reviews.events": "ReviewCompleted",
    "incentives.events": "RecognitionGranted",
}
LEASE_EXPIRY = 150.0  # a send cut short by SIGKILL is retried once its 60 s lease ends


@pytest.fixture(scope="module")
def own_stack() -> Iterator[localstack.StackConfig]:
    with private_stack("resilience", kafka_port=29192, mongo_port=47117) as config:
        yield config


@pytest.fixture(scope="module")
def platform_stack(own_stack: localstack.StackConfig) -> Stack:
    return Stack.of(own_stack)


def envelope(event_type: str, data: dict[str, object]) -> bytes:
    document = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/tests/poison",
        "type": event_type,
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": "application/json",
        "data": data,
    }
    return json.dumps(document).encode()


def poison(topic: str, marker: str) -> dict[str, bytes]:
    """By the dead-letter kind each should get: not JSON, a known type with the wrong fields, an unknown type."""
    return {
        "malformed": f"<html>{marker}</html>".encode(),
        "invalid-data": envelope(TYPE_ON[topic], {"marker": marker}),
        "unknown-type": envelope("GoalTeleported", {"marker": marker}),
    }


async def test_poison_in_every_input_topic_is_dead_lettered_and_every_stream_goes_on(platform: Platform) -> None:
    marker = uuid.uuid4().hex
    for topic in CONSUMERS:
        key = b"fay" if topic == "org.people" else b"bob"  # the partitions of what follows
        for value in poison(topic, marker).values():
            await platform.send_raw(topic, value, key)

    # What follows the poison on the same partitions, through every input topic.
    fay = PersonUpserted(
        person_id="fay",
        display_name="Fay",
        email="fay@example.com",
        role="assistant",
        manager_id="mia",
        team_id="north",
    )
    await platform.publish(fay)
    title = unique("Calls after the poison")
    await platform.set_goal("bob", title, target=1)
    await platform.record_sales(sale("bob"))
    praise = {"recipient_id": "bob", "kind": "praise", "text": f"Unshaken {marker}"}
    assert (await platform.call("feedback", "POST", "/v1/feedback", "mia", Role.MANAGER, praise)).status_code == 201
    today = datetime.now(UTC).date()
    await platform.open_review("bob", today, today)
    award = {"person_id": "bob", "name": "Steady hand", "citation": "kept going"}
    assert (await platform.call("incentives", "POST", "/v1/awards", "mia", Role.MANAGER, award)).status_code == 201

    for service in SERVICES:

        async def knows_fay(service: str = service) -> bool:
            response = await platform.call(service, "GET", "/v1/people/fay", "hana", Role.HR)
            return response.status_code == 200

        await eventually(knows_fay, what=f"{service} to take the person after the poison on org.people")
    await platform.mail("bob@example.com", f"Goal achieved: {title}")  # sales.activity, goals.events
    [feedback] = await platform.mail("bob@example.com", "New feedback")  # feedback.events
    assert marker in str(feedback.get_body(("plain",)))
    await platform.mail("bob@example.com", "Review scheduled")  # reviews.events
    await platform.mail("bob@example.com", "Recognition: Steady hand")  # incentives.events

    def dead(records: list[Record]) -> set[tuple[str, str]]:
        """(consumer, kind) of this test's poison that was dead-lettered with a reason."""
        return {
            (r.headers["pacer-dlq-consumer"], r.headers["pacer-dlq-kind"])
            for r in records
            if marker.encode() in (r.value or b"") and r.headers.get("pacer-dlq-reason")
        }

    for topic, consumers in CONSUMERS.items():
        expected = {(consumer, kind) for consumer in consumers for kind in poison(topic, marker)}

        def complete(records: list[Record], expected: set[tuple[str, str]] = expected) -> bool:
            return expected <= dead(records)

        found = dead(await platform.records(f"{topic}.dlq", complete))
        assert expected <= found, f"{topic}: not dead-lettered by {sorted(expected - found)}"
    for service in SERVICES:
        assert (await platform.readiness(service))[0] == 200, f"{service} unready after the poison"


async def test_goals_killed_while_sales_flow_counts_every_activity_once(platform: Platform) -> None:
    title, calls = unique("Calls in one sitting"), 120
    goal = await platform.set_goal("ann", title, target=calls)
    marker_goal = await platform.set_goal("ann", unique("One report"), target=1, kinds=["report_prepared"])

    async def crm() -> None:
        # The report comes after every call on ann's partition: once it counts, so has every call.
        activities = [*(sale("ann") for _ in range(calls)), sale("ann", kind="report_prepared")]
        async with producer(platform.stack.kafka_bootstrap) as client:
            for activity in activities:
                await publish(client, platform.topic(activity.topic), activity)

    flowing = asyncio.create_task(crm())
    await platform.goal_where(goal["goal_id"], lambda g: Decimal(g["actual"]) > 0, "the calls to start counting")
    await platform.kill("goals")
    await flowing
    await platform.start("goals")

    await platform.goal_where(marker_goal["goal_id"], lambda g: g["status"] == "achieved", "the stream to be applied")
    counted = await platform.goal_where(goal["goal_id"], lambda g: True, "the goal")
    assert (counted["actual"], counted["activity_count"], counted["status"]) == (str(calls), calls, "achieved")
    assert len(await platform.events("goals.events", "GoalAchieved", goal_id=goal["goal_id"])) == 1
    assert len(await platform.mail("ann@example.com", f"目标达成：{title}")) == 1


async def test_notifications_killed_mid_delivery_sends_every_message_exactly_once(platform: Platform) -> None:
    mailbox = platform.outlets.mailbox
    end = datetime.now(UTC) + timedelta(hours=1)
    before, after = [unique("Visits") for _ in range(3)], [unique("Visits") for _ in range(2)]
    with mailbox.held():
        for title in before:
            await platform.set_goal("cid", title, target=1, end=end, kinds=["customer_visit"])
        await platform.record_sales(sale("cid", kind="customer_visit"))
        for title in before:
            await platform.posts("dingtalk", f"Goal achieved: {title}")
            await platform.posts("wecom", title)

        async def in_flight() -> bool:
            chats = [
                d
                for person in ("mia", "north")
                for d in (
                    await platform.call("notifications", "GET", f"/v1/deliveries?person_id={person}", "hana", Role.HR)
                ).json()["items"]
            ]
            return mailbox.waiting > 0 and all(d["status"] == "delivered" for d in chats)

        await eventually(in_flight, what="emails in flight at the SMTP server and every chat post recorded")
        await platform.kill("notifications")

        for title in after:  # events keep coming while notifications is down
            await platform.set_goal("cid", title, target=1, end=end, kinds=["customer_visit"])
        await platform.record_sales(sale("cid", kind="customer_visit"))
        await platform.events("goals.events", "GoalAchieved", count=len(before) + len(after), owner_id="cid")
    await platform.start("notifications")

    for title in before + after:
        await platform.mail("cid@example.com", f"Goal achieved: {title}", timeout=LEASE_EXPIRY)
        await platform.mail("cid@example.com", f"New goal: {title}", timeout=LEASE_EXPIRY)
        await platform.posts("dingtalk", f"Goal achieved: {title}")
        await platform.posts("wecom", title)
    subjects = [str(m["Subject"]) for m in mailbox.to("cid@example.com")]
    for title in before + after:
        assert [s for s in subjects if title in s] == [f"New goal: {title}", f"Goal achieved: {title}"]
        for channel in ("dingtalk", "wecom"):
            assert len([p for p in platform.outlets.inbox.of(channel) if title in post_text(p)]) == 1


async def test_incentives_killed_while_goal_events_flow_writes_one_statement_with_each_goal_once(
    platform: Platform,
) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0) + 2 * SOON  # a kill and three more sales before it
    period_end = deadline + timedelta(seconds=2)
    await platform.bonus_plan("east", period_end - timedelta(minutes=1), period_end)
    calls = await platform.set_goal("eve", unique("Calls"), target=3, end=deadline)
    quotes = await platform.set_goal("eve", unique("Quotes"), target=2, kinds=["quote_sent"], end=deadline)
    await platform.record_sales(sale("eve"))
    await platform.goal_where(calls["goal_id"], lambda g: g["actual"] == "1", "goal events to be flowing")
    await platform.kill("incentives")
    await platform.record_sales(sale("eve"), sale("eve"), sale("eve", kind="quote_sent"))
    await platform.start("incentives")

    [email] = await platform.mail("eve@example.com", "Your bonus statement")
    assert "€500.00" in text_of(email), "attainment (3/3 + 1/2) / 2 = 0.75 pays tier 0.5 of 1000"
    listed = await platform.call("incentives", "GET", "/v1/statements?person_id=eve", "hana", Role.HR)
    [statement] = [s["explanation"] for s in listed.json()["items"]]  # the plan has one period
    assert statement["adjustments"] == [], "a replayed event is not a late correction"
    [line] = statement["lines"]
    goals = [key for key in line["inputs"] if key.startswith("goal ")]
    assert sorted(goals) == sorted(f"goal {g['goal_id']} ({g['title']})" for g in (calls, quotes))
    assert len(line["cites"]) == len(set(line["cites"]))
    announced = await platform.events("incentives.events", "BonusCalculated", person_id="eve")
    assert {event["id"] for event in announced} == {announced[0]["id"]}, "one BonusCalculated, however often sent"


async def test_a_broker_outage_makes_every_service_unready_and_all_recover_by_themselves(
    platform: Platform, own_stack: localstack.StackConfig
) -> None:
    title = unique("Calls across the outage")
    goal = await platform.set_goal("bob", title, target=20)
    processes = {name: service.process for name, service in platform.services.items()}
    await platform.record_sales(*(sale("bob") for _ in range(10)))

    await asyncio.to_thread(localstack.down, own_stack, ["kafka"])
    for service in SERVICES:

        async def unready(service: str = service) -> bool:
            status, problems = await platform.readiness(service)
            return status == 503 and "kafka" in problems

        await eventually(unready, timeout=60, what=f"{service}'s /readyz to report Kafka down")

    await asyncio.to_thread(localstack.up, own_stack, ["kafka"])
    for service in SERVICES:

        async def ready(service: str = service) -> bool:
            status, problems = await platform.readiness(service)
            if status != 200:
                raise AssertionError(f"/readyz {status}: {problems}")  # shown if it never recovers
            return True

        await eventually(ready, timeout=120, what=f"{service} to recover after the broker came back")
    for name, process in processes.items():
        assert process is not None
        assert process.poll() is None, f"{name} must recover without a restart"
        assert platform.services[name].process is process

    await platform.record_sales(*(sale("bob") for _ in range(10)))
    await platform.mail("bob@example.com", f"Goal achieved: {title}", timeout=90)
    counted = await platform.goal_where(goal["goal_id"], lambda g: g["status"] == "achieved", "the goal")
    assert counted["actual"] == "20", "the activities before, during and after the outage, each once"
