"""The `pacer` operator command line against the real broker."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jwt
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from pacer_shared.events.sales import SalesActivityRecorded
from pacer_shared.settings import LOCAL_JWT_SECRET
from pacer_testkit.stack import ServiceProcess, Stack, producer, publish, read_topic, run_pacer


async def test_people_import_publishes_valid_rows_and_names_the_bad_ones(
    stack: Stack, namespace: str, tmp_path: Path
) -> None:
    roster = tmp_path / "people.csv"
    roster.write_text(
        "person_id,display_name,email,role,manager_id,team_id,timezone,locale,dingtalk\n"
        "mia,Mia,mia@acme.test,manager,,north,Europe/Berlin,en,mia.dt\n"
        "ann,安娜,ann@example.com,assistant,mia,north,Asia/Shanghai,zh-CN,\n"
        "bad,Bad,bad@example.com,assistant,mia,north,Mars/Base,en,\n",
        encoding="utf-8",
    )
    result = await run_pacer(stack, namespace, "people", "import", str(roster))
    assert result.returncode == 1, "an invalid row makes the import fail loudly"
    assert f"{roster}:4: skipped" in result.stderr
    assert "Mars/Base" in result.stderr
    assert "published 2, skipped 1" in result.stdout

    records = await read_topic(stack.kafka_bootstrap, f"{namespace}.org.people", lambda rs: len(rs) >= 2)
    people = {r.key: r.json() for r in records}
    assert people[b"mia"]["data"]["chat"] == {"dingtalk": "mia.dt"}
    assert people[b"mia"]["data"]["email"] == "mia@acme.test", "an internal mail domain is an address like any other"
    assert people[b"ann"]["data"]["locale"] == "zh-CN"

    again = await run_pacer(stack, namespace, "people", "import", str(roster))
    assert again.returncode == 1
    records = await read_topic(stack.kafka_bootstrap, f"{namespace}.org.people", lambda rs: len(rs) >= 4)
    assert len({r.json()["id"] for r in records}) == 2, "a second import repeats the same event ids"

    roster.write_text(
        "person_id,display_name,email,role,manager_id,team_id,active\n"
        "ann,安娜,ann@example.com,assistant,max,south,false\n",
        encoding="utf-8",
    )
    changed = await run_pacer(stack, namespace, "people", "import", str(roster))
    assert changed.returncode == 0, changed.stderr
    records = await read_topic(stack.kafka_bootstrap, f"{namespace}.org.people", lambda rs: len(rs) >= 5)
    *before, latest = [r.json() for r in sorted(records, key=lambda r: r.offset) if r.key == b"ann"]
    assert (latest["data"]["manager_id"], latest["data"]["active"]) == ("max", False)
    assert latest["id"] not in {r["id"] for r in before}, "a changed row is a new event, not a duplicate"


async def test_activities_backfill_from_json_lines(stack: Stack, namespace: str, tmp_path: Path) -> None:
    backfill = tmp_path / "calls.jsonl"
    lines = [
        {
            "activity_id": "c-1",
            "assistant_id": "ann",
            "kind": "call",
            "occurred_at": "2026-11-02T09:00:00+08:00",
            "source_system": "crm",
        },
        {"type": "SalesActivityRetracted", "activity_id": "c-1", "assistant_id": "ann", "reason": "duplicate"},
        {"type": "SalesActivityRetracted", "activity_id": "c-0", "reason": "deleted in the CRM"},
    ]
    text = [
        json.dumps(lines[0]),
        '{"activity_id": "c-2", "assist',
        "[1, 2]",
        json.dumps(lines[1]),
        json.dumps(lines[2]),
    ]
    backfill.write_text("".join(line + "\n" for line in text))
    result = await run_pacer(stack, namespace, "activities", "publish", str(backfill))
    assert result.returncode == 1, "bad lines make the run fail loudly"
    assert f"{backfill}:2: skipped: not JSON" in result.stderr
    assert f"{backfill}:3: skipped: not a JSON object" in result.stderr
    assert "published 3, skipped 2" in result.stdout, "the lines after a bad one are published too"
    records = await read_topic(stack.kafka_bootstrap, f"{namespace}.sales.activity", lambda rs: len(rs) >= 3)
    published = [(r.key, r.json()["type"], r.json()["data"]["activity_id"]) for r in records]
    assert sorted(published) == [
        (b"ann", "SalesActivityRecorded", "c-1"),
        (b"ann", "SalesActivityRetracted", "c-1"),
        (b"c-0", "SalesActivityRetracted", "c-0"),
    ], "a retraction that names no assistant is keyed by its activity"
    by_key = [r.json()["type"] for r in sorted(records, key=lambda r: r.offset) if r.key == b"ann"]
    assert by_key == ["SalesActivityRecorded", "SalesActivityRetracted"], "one assistant's events stay in order"


async def test_a_local_token_carries_the_subject_and_role(stack: Stack, namespace: str) -> None:
    result = await run_pacer(stack, namespace, "token", "ann", "assistant", "--hours", "1")
    claims = jwt.decode(result.stdout.strip(), LOCAL_JWT_SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("ann", "assistant")


async def test_dead_letters_are_redriven_once_and_lag_is_reported(stack: Stack, namespace: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    await admin.create_topics(
        [NewTopic(f"{namespace}.sales.activity", 3, 1), NewTopic(f"{namespace}.sales.activity.dlq", 3, 1)]
    )
    await admin.close()
    async with producer(stack.kafka_bootstrap) as client:
        await client.send_and_wait(
            f"{namespace}.sales.activity.dlq",
            b'{"fixed": "later"}',
            key=b"ann",
            headers=[
                ("pacer-dlq-original-topic", f"{namespace}.sales.activity".encode()),
                ("pacer-dlq-reason", b"bad"),
            ],
        )
    first = await run_pacer(stack, namespace, "dlq", "redrive", "sales.activity")
    assert "re-drove 1 message(s)" in first.stdout, first.stderr
    second = await run_pacer(stack, namespace, "dlq", "redrive", "sales.activity")
    assert "re-drove 0 message(s)" in second.stdout
    records = await read_topic(stack.kafka_bootstrap, f"{namespace}.sales.activity", lambda rs: len(rs) >= 1)
    assert records[0].value == b'{"fixed": "later"}'
    assert records[0].headers["pacer-redriven-from"].startswith(f"{namespace}.sales.activity.dlq:")

    report = await run_pacer(stack, namespace, "lag")
    assert report.returncode == 0, report.stderr
    assert f"{namespace}.pacer-dlq-redrive" in report.stdout
    assert f"{namespace}.sales.activity.dlq" in report.stdout


async def test_a_redrive_stops_at_what_waited_when_it_began(
    stack: Stack, namespace: str, probe: ServiceProcess
) -> None:
    """A dead letter the service refuses again goes straight back to the dead-letter topic: the redrive must not
    keep chasing it."""
    refused = SalesActivityRecorded(
        activity_id="r-1", assistant_id="ann", kind="refused", occurred_at=datetime.now(UTC), source_system="tests"
    )
    dlq = f"{namespace}.sales.activity.dlq"
    async with producer(stack.kafka_bootstrap) as client:
        await publish(client, f"{namespace}.sales.activity", refused)
    await read_topic(stack.kafka_bootstrap, dlq, lambda rs: len(rs) >= 1)

    result = await run_pacer(stack, namespace, "dlq", "redrive", "sales.activity")
    assert "re-drove 1 message(s)" in result.stdout, (result.stdout, result.stderr)
    await read_topic(stack.kafka_bootstrap, dlq, lambda rs: len(rs) >= 2)  # refused again: it waits for the next run


def figures(report: str) -> dict[tuple[str, ...], int]:
    """`pacer lag`'s rows: (group, topic) or (dead-letter topic,) to the number at the end of the line."""
    rows = [line.split() for line in report.splitlines()]
    return {tuple(row[:-1]): int(row[-1]) for row in rows if row and row[-1].isdigit()}


async def test_lag_counts_what_each_dead_letter_topic_holds_and_what_a_group_has_not_committed(
    stack: Stack, namespace: str
) -> None:
    topic, dlq = f"{namespace}.sales.activity", f"{namespace}.sales.activity.dlq"
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 3, 1), NewTopic(dlq, 3, 1)])
    await admin.close()
    async with producer(stack.kafka_bootstrap) as client:
        for n in range(7):
            await client.send_and_wait(dlq, b'{"poison": true}', partition=n % 3)
        for partition, count in ((0, 3), (1, 2)):
            for _ in range(count):
                await client.send_and_wait(topic, b"{}", partition=partition)
    # The group has applied two messages of partition 0 and none of partition 1 yet.
    group = AIOKafkaConsumer(
        bootstrap_servers=stack.kafka_bootstrap, group_id=f"{namespace}.pacer-goals", enable_auto_commit=False
    )
    await group.start()
    group.assign([TopicPartition(topic, 0)])
    await group.commit({TopicPartition(topic, 0): 2})
    await group.stop()

    report = await run_pacer(stack, namespace, "lag")

    assert report.returncode == 0, report.stderr
    found = figures(report.stdout)
    assert found[(dlq,)] == 7, report.stdout
    assert found[(f"{namespace}.pacer-goals", topic)] == 3, "1 left in partition 0 and 2 never read in partition 1"
