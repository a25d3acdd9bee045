"""`pacer`: the operator's command line.

    pacer people import people.csv            roster rows -> PersonUpserted on org.people
    pacer people export PERSON                everything each service holds that names the person, as one JSON
    pacer people erase PERSON                 PersonErased on org.people: every service forgets the person
    pacer activities publish file.csv|.jsonl  backfill SalesActivityRecorded/Retracted on sales.activity
    pacer token SUBJECT ROLE                  a local-mode bearer token
    pacer lag                                 consumer lag per group and topic, and dead letters per topic
    pacer dlq redrive TOPIC                   send a topic's dead letters back to where they came from

Kafka and the topic prefix come from the same PACER_* settings as the services.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import Field, ValidationError

from pacer_shared import topics
from pacer_shared.auth import Role, mint_local_token
from pacer_shared.dead_letters import HEADER_PREFIX, ORIGINAL_TOPIC
from pacer_shared.events import derived_id, wrap
from pacer_shared.events.people import ChatHandles, PersonErased, PersonUpserted
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_shared.kafka import create_producer, ensure_topics, partitions_of
from pacer_shared.ports import local_urls
from pacer_shared.settings import ServiceSettings

CHAT_COLUMNS = tuple(ChatHandles.model_fields)
"""A column per chat system a person can have a handle in: the roster contract decides which."""
REDRIVE_GROUP = "pacer-dlq-redrive"


class CliSettings(ServiceSettings):
    service_name: ClassVar[str] = "cli"
    service_urls: dict[str, str] = Field(
        default_factory=local_urls,
        description="Each service's API, for `pacer people export` (JSON object; `make run`'s ports by default)",
    )


def rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | ValueError]]:
    """(line number, row) from a CSV with a header, or from JSON lines; a line that is not a JSON object comes as
    the error saying why, so one bad line is reported like an invalid row instead of ending the import."""
    with path.open(newline="", encoding="utf-8") as handle:
        if path.suffix == ".jsonl":
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except ValueError as error:
                        yield number, ValueError(f"not JSON: {error}")
                        continue
                    yield number, row if isinstance(row, dict) else ValueError("not a JSON object")
        else:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, {k: v for k, v in row.items() if v not in ("", None)}


def person(row: dict[str, Any]) -> PersonUpserted:
    chat = {channel: row.pop(channel) for channel in CHAT_COLUMNS if channel in row}
    if "active" in row:
        row["active"] = str(row["active"]).lower() in ("1", "true", "yes")
    if isinstance(row.get("leads_team_ids"), str):  # a CSV cell: "north south"
        row["leads_team_ids"] = row["leads_team_ids"].replace(",", " ").split()
    return PersonUpserted.model_validate({**row, "chat": chat})


def activity(row: dict[str, Any]) -> SalesActivityRecorded | SalesActivityRetracted:
    kind = row.pop("type", SalesActivityRecorded.event_type)
    model = SalesActivityRetracted if kind == SalesActivityRetracted.event_type else SalesActivityRecorded
    return model.model_validate(row)


def person_key(person: PersonUpserted) -> str:
    """A roster row's identity is its content: importing the same file again publishes the same event ids (dropped
    as duplicates), while a row that changed (a new manager, a deactivation) is a new event."""
    return f"{person.person_id}:{hashlib.sha256(person.model_dump_json().encode()).hexdigest()}"


def activity_key(activity: SalesActivityRecorded | SalesActivityRetracted) -> str:
    """An activity's identity is its id: the facts of a sale do not change once recorded (a retraction is its own
    event type)."""
    return activity.activity_id


async def publish_file(settings: CliSettings, path: Path, parse: Any, key: Callable[[Any], str]) -> int:
    """Validate every row, publish the valid ones, report the others; exit status 1 if any was invalid."""
    names = topics.TopicNames(settings.topic_prefix)
    producer = create_producer(settings)
    await producer.start()
    published, invalid = 0, 0
    try:
        for number, row in rows(path):
            try:
                if isinstance(row, ValueError):
                    raise row
                data = parse(dict(row))
            except (ValidationError, ValueError) as error:
                invalid += 1
                print(f"{path}:{number}: skipped: {error}".replace("\n", " "), file=sys.stderr)
                continue
            event_id = derived_id(data, key(data))
            envelope = wrap(data, source="/pacer/cli", time=datetime.now(UTC), event_id=event_id)
            await producer.send_and_wait(names(data.topic), envelope.to_json(), key=data.subject.encode())
            published += 1
    finally:
        await producer.stop()
    print(f"published {published}, skipped {invalid}")
    return 1 if invalid else 0


async def export_person(settings: CliSettings, person_id: str, token: str | None) -> int:
    """Each service's part, in one document on standard output; a service that cannot answer fails the export
    (a partial answer to a person's request would look complete)."""
    if token is None:
        try:
            token = mint_local_token(settings, "pacer-cli", Role.HR, timedelta(minutes=10))
        except RuntimeError as error:
            print(f"{error}; pass an hr or admin token with --token", file=sys.stderr)
            return 2
    parts: dict[str, Any] = {}
    failed = False
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        for service, url in sorted(settings.service_urls.items()):
            try:
                response = await http.get(f"{url}/v1/people/{quote(person_id, safe='')}/export")
                response.raise_for_status()
            except httpx.HTTPError as error:
                print(f"{service}: {error}", file=sys.stderr)
                failed = True
                continue
            parts[service] = response.json()["holdings"]
    if failed:
        return 1
    document = {"person_id": person_id, "exported_at": datetime.now(UTC).isoformat(), "services": parts}
    print(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


async def connectors_status(settings: CliSettings, token: str | None) -> int:
    """Each CRM connection's sync, one line each; exits 1 when a connection's last pass failed."""
    url = settings.service_urls.get("connectors")
    if url is None:
        print("no connectors service in PACER_CLI_SERVICE_URLS", file=sys.stderr)
        return 2
    if token is None:
        try:
            token = mint_local_token(settings, "pacer-cli", Role.HR, timedelta(minutes=10))
        except RuntimeError as error:
            print(f"{error}; pass an hr or admin token with --token", file=sys.stderr)
            return 2
    async with httpx.AsyncClient(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        try:
            response = await http.get(f"{url}/v1/connections")
            response.raise_for_status()
        except httpx.HTTPError as error:
            print(f"connectors: {error}", file=sys.stderr)
            return 1
    failing = False
    print(f"{'connection':<20} {'crm':<8} {'last sync':<26} {'lag s':>8} {'errors':>6}  unmapped users / last error")
    for c in response.json()["items"]:
        lag_seconds = "-" if c["lag_seconds"] is None else f"{c['lag_seconds']:.0f}"
        unmapped = ", ".join(f"{user} ({n})" for user, n in c["unmapped_users"].items()) or "-"
        state = "backfilling" if c["backfilling"] else (c["last_sync_at"] or "never")
        print(f"{c['id']:<20} {c['crm']:<8} {state:<26} {lag_seconds:>8} {c['errors']:>6}  {unmapped}")
        if c["last_error"]:
            failing = True
            print(f"{'':<20} last error: {c['last_error']}")
    return 1 if failing else 0


async def erase_person(settings: CliSettings, person_id: str) -> int:
    erased = PersonErased(person_id=person_id)
    producer = create_producer(settings)
    await producer.start()
    try:
        envelope = wrap(erased, source="/pacer/cli", time=datetime.now(UTC))
        await producer.send_and_wait(
            topics.TopicNames(settings.topic_prefix)(erased.topic), envelope.to_json(), key=erased.subject.encode()
        )
    finally:
        await producer.stop()
    print(f"published PersonErased for {person_id}; `pacer lag` shows when every service has applied it")
    return 0


async def lag(settings: CliSettings) -> int:
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    consumer = AIOKafkaConsumer(**settings.kafka_client_options(), enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        groups = sorted(
            group for group, _ in await admin.list_consumer_groups() if group.startswith(settings.topic_prefix)
        )
        print(f"{'group':<40} {'topic':<40} lag")
        for group in groups:
            for topic, behind in sorted((await group_lag(admin, consumer, group)).items()):
                print(f"{group:<40} {topic:<40} {behind}")
        names = topics.TopicNames(settings.topic_prefix)
        print(f"\n{'dead-letter topic':<40} messages")
        dead_letters = await _messages_held(admin, consumer, [names.dlq(logical) for logical in topics.ALL])
        for dlq, held in dead_letters.items():
            print(f"{dlq:<40} {held}")
    finally:
        await consumer.stop()
        await admin.close()
    return 0


async def group_lag(admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, group: str) -> dict[str, int]:
    """Messages the group has not committed, per topic it reads: every partition of those topics, and one it never
    committed on (or whose committed messages retention has deleted) counts from its earliest message, where the
    services start."""
    committed = {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
    partitions = await partitions_of(admin, {tp.topic for tp in committed})
    starts, ends = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
    behind: dict[str, int] = {}
    for tp in partitions:
        done = max(committed.get(tp, -1), starts[tp])
        behind[tp.topic] = behind.get(tp.topic, 0) + max(ends[tp] - done, 0)
    return behind


async def _messages_held(admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, names: list[str]) -> dict[str, int]:
    """How many messages each of these topics holds now (retention may have deleted older ones); missing topics are
    left out."""
    partitions = await partitions_of(admin, names)
    starts, ends = await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
    held = {name: 0 for name in names if any(tp.topic == name for tp in partitions)}
    for tp in partitions:
        held[tp.topic] += ends[tp] - starts[tp]
    return held


async def redrive(settings: CliSettings, logical: str, limit: int | None) -> int:
    """Publish dead letters back to their original topic; the redrive group remembers how far it got.

    Only what waited when the run began is re-driven: a message the service dead-letters again at once waits for
    the next run instead of bouncing between the topics for as long as this one runs.
    """
    names = topics.TopicNames(settings.topic_prefix)
    dlq = names.dlq(logical)
    consumer = AIOKafkaConsumer(
        dlq,
        **settings.kafka_client_options(),
        group_id=f"{settings.topic_prefix}{REDRIVE_GROUP}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = create_producer(settings)
    admin = AIOKafkaAdminClient(**settings.kafka_client_options())
    await admin.start()
    try:
        partitions = await partitions_of(admin, [dlq])
    finally:
        await admin.close()
    await consumer.start()
    await producer.start()
    moved = 0
    try:
        ends = await consumer.end_offsets(partitions)
        while limit is None or moved < limit:
            batch = await consumer.getmany(timeout_ms=2000, max_records=limit - moved if limit else 500)
            if not batch:
                break
            for tp, messages in batch.items():
                messages = [m for m in messages if m.offset < ends.get(tp, 0)]
                for message in messages:
                    headers = dict(message.headers)
                    target = headers.get(HEADER_PREFIX + ORIGINAL_TOPIC, names(logical).encode()).decode()
                    await producer.send_and_wait(
                        target,
                        message.value,
                        key=message.key,
                        headers=[("pacer-redriven-from", f"{tp.topic}:{tp.partition}:{message.offset}".encode())],
                    )
                    moved += 1
                if messages:
                    await consumer.commit({tp: messages[-1].offset + 1})
            if all([await consumer.position(tp) >= end for tp, end in ends.items() if tp in consumer.assignment()]):
                break
    finally:
        await producer.stop()
        await consumer.stop()
    print(f"re-drove {moved} message(s) from {dlq}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pacer", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    people = commands.add_parser("people", help="the roster").add_subparsers(dest="action", required=True)
    people.add_parser("import", help="CSV rows to PersonUpserted").add_argument("file", type=Path)
    export_parser = people.add_parser("export", help="everything Pacer holds about a person, as JSON")
    export_parser.add_argument("person_id")
    export_parser.add_argument("--token", help="an hr or admin bearer token (local mode mints one)")
    people.add_parser("erase", help="forget a person in every service").add_argument("person_id")
    sales = commands.add_parser("activities", help="sales activities").add_subparsers(dest="action", required=True)
    sales.add_parser("publish", help="CSV or JSON lines to sales.activity").add_argument("file", type=Path)
    token = commands.add_parser("token", help="mint a local token")
    token.add_argument("subject")
    token.add_argument("role", choices=[r.value for r in Role])
    token.add_argument("--hours", type=float, default=12)
    commands.add_parser("lag", help="consumer lag and dead letters")
    crm = commands.add_parser("connectors", help="CRM connections").add_subparsers(dest="action", required=True)
    crm_status = crm.add_parser("status", help="each connection's last sync, lag, errors and unmapped users")
    crm_status.add_argument("--token", help="an hr or admin bearer token (local mode mints one)")
    dlq = commands.add_parser("dlq", help="dead letters").add_subparsers(dest="action", required=True)
    redrive_parser = dlq.add_parser("redrive", help="send dead letters back to their topic")
    redrive_parser.add_argument("topic", help="logical topic, e.g. sales.activity")
    redrive_parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    settings = CliSettings()

    if args.command == "token":
        try:
            print(mint_local_token(settings, args.subject, args.role, timedelta(hours=args.hours)))
        except RuntimeError as error:
            parser.error(str(error))
        return 0
    if args.command == "people" and args.action == "export":
        return asyncio.run(export_person(settings, args.person_id, args.token))
    if args.command == "people" and args.action == "erase":
        return asyncio.run(_with_topics(settings, erase_person(settings, args.person_id)))
    if args.command == "people":
        return asyncio.run(_with_topics(settings, publish_file(settings, args.file, person, person_key)))
    if args.command == "activities":
        return asyncio.run(_with_topics(settings, publish_file(settings, args.file, activity, activity_key)))
    if args.command == "lag":
        return asyncio.run(lag(settings))
    if args.command == "connectors":
        return asyncio.run(connectors_status(settings, args.token))
    return asyncio.run(redrive(settings, args.topic, args.limit))


async def _with_topics(settings: CliSettings, work: Any) -> int:
    await ensure_topics(settings, [topics.ORG_PEOPLE, topics.SALES_ACTIVITY])
    return await work  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
