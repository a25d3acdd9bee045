"""Anonymous feedback is anonymous: no trace of the author anywhere, results only k at a time, secret replies."""

from __future__ import annotations

import json

from feedback_support import FeedbackWorld
from pymongo import AsyncMongoClient

from pacer_shared.auth import Role
from pacer_testkit.stack import read_topic

AUTHOR = ("ann-7f3a", "Annabel Quist", "annabel.quist@example.com")


async def submit(world: FeedbackWorld, who: str, text: str, subject: str = "north") -> dict[str, str]:
    response = await world.post(
        "/v1/anonymous",
        {"subject_kind": "team", "subject_id": subject, "category": "concern", "text": text, "tags": ["workload"]},
        who,
        Role.ASSISTANT,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_aggregates_appear_only_once_k_submissions_exist(world: FeedbackWorld) -> None:
    await submit(world, "ann-7f3a", "Targets rise every month without more staff.")
    await submit(world, "bob", "Too many reports on Friday afternoons.")
    below = await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "hana", Role.HR)
    none_at_all = await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=south", "hana", Role.HR)
    assert below.json() == none_at_all.json() == [], "below k nothing is revealed, not even a count"

    await submit(world, "cid", "The CRM is slow in the mornings.")
    [window] = (await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "hana", Role.HR)).json()
    assert window["submissions"] == 3
    assert window["themes"] == {"workload": 3}
    assert (
        await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "mia", Role.MANAGER)
    ).status_code == 200
    assert (
        await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "bob", Role.ASSISTANT)
    ).status_code == 403

    events = await world.events(lambda rs: any(r.json()["type"] == "AnonymousFeedbackPublished" for r in rs))
    [published] = [e for e in events if e["type"] == "AnonymousFeedbackPublished"]
    assert published["data"]["submissions"] == 3
    assert sorted(published["data"]["texts"]) == sorted(item["text"] for item in window["items"])
    assert published["data"]["manager_id"] == "mia"


async def test_one_persons_several_submissions_count_once_toward_k(world: FeedbackWorld) -> None:
    for i in range(3):
        await submit(world, "bob", f"Bob's concern number {i}")
    aggregates = "/v1/anonymous/aggregates?subject_kind=team&subject_id=north"
    assert (await world.get(aggregates, "hana", Role.HR)).json() == [], "three texts, but one author"

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
    assert (await world.get(aggregates, "hana", Role.HR)).json() == []
    await submit(world, "cid", "The CRM is slow in the mornings.")
    [window] = (await world.get(aggregates, "mia", Role.MANAGER)).json()
    assert window["submissions"] == 5, "released once three people wrote, with everything they wrote"


async def test_an_anonymous_author_leaves_no_trace_in_mongodb_kafka_or_the_logs(world: FeedbackWorld) -> None:
    log_before = len(world.service.log_path.read_text())  # set-up looked Ann up by name, as the roster check does
    receipts = [await submit(world, who, f"Concern number {i}") for i, who in enumerate(["ann-7f3a", "bob", "cid"])]
    await world.events(lambda rs: any(r.json()["type"] == "AnonymousFeedbackPublished" for r in rs))

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(world.stack.mongo_url)
    try:
        db = client[f"{world.namespace}_feedback"]
        stored = {
            name: await db[name].find().to_list() for name in await db.list_collection_names() if name != "people"
        }
    finally:
        await client.close()
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
        published = b"".join(r.value or b"" for r in records).decode()
        for trace in AUTHOR:
            assert trace not in published, f"{trace!r} found in {topic}"

    world.service.stop()
    log = world.service.log_path.read_text()[log_before:]
    assert "service stopped" in log, "the log covers the submissions and the shutdown"
    assert "/v1/anonymous" not in log, "no access-log line for anonymous routes"
    for trace in AUTHOR:
        assert trace not in log, f"{trace!r} found in the service log"


async def test_the_author_follows_answers_through_the_reply_token_and_a_wrong_token_is_refused(
    world: FeedbackWorld,
) -> None:
    receipts = [await submit(world, who, f"Issue {i}") for i, who in enumerate(["ann-7f3a", "bob", "cid"])]
    [window] = (await world.get("/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "hana", Role.HR)).json()
    first = await world.post(
        "/v1/anonymous/thread", {"reply_token": receipts[0]["reply_token"]}, "ann-7f3a", Role.ASSISTANT
    )
    mine = next(item for item in window["items"] if item["text"] == first.json()["text"])

    answered = await world.post(
        f"/v1/anonymous/submissions/{mine['submission_id']}/replies",
        {"text": "Thank you: we are looking at staffing."},
        "hana",
        Role.HR,
    )
    assert answered.status_code == 204
    thread = (
        await world.post(
            "/v1/anonymous/thread", {"reply_token": receipts[0]["reply_token"]}, "ann-7f3a", Role.ASSISTANT
        )
    ).json()
    assert [(t["from"], t["text"]) for t in thread["thread"]] == [("hr", "Thank you: we are looking at staffing.")]
    followed = await world.post(
        "/v1/anonymous/thread/replies",
        {"reply_token": receipts[0]["reply_token"], "text": "Thanks, also overtime."},
        "ann-7f3a",
        Role.ASSISTANT,
    )
    assert [t["from"] for t in followed.json()["thread"]] == ["hr", "author"]

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
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(world.stack.mongo_url)
    try:
        counters = await client[f"{world.namespace}_feedback"]["anonymous_daily_counts"].find().to_list()
    finally:
        await client.close()
    assert sorted(c["count"] for c in counters) == [1, 5]  # type: ignore[type-var]  # the refused one rolled back
    assert all("bob" not in json.dumps(c, default=str) for c in counters)
