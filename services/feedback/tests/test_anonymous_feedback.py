"""Anonymous feedback is anonymous: no trace of the author anywhere, results only k at a time, secret replies.

Each test reads what an attacker could: the API as a manager or hr polling it, the database, the topics, the log.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time
from typing import Any

import pytest
from feedback_support import RELEASE_HOUR, FeedbackWorld
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role
from pacer_testkit.stack import read_topic

AUTHOR = ("ann-7f3a", "Annabel Quist", "annabel.quist@example.com")
START = datetime(2031, 3, 10, 9, 17, 42, 123000, tzinfo=UTC)
"""Mid-month, so the tests' releases stay in one monthly window."""
NORTH = "/v1/anonymous/aggregates?subject_kind=team&subject_id=north"
PUBLISHED = "AnonymousFeedbackPublished"


@pytest.fixture(autouse=True)
def moved_clock(world: FeedbackWorld) -> None:
    world.clock.set(START)


async def submit(
    world: FeedbackWorld,
    who: str,
    text: str,
    subject: str = "north",
    tags: list[str] | None = None,
    role: Role = Role.ASSISTANT,
) -> dict[str, str]:
    response = await world.post(
        "/v1/anonymous",
        {
            "subject_kind": "team",
            "subject_id": subject,
            "category": "concern",
            "text": text,
            "tags": ["workload"] if tags is None else tags,
        },
        who,
        role,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def published(world: FeedbackWorld, count: int = 1) -> list[dict[str, Any]]:
    events = await world.events(lambda rs: sum(r.json()["type"] == "AnonymousFeedbackPublished" for r in rs) >= count)
    return [e for e in events if e["type"] == "AnonymousFeedbackPublished"]


async def test_a_writer_reads_the_k_threshold_and_the_next_release_before_writing(world: FeedbackWorld) -> None:
    terms = await world.get("/v1/anonymous/terms", "bob", Role.ASSISTANT)
    assert terms.status_code == 200, terms.text
    assert terms.json() == {
        "threshold": 3,
        "window": "month",
        "daily_limit": 5,
        "release_hour": RELEASE_HOUR,
        "organisation_timezone": "UTC",
        "next_release_at": world.next_release().isoformat().replace("+00:00", "Z"),
    }


async def test_aggregates_appear_only_once_k_submissions_exist(world: FeedbackWorld) -> None:
    await submit(world, "ann-7f3a", "Targets rise every month without more staff.")
    await submit(world, "bob", "Too many reports on Friday afternoons.")
    await world.release()
    below = await world.get(NORTH, "hana", Role.HR)
    none_at_all = await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=south", "hana", Role.HR)
    assert below.json() == none_at_all.json() == [], "below k nothing is revealed, not even a count"

    await submit(world, "cid", "The CRM is slow in the mornings.")
    await world.release()
    [window] = (await world.get(NORTH, "hana", Role.HR)).json()
    assert window["submissions"] == 3
    assert window["themes"] == {"workload": 3}
    assert (await world.get(NORTH, "mia", Role.MANAGER)).status_code == 200
    assert (await world.get(NORTH, "bob", Role.ASSISTANT)).status_code == 403

    [event] = await published(world)
    assert event["data"]["submissions"] == 3
    assert sorted(event["data"]["texts"]) == sorted(item["text"] for item in window["items"])
    assert event["data"]["manager_id"] == "mia"


async def test_results_come_out_at_the_scheduled_hour_never_inside_the_kth_authors_request(
    world: FeedbackWorld,
) -> None:
    # The manager polls after every submission, hoping to see which one completed the k.
    for who in ("ann-7f3a", "bob", "cid"):
        await submit(world, who, f"{who} wrote this")
        assert (await world.get(NORTH, "mia", Role.MANAGER)).json() == [], "nothing appears within a request"

    release = await world.release()
    assert release.astimezone(UTC).time() == time(RELEASE_HOUR), "releases happen at the organisation's hour"
    [window] = (await world.get(NORTH, "mia", Role.MANAGER)).json()
    assert window["submissions"] == 3

    [event] = await published(world)
    assert event["data"]["released_on"] == release.date().isoformat(), "readers get the day of the release"
    assert datetime.fromisoformat(event["time"]) >= release, "published by the scheduled run, not by an author"


async def test_two_replicas_release_a_window_once(world: FeedbackWorld) -> None:
    async with world.replica():
        for who in ("ann-7f3a", "bob", "cid"):
            await submit(world, who, f"{who} about north")
        await world.release()  # both replicas' workers reach the due window; once it left the index, all is staged

    staged = [e for row in await world.stored("outbox") for e in row["events"] if e["type"] == PUBLISHED]
    assert [e["key"] for e in staged] == ["north"], "one release, whichever replica made it"
    [event] = await published(world)
    assert event["data"]["submissions"] == 3


async def test_nothing_a_reader_sees_is_in_the_order_it_was_written(world: FeedbackWorld) -> None:
    await submit(world, "ann-7f3a", "first", tags=["workload", "teamwork"])
    await submit(world, "bob", "second", tags=["teamwork"])
    await submit(world, "cid", "last", tags=["communication"])  # first-seen order would put its tag last
    await world.release()

    [window] = (await world.get(NORTH, "hana", Role.HR)).json()
    expected = [("teamwork", 2), ("communication", 1), ("workload", 1)]
    assert list(window["themes"].items()) == expected, "most frequent first, then by name"
    ids = [item["submission_id"] for item in window["items"]]
    assert ids == sorted(ids), "items in the order of their random ids"
    [event] = await published(world)
    assert list(event["data"]["themes"].items()) == expected


async def test_one_persons_several_submissions_count_once_toward_k(world: FeedbackWorld) -> None:
    for i in range(3):
        await submit(world, "bob", f"Bob's concern number {i}")
    await world.release()
    assert (await world.get(NORTH, "hana", Role.HR)).json() == [], "three texts, but one author"

    reader = await world.post(
        "/v1/anonymous",
        {"subject_kind": "team", "subject_id": "north", "category": "concern", "text": "decoy"},
        "mia",
        Role.MANAGER,
    )
    assert reader.status_code == 403, "the manager who reads the results cannot write some of them"
    about_herself = await world.post(
        "/v1/anonymous",
        {"subject_kind": "manager", "subject_id": "mia", "category": "concern", "text": "decoy"},
        "mia",
        Role.MANAGER,
    )
    assert about_herself.status_code == 403

    await submit(world, "ann-7f3a", "Targets rise every month without more staff.")
    await world.release()
    assert (await world.get(NORTH, "hana", Role.HR)).json() == []
    await submit(world, "cid", "The CRM is slow in the mornings.")
    await world.release()
    [window] = (await world.get(NORTH, "mia", Role.MANAGER)).json()
    assert window["submissions"] == 5, "released once three people wrote, with everything they wrote"


async def test_hr_and_admins_who_read_every_result_never_make_up_the_k(world: FeedbackWorld) -> None:
    # hr and an admin write two decoys: counted, they would leave only one other author hidden from each of them.
    await submit(world, "hana", "decoy from hr", role=Role.HR)
    await submit(world, "ada", "decoy from an admin", role=Role.ADMIN)
    await submit(world, "bob", "Too many reports on Friday afternoons.")
    await submit(world, "cid", "The CRM is slow in the mornings.")
    await world.release()
    assert (await world.get(NORTH, "hana", Role.HR)).json() == [], "two people hr and admins cannot read about"

    await submit(world, "ann-7f3a", "Targets rise every month without more staff.")
    await world.release()
    [window] = (await world.get(NORTH, "ada", Role.ADMIN)).json()
    assert window["submissions"] == 5, "released once three who cannot read the results wrote"


async def test_an_anonymous_author_leaves_no_trace_in_mongodb_kafka_or_the_logs(world: FeedbackWorld) -> None:
    log_before = len(world.service.log_path.read_text())  # set-up looked Ann up by name, as the roster check does
    receipts = [await submit(world, who, f"Concern number {i}") for i, who in enumerate(["ann-7f3a", "bob", "cid"])]
    await world.release()
    await published(world)

    stored = {name: await world.stored(name) for name in await world.collections() if name != "people"}
    dump = json.dumps(stored, default=str)
    assert "Concern number 0" in dump, "the text itself is kept"
    for trace in AUTHOR:
        assert trace not in dump, f"{trace!r} found in MongoDB"
    assert receipts[0]["reply_token"] not in dump, "only a hash of the reply token is kept"
    for submission in stored["anonymous_submissions"]:
        assert set(submission) == {
            "_id",
            "subject_kind",
            "subject_id",
            "category",
            "text",
            "tags",
            "week",
            "window",
            "token_hash",
            "released",
            "thread",
        }

    for topic in ("feedback.events", "org.people.dlq", "feedback.events.dlq"):
        records = await read_topic(
            world.stack.kafka_bootstrap, f"{world.namespace}.{topic}", lambda rs: True, timeout=5
        )
        published_text = b"".join(r.value or b"" for r in records).decode()
        for trace in AUTHOR:
            assert trace not in published_text, f"{trace!r} found in {topic}"

    world.service.stop()
    log = world.service.log_path.read_text()[log_before:]
    assert "service stopped" in log, "the log covers the submissions and the shutdown"
    assert "/v1/anonymous" not in log, "no access-log line for anonymous routes"
    for trace in AUTHOR:
        assert trace not in log, f"{trace!r} found in the service log"


async def test_the_database_keeps_no_time_finer_than_a_day_besides_the_release_schedule(world: FeedbackWorld) -> None:
    release = world.next_release()
    await submit(world, "ann-7f3a", "Targets rise every month without more staff.", subject="south")
    await submit(world, "ann-7f3a", "And the CRM is slow.")
    await submit(world, "bob", "Too many reports on Friday afternoons.")
    stored = {name: await world.stored(name) for name in await world.collections() if name.startswith("anonymous")}

    def moments(value: Any) -> list[datetime]:
        if isinstance(value, datetime):
            return [value]
        if isinstance(value, dict):
            return [m for v in value.values() for m in moments(v)]
        if isinstance(value, list):
            return [m for v in value for m in moments(v)]
        return []

    found = [(name, m) for name, documents in stored.items() for d in documents for m in moments(d)]
    assert found, "expiries and the release index are stored"
    for name, moment in found:
        moment = moment.replace(tzinfo=UTC)
        assert moment.time() == time(0) or moment == release, f"{name} keeps {moment}, finer than the day"


async def test_a_change_stream_never_sees_the_daily_counter_written_with_a_submission(world: FeedbackWorld) -> None:
    """One transaction holding the counter (one per person and day) and the submission would group a person's
    submissions of a day for whoever reads the oplog, a change stream or a backup of it."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(world.stack.mongo_url)
    try:
        stream = await client[f"{world.namespace}_feedback"].watch()
        await submit(world, "bob", "a concern")
        seen: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not any(change["ns"]["coll"] == "anonymous_submissions" for change in seen):
                seen.append(await stream.next())
        await stream.close()
    finally:
        await client.close()

    def transaction_of(collection: str) -> tuple[Any, Any]:
        [change] = [c for c in seen if c["ns"]["coll"] == collection]
        return change.get("lsid"), change.get("txnNumber")

    submission = transaction_of("anonymous_submissions")
    assert submission[1] is not None, "the submission and its author record are one transaction"
    assert transaction_of("anonymous_daily_counts") != submission


async def test_an_authors_reply_reaches_the_organisation_with_the_next_release_not_at_once(
    world: FeedbackWorld,
) -> None:
    receipts = [await submit(world, who, f"Issue {i}") for i, who in enumerate(["ann-7f3a", "bob", "cid"])]
    await world.release()
    [window] = (await world.get(NORTH, "hana", Role.HR)).json()
    token = receipts[0]["reply_token"]
    first = await world.post("/v1/anonymous/thread", {"reply_token": token}, "ann-7f3a", Role.ASSISTANT)
    mine = next(item for item in window["items"] if item["text"] == first.json()["text"])

    answered = await world.post(
        f"/v1/anonymous/submissions/{mine['submission_id']}/replies",
        {"text": "Thank you: we are looking at staffing."},
        "hana",
        Role.HR,
    )
    assert answered.status_code == 204
    thread = (await world.post("/v1/anonymous/thread", {"reply_token": token}, "ann-7f3a", Role.ASSISTANT)).json()
    assert [(t["from"], t["text"]) for t in thread["thread"]] == [("hr", "Thank you: we are looking at staffing.")]

    followed = await world.post(
        "/v1/anonymous/thread/replies",
        {"reply_token": token, "text": "Thanks, also overtime."},
        "ann-7f3a",
        Role.ASSISTANT,
    )
    assert [t["from"] for t in followed.json()["thread"]] == ["hr"]
    assert [t["text"] for t in followed.json()["pending_replies"]] == ["Thanks, also overtime."]

    def seen_by_hr(aggregates: list[dict[str, Any]]) -> list[str]:
        [item] = [i for i in aggregates[0]["items"] if i["submission_id"] == mine["submission_id"]]
        return [t["from"] for t in item["thread"]]

    assert seen_by_hr((await world.get(NORTH, "hana", Role.HR)).json()) == ["hr"], "not at once: that times a visit"
    await world.release()
    assert seen_by_hr((await world.get(NORTH, "hana", Role.HR)).json()) == ["hr", "author"]
    after = (await world.post("/v1/anonymous/thread", {"reply_token": token}, "ann-7f3a", Role.ASSISTANT)).json()
    assert [t["from"] for t in after["thread"]] == ["hr", "author"]
    assert after["pending_replies"] == []

    forged = await world.post("/v1/anonymous/thread", {"reply_token": "x" * 43}, "ann-7f3a", Role.ASSISTANT)
    assert forged.status_code == 404
    assert forged.json()["detail"] == "unknown reply token"


async def test_the_daily_limit_holds_without_storing_who_submitted(world: FeedbackWorld) -> None:
    for i in range(5):
        await submit(world, "bob", f"Note {i}", subject="south")
    refused = await world.post("/v1/anonymous", {"category": "problem", "text": "one more"}, "bob", Role.ASSISTANT)
    assert refused.status_code == 429
    assert (
        await world.post("/v1/anonymous", {"category": "problem", "text": "mine"}, "cid", Role.ASSISTANT)
    ).status_code == 201
    counters = await world.stored("anonymous_daily_counts")
    assert sorted(c["count"] for c in counters) == [1, 5], "the refused one is not counted"
    assert all("bob" not in json.dumps(c, default=str) for c in counters)


async def test_the_access_log_hides_anonymous_routes_by_their_path_not_by_a_query_string(world: FeedbackWorld) -> None:
    log_before = len(world.service.log_path.read_text())
    await submit(world, "bob", "a concern")
    assert (await world.http.get("/healthz", params={"next": "/v1/anonymous"})).status_code == 200
    assert (await world.get("/v1/feedback/inbox?from=/v1/anonymous", "bob", Role.ASSISTANT)).status_code == 200
    world.service.stop()
    log = world.service.log_path.read_text()[log_before:]
    logged = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    paths = [line.get("event", "") for line in logged if line.get("logger") == "uvicorn.access"]
    assert any("/healthz?next=" in p for p in paths), "a query string naming /v1/anonymous hides nothing"
    assert any("/v1/feedback/inbox?from=" in p for p in paths)
    assert not any('"POST /v1/anonymous ' in p for p in paths), "the anonymous route itself leaves no line"


async def test_metrics_time_no_anonymous_request_and_are_served_apart_from_the_api(world: FeedbackWorld) -> None:
    await submit(world, "bob", "a concern")
    assert (await world.get("/v1/feedback/inbox", "bob", Role.ASSISTANT)).status_code == 200
    exposed = await world.service.metrics_text()
    assert 'route="/v1/feedback/inbox"' in exposed, "other routes are counted"
    assert "/v1/anonymous" not in exposed, "a per-route counter would time each submission to the scrape"
    assert (await world.http.get("/metrics")).status_code == 404, "whatever exposes the API exposes no metrics"


async def test_local_mode_says_at_start_up_that_its_anonymity_key_is_public(world: FeedbackWorld) -> None:
    """Local mode's anonymity key is published with the code: whoever runs real data on it is told so in the log."""
    logged = [json.loads(line) for line in world.service.log_path.read_text().splitlines() if line.startswith("{")]
    warned = [
        line.get("reason", "") for line in logged if line.get("event") == "local mode: not for real people's data"
    ]
    assert any("anonymity_key is the published development key" in event for event in warned), warned
