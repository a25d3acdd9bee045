"""A person's right to their data: everything Pacer holds about them handed over, then forgotten for good.

The person works a little while first, so that every service holds something about them: a goal and the sales
that achieved it (one of them a call their CRM recorded), named feedback to and from them, a review, kudos, a team
meeting's invitation, the messages about all of it, analytics' counts. Then they are
exported, erased, and looked for the way someone with the databases in hand would: every collection of every
service, every string in every document, for their id, name and email. Last, each service's database is emptied
and its topics read again from the start: the person must not come back.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role
from pacer_shared.cli import group_lag
from pacer_shared.events.people import PersonUpserted
from pacer_shared.kafka import partitions_of
from pacer_testkit.fake_zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho, running_fake_zoho
from pacer_testkit.outlets import text_of
from pacer_testkit.platform import SERVICES, Platform, running_platform, sale, unique
from pacer_testkit.stack import Stack, eventually, roster_reached, run_pacer
from pacer_testkit.stack import opened as opened_data

# Seven services started, worked, erased, then all stopped and replayed from every topic's start.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(900)]

SUFFIX = uuid.uuid4().hex[:8]
ZOE = PersonUpserted(
    person_id=f"zoe-{SUFFIX}",
    display_name=f"Zoe Quist{SUFFIX}",
    email=f"zoe.{SUFFIX}@example.com",
    role="assistant",
    manager_id="mia",
    team_id="north",
    timezone="Europe/Berlin",
    locale="en",
)
TRACES = (ZOE.person_id, ZOE.display_name, ZOE.email)
ZOE_IN_THE_CRM = {"id": f"41508680000{SUFFIX}", "email": ZOE.email, "name": ZOE.display_name}
EVERY_SERVICE = [*SERVICES, "connectors"]
CONNECTION = "zoho-main"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zoho() -> AsyncIterator[FakeZoho]:
    async with running_fake_zoho() as fake:
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def platform(
    platform_stack: Stack, zoho: FakeZoho, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    """The platform with the connectors too, syncing a CRM (a local fake Zoho) whose users are matched by email."""
    folder = tmp_path_factory.mktemp("connections")
    connection = {
        "id": CONNECTION,
        "crm": "zoho",
        "poll_seconds": 1,
        "zoho": {
            "accounts_url": zoho.url,
            "allow_any_accounts_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "ZOHO_CLIENT_SECRET",
            "refresh_token_env": "ZOHO_REFRESH_TOKEN",
            "notify_url": "http://127.0.0.1:9/not-called",
            "channel_id": 1_006_800_212,
            "channel_token_env": "ZOHO_CHANNEL_TOKEN",
        },
        "objects": [{"object": "Calls", "kind": "call"}],
    }
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(connection))
    connectors = {
        "PACER_CONNECTORS_CONNECTIONS_DIR": str(folder),
        "PACER_CONNECTORS_RETRY_SECONDS": "0.5",
        "ZOHO_CLIENT_SECRET": CLIENT_SECRET,
        "ZOHO_REFRESH_TOKEN": REFRESH_TOKEN,
        "ZOHO_CHANNEL_TOKEN": "channel-token",
    }
    namespace = f"t{uuid.uuid4().hex[:10]}"
    path = tmp_path_factory.mktemp("platform")
    async with running_platform(platform_stack, namespace, path, extra={"connectors": connectors}) as running:
        yield running


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for every string in a stored document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, bytes):
        yield path, value.decode(errors="replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


async def traces_in_databases(platform: Platform) -> list[str]:
    """Where any database still holds Zoe's id, name or email: `service.collection/_id at .field`."""
    found: list[str] = []
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(platform.stack.mongo_url)
    try:
        for service in [*EVERY_SERVICE, "keys"]:  # and the people's keys (`pacer_shared.shredding`)
            db = client[f"{platform.namespace}_{service}"]
            for name in await db.list_collection_names():
                async for document in db[name].find({}):
                    held = [where for where, text in strings(document) if any(trace in text for trace in TRACES)]
                    if held:
                        found.append(f"{service}.{name}/{document.get('_id')} at {', '.join(held)}")
    finally:
        await client.close()
    return found


async def work_a_little(platform: Platform, zoho: FakeZoho) -> dict[str, Any]:
    """Zoe's week: enough that every service holds something about her."""
    await platform.publish(ZOE)
    for service in platform.services.values():
        async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:
            await roster_reached(http, [ZOE.person_id])
    # Titles are what people type: hers names her, and travels sealed on every goal event for her.
    goal = await platform.set_goal(ZOE.person_id, unique(f"{ZOE.display_name}'s calls"), target=1)
    await platform.record_sales(sale(ZOE.person_id))
    await platform.mail(ZOE.email, "Goal achieved")
    await zoho.create("Calls", {"Subject": "Acme follow-up", "Owner": ZOE_IN_THE_CRM}, notify=False)
    # Her notification preferences: they go with her too.
    quiet = {"channels": ["email"], "disabled": {"GoalAtRisk": ["*"]}}
    mine = f"/v1/preferences/{ZOE.person_id}"
    saved = await platform.call("notifications", "PUT", mine, ZOE.person_id, Role.ASSISTANT, quiet)
    assert saved.status_code == 200, saved.text
    # Her team's weekly meeting: every attendee's invitation names her, with her address, in its calendar text.
    weekly = {"team_id": "north", "cadence": "weekly", "weekday": 0, "hour": 10, "minute": 30, "duration_minutes": 30}
    meeting = await platform.call("reviews", "POST", "/v1/meetings", "mia", Role.MANAGER, weekly)
    assert meeting.status_code == 201, meeting.text

    async def invited() -> bool:
        return any(any(m.iter_attachments()) for m in platform.outlets.mailbox.to("ann@example.com")) and any(
            any(m.iter_attachments()) for m in platform.outlets.mailbox.to(ZOE.email)
        )

    await eventually(invited, 60, "the meeting's invitations to ann and to Zoe")
    praise = {"recipient_id": ZOE.person_id, "kind": "praise", "text": f"{ZOE.display_name} calmed Acme down."}
    assert (await platform.call("feedback", "POST", "/v1/feedback", "mia", Role.MANAGER, praise)).status_code == 201
    (told,) = await platform.mail(ZOE.email, "New feedback")
    assert praise["text"] in text_of(told), "notifications opens the sealed text to tell her"
    thanks = {"recipient_id": "ann", "kind": "praise", "text": "Thanks for covering my calls."}
    sent = await platform.call("feedback", "POST", "/v1/feedback", ZOE.person_id, Role.ASSISTANT, thanks)
    assert sent.status_code == 201, sent.text
    kudos = await platform.call(
        "incentives", "POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": ZOE.person_id, "message": kudos_text()}
    )
    assert kudos.status_code == 201, kudos.text
    today = datetime.now(UTC).date()
    # A cycle named after her would keep her id in hr's records: names are what people type.
    review = await platform.open_review(
        ZOE.person_id,
        today - timedelta(days=1),
        today + timedelta(days=1),
        cycle_name=f"december-{uuid.uuid4().hex[:6]}",
    )
    await platform.complete_review(review, {"records": 4, "teamwork": 4})
    await platform.mail(ZOE.email, "Review completed")
    return goal


async def pacer(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    """The operator's `pacer` command, pointed at this platform's services."""
    urls = json.dumps({name: process.url for name, process in platform.services.items()})
    return await run_pacer(platform.stack, platform.namespace, *args, env={"PACER_CLI_SERVICE_URLS": urls})


async def rewind(platform: Platform, service: str) -> None:
    """The service's consumer group back at the start of every partition it reads (the service is stopped)."""
    group = f"{platform.namespace}.pacer-{service}"
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.stack.kafka_bootstrap)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=platform.stack.kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        partitions: list[TopicPartition] = await partitions_of(admin, {tp.topic for tp in committed})
        consumer.assign(partitions)
        starts = await consumer.beginning_offsets(partitions)
        await consumer.commit(dict(starts.items()))
    finally:
        await consumer.stop()
        await admin.close()


async def caught_up(platform: Platform, service: str) -> bool:
    """The service's consumer group has read every topic it reads to its end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.stack.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=platform.stack.kafka_bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        behind = await group_lag(admin, consumer, f"{platform.namespace}.pacer-{service}")
        return bool(behind) and not any(behind.values())
    finally:
        await consumer.stop()
        await admin.close()


async def test_a_person_is_exported_from_every_service_then_erased_from_every_database_for_good(
    platform: Platform, zoho: FakeZoho
) -> None:
    goal = await work_a_little(platform, zoho)

    # ---- export: each service hands over its part, to hr only, and says so in its audit trail
    refused = await platform.call("goals", "GET", f"/v1/people/{ZOE.person_id}/export", "mia", Role.MANAGER)
    assert refused.status_code == 403

    async def exported(service: str) -> dict[str, list[dict[str, Any]]]:
        response = await platform.call(service, "GET", f"/v1/people/{ZOE.person_id}/export", "hana", Role.HR)
        assert response.status_code == 200, response.text
        assert response.json()["person_id"] == ZOE.person_id
        return response.json()["holdings"]  # type: ignore[no-any-return]

    async def complete() -> dict[str, dict[str, list[dict[str, Any]]]] | None:
        parts = {service: await exported(service) for service in EVERY_SERVICE}
        ready = all(
            [
                parts["goals"].get("goals"),
                parts["goals"].get("activities"),
                parts["reviews"].get("reviews"),
                parts["reviews"].get("feedback_received"),
                len(parts["feedback"].get("feedback", [])) == 2,
                parts["incentives"].get("recognitions"),
                parts["notifications"].get("deliveries"),
                parts["analytics"].get("tables/daily"),
                parts["connectors"].get("crm_records"),
            ]
        )
        return parts if ready else None

    parts = await eventually(complete, 60, "every service's part of Zoe's data")
    assert [g["_id"] for g in parts["goals"]["goals"]] == [goal["goal_id"]]
    assert {f["text"] for f in parts["feedback"]["feedback"]} == {praise_text(), "Thanks for covering my calls."}
    assert [r["person_id"] for r in parts["reviews"]["reviews"]] == [ZOE.person_id]
    for service in EVERY_SERVICE:
        assert parts[service]["people"][0]["email"] == ZOE.email, f"{service} knows her from the roster"
    audit = (await platform.call("goals", "GET", "/v1/audit?action=personal_data.exported", "hana", Role.HR)).json()
    assert audit["items"], "each export is in the audit trail"
    assert {(r["actor"], r["resource"]) for r in audit["items"]} == {("hana", f"person/{ZOE.person_id}")}
    assert json.dumps(parts, ensure_ascii=False)  # one JSON document

    # the operator's command gathers the same parts into one document
    gathered = await pacer(platform, "people", "export", ZOE.person_id)
    assert gathered.returncode == 0, gathered.stderr
    document = json.loads(gathered.stdout)
    assert document["person_id"] == ZOE.person_id
    assert set(document["services"]) == set(EVERY_SERVICE)
    assert [g["_id"] for g in document["services"]["goals"]["goals"]] == [goal["goal_id"]]

    before = await traces_in_databases(platform)
    assert {trace.split("/")[0].split(".")[0] for trace in before} == {*EVERY_SERVICE, "keys"}, before
    # What Zoe wrote, what was written about her and the kudos she got travel sealed: the topics never held them in
    # clear, and her key (with the other person's) opens them.
    sealed = await sealed_for_zoe(platform)
    assert not [e for e, name in sealed if e["data"].get(name) is not None], "no text in clear on the topics"
    assert not [e for e, _ in sealed if "calmed Acme" in json.dumps(e) or "covering my calls" in json.dumps(e)]
    assert ZOE.display_name not in json.dumps([e for e, _ in sealed])
    assert sorted([await opened(platform, e, name) for e, name in sealed], key=str) == sorted(
        [praise_text(), "Thanks for covering my calls.", kudos_text()]
    )

    # ---- erasure
    erased = await pacer(platform, "people", "erase", ZOE.person_id)
    assert erased.returncode == 0, erased.stderr

    await forgotten(platform)
    assert [await opened(platform, e, name) for e, name in sealed] == [None] * 3, "her key went: every copy is shut"
    assert not await traces_on_topics(platform), "her name or address is still readable on a topic"

    async def out_of_the_tables() -> bool:
        after = await platform.call("analytics", "GET", f"/v1/people/{ZOE.person_id}/export", "hana", Role.HR)
        return not [name for name in after.json()["holdings"] if name.startswith("tables/")]

    await eventually(out_of_the_tables, 60, "analytics' tables to hold nothing about her")
    gone = await platform.call("goals", "GET", f"/v1/people/{ZOE.person_id}", "hana", Role.HR)
    assert gone.status_code == 404

    # ---- what the organisation keeps: colleagues' data stays, with a pseudonym where she was
    inbox = await platform.call("feedback", "GET", "/v1/feedback/inbox", "ann", Role.ASSISTANT)
    assert inbox.status_code == 200
    texts = [f["text"] for f in inbox.json()["items"]]
    assert "Thanks for covering my calls." not in texts, "feedback by her went"
    mia_sent = await platform.call("goals", "GET", f"/v1/goals/{goal['goal_id']}", "mia", Role.MANAGER)
    assert mia_sent.status_code == 404, "her goal went with her"

    # ---- replay: every service's database emptied, every topic read again from the start
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(platform.stack.mongo_url)
    try:
        for service in EVERY_SERVICE:
            await asyncio.to_thread(platform.services[service].stop)
            await client.drop_database(f"{platform.namespace}_{service}")
            await rewind(platform, service)
            await platform.start(service)
    finally:
        await client.close()
    for service in EVERY_SERVICE:

        async def done(service: str = service) -> bool:
            return await caught_up(platform, service)

        await eventually(done, 120, f"{service} to read its topics again from the start")
    assert not await traces_in_databases(platform), "a replay brought Zoe back"
    # Logs name people by id only (README): nothing any service logged, her week and the replay included, names her.
    logged = {log.name: log.read_text(errors="replace") for log in platform.log_dir.glob("*.log")}
    assert {name.split("-")[0] for name in logged} >= set(EVERY_SERVICE), sorted(logged)
    assert not [n for n, text in logged.items() if ZOE.display_name in text or ZOE.email in text], "her name in a log"


async def forgotten(platform: Platform) -> None:
    remaining: list[str] = []

    async def clean() -> bool:
        remaining[:] = await traces_in_databases(platform)
        return not remaining

    try:
        await eventually(clean, 60, "no database to hold Zoe's id, name or email")
    except AssertionError as error:
        raise AssertionError(f"{error}; still in: {remaining}") from None


async def sealed_for_zoe(platform: Platform) -> list[tuple[dict[str, Any], str]]:
    """The events carrying a text sealed with her key, and the text's name: the two FeedbackGiven by and about her,
    the kudos she got."""
    given = await platform.events("feedback.events", "FeedbackGiven", 2)
    mine = [e for e in given if ZOE.person_id in (e["data"]["author_id"], e["data"]["recipient_id"])]
    kudos = await platform.events("incentives.events", "RecognitionGranted", 1, person_id=ZOE.person_id, kind="kudos")
    assert (len(mine), len(kudos)) == (2, 1), (mine, kudos)
    return [*((e, "text") for e in mine), (kudos[0], "citation")]


async def opened(platform: Platform, event: dict[str, Any], name: str) -> str | None:
    """The event's text as a reader holding the keys database and the shredding key would open it."""
    return (await opened_data(platform.stack, platform.namespace, event))[name]  # type: ignore[no-any-return]


async def traces_on_topics(platform: Platform) -> list[str]:
    """Where a topic still holds her name or address readable: `topic@partition:offset`. The roster's own topic
    is left out: the organisation's HRIS wrote her there, and a tombstone and compaction remove her (README)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.stack.kafka_bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=platform.stack.kafka_bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    found = []
    try:
        ours = {t for t in await admin.list_topics() if t.startswith(f"{platform.namespace}.")}
        partitions = await partitions_of(admin, ours - {platform.topic("org.people")})
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for m in messages:
                    if m.value and any(t.encode() in m.value for t in (ZOE.display_name, ZOE.email)):
                        found.append(f"{m.topic}@{m.partition}:{m.offset}")
    finally:
        await consumer.stop()
        await admin.close()
    return found


def kudos_text() -> str:
    return f"Great save, {ZOE.display_name}!"


def praise_text() -> str:
    return f"{ZOE.display_name} calmed Acme down."
