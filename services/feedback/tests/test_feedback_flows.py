"""Instant, upward, peer and requested (360) feedback, with threads and the rights of each role."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from feedback_support import FeedbackWorld

from pacer_shared.auth import Role


async def test_instant_and_upward_feedback_flow_to_events_with_their_direction(world: FeedbackWorld) -> None:
    down = await world.post(
        "/v1/feedback",
        {
            "recipient_id": "bob",
            "kind": "praise",
            "text": "Great follow-up with Acme.",
            "tags": ["customer_care"],
            "visibility": "team",
        },
        "mia",
        Role.MANAGER,
    )
    up = await world.post(
        "/v1/feedback",
        {
            "recipient_id": "mia",
            "kind": "improvement",
            "text": "Weekly 1:1s get cancelled too often.",
            "tags": ["communication"],
        },
        "bob",
        Role.ASSISTANT,
    )
    peer = await world.post(
        "/v1/feedback",
        {"recipient_id": "cid", "kind": "praise", "text": "Thanks for covering my calls."},
        "bob",
        Role.ASSISTANT,
    )
    assert [r.status_code for r in (down, up, peer)] == [201, 201, 201]
    assert [r.json()["direction"] for r in (down, up, peer)] == ["downward", "upward", "peer"]

    events = await world.events(lambda rs: len(rs) >= 3)
    given = {e["data"]["feedback_id"]: e for e in events if e["type"] == "FeedbackGiven"}
    assert given[down.json()["feedback_id"]]["subject"] == "bob"
    assert given[down.json()["feedback_id"]]["data"]["visibility"] == "team"
    assert given[up.json()["feedback_id"]]["data"]["direction"] == "upward"

    inbox = (await world.get("/v1/feedback/inbox", "bob", Role.ASSISTANT)).json()
    assert [f["text"] for f in inbox["items"]] == ["Great follow-up with Acme."]
    assert inbox["next_cursor"] is None
    sent = (await world.get("/v1/feedback/sent", "bob", Role.ASSISTANT)).json()
    assert [f["recipient_id"] for f in sent["items"]] == ["cid", "mia"]


async def every_page(world: FeedbackWorld, path: str, who: str, role: Role) -> list[list[str]]:
    """The texts of each page of a list, following `next_cursor` to the end."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while not pages or cursor:
        answered = await world.get(f"{path}&cursor={cursor}" if cursor else path, who, role)
        assert answered.status_code == 200, answered.text
        pages.append([f["text"] for f in answered.json()["items"]])
        cursor = answered.json()["next_cursor"]
    return pages


async def test_inbox_sent_and_a_persons_feedback_are_read_a_page_at_a_time_newest_first(world: FeedbackWorld) -> None:
    async def praise(text: str) -> None:
        given = await world.post(
            "/v1/feedback", {"recipient_id": "bob", "kind": "praise", "text": text}, "mia", Role.MANAGER
        )
        assert given.status_code == 201, given.text

    for n in range(5):
        await praise(f"praise {n}")
    newest_first = [f"praise {n}" for n in reversed(range(5))]
    for path, who, role in (
        ("/v1/feedback/inbox?limit=2", "bob", Role.ASSISTANT),
        ("/v1/feedback/sent?limit=2", "mia", Role.MANAGER),
        ("/v1/people/bob/feedback?limit=2", "mia", Role.MANAGER),
    ):
        assert await every_page(world, path, who, role) == [newest_first[:2], newest_first[2:4], newest_first[4:]]

    # Feedback given while the pages are read comes first on the next reading, and moves nothing already shown.
    first = (await world.get("/v1/feedback/inbox?limit=2", "bob", Role.ASSISTANT)).json()
    await praise("praise while reading")
    rest = await every_page(world, f"/v1/feedback/inbox?limit=2&cursor={first['next_cursor']}", "bob", Role.ASSISTANT)
    assert [f["text"] for f in first["items"]] + [t for page in rest for t in page] == newest_first
    again = await every_page(world, "/v1/feedback/inbox?limit=3", "bob", Role.ASSISTANT)
    assert [t for page in again for t in page] == ["praise while reading", *newest_first]

    for refused in ("/v1/feedback/inbox?limit=201", "/v1/feedback/inbox?cursor=nonsense"):
        answered = await world.get(refused, "bob", Role.ASSISTANT)
        assert answered.status_code == 422, answered.text


async def test_threads_take_replies_from_their_people_only(world: FeedbackWorld) -> None:
    given = (
        await world.post(
            "/v1/feedback",
            {"recipient_id": "mia", "kind": "improvement", "text": "More notice before deadlines, please."},
            "bob",
            Role.ASSISTANT,
        )
    ).json()
    replied = await world.post(
        f"/v1/feedback/{given['feedback_id']}/replies",
        {"text": "Agreed: two days' notice from now on."},
        "mia",
        Role.MANAGER,
    )
    assert replied.status_code == 200
    assert [r["author_id"] for r in replied.json()["replies"]] == ["mia"]
    outsider = await world.post(
        f"/v1/feedback/{given['feedback_id']}/replies", {"text": "me too"}, "dan", Role.ASSISTANT
    )
    assert outsider.status_code == 403


async def test_a_360_request_collects_responses_for_the_review(world: FeedbackWorld) -> None:
    due = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    request = await world.post(
        "/v1/feedback-requests",
        {"about_id": "bob", "respondent_ids": ["cid", "ann-7f3a"], "due_at": due},
        "mia",
        Role.MANAGER,
    )
    assert request.status_code == 201, request.text
    request_id = request.json()["request_id"]
    answered = await world.post(
        f"/v1/feedback-requests/{request_id}/responses",
        {"kind": "praise", "text": "Always prepared.", "tags": ["teamwork"]},
        "cid",
        Role.ASSISTANT,
    )
    assert answered.status_code == 201
    assert answered.json()["direction"] == "requested"
    again = await world.post(
        f"/v1/feedback-requests/{request_id}/responses", {"kind": "praise", "text": "Again!"}, "cid", Role.ASSISTANT
    )
    assert again.status_code == 422
    not_asked = await world.post(
        f"/v1/feedback-requests/{request_id}/responses", {"kind": "praise", "text": "Hi"}, "dan", Role.ASSISTANT
    )
    assert not_asked.status_code == 403

    summary = (await world.get(f"/v1/feedback-requests/{request_id}", "mia", Role.MANAGER)).json()
    assert (summary["asked"], summary["responded"], summary["waiting_for"]) == (2, 1, ["ann-7f3a"])
    assert summary["themes"] == {"teamwork": 1}
    assert (await world.get(f"/v1/feedback-requests/{request_id}", "bob", Role.ASSISTANT)).status_code == 403
    events = await world.events(lambda rs: any(e["type"] == "FeedbackRequested" for e in (r.json() for r in rs)))
    [requested] = [e for e in events if e["type"] == "FeedbackRequested"]
    assert requested["data"]["respondent_ids"] == ["ann-7f3a", "cid"]

    response = {"kind": "praise", "text": "Sent twice"}
    path = f"/v1/feedback-requests/{request_id}/responses"
    at_once = await asyncio.gather(*(world.post(path, response, "ann-7f3a", Role.ASSISTANT) for _ in range(2)))
    assert sorted(r.status_code for r in at_once) == [201, 422], "a response sent twice at once is stored once"
    summary = (await world.get(f"/v1/feedback-requests/{request_id}", "mia", Role.MANAGER)).json()
    assert (summary["responded"], summary["waiting_for"]) == (2, [])


async def test_bad_feedback_is_refused_with_a_clear_message_and_nothing_stored(world: FeedbackWorld) -> None:
    empty = await world.post(
        "/v1/feedback", {"recipient_id": "bob", "kind": "praise", "text": "   "}, "mia", Role.MANAGER
    )
    huge = await world.post(
        "/v1/feedback", {"recipient_id": "bob", "kind": "praise", "text": "x" * 5000}, "mia", Role.MANAGER
    )
    stranger = await world.post(
        "/v1/feedback", {"recipient_id": "someone-else", "kind": "praise", "text": "hi"}, "mia", Role.MANAGER
    )
    no_offset = await world.post(
        "/v1/feedback-requests",
        {"about_id": "bob", "respondent_ids": ["cid"], "due_at": "2030-01-01T17:00:00"},
        "mia",
        Role.MANAGER,
    )
    assert (empty.status_code, huge.status_code, stranger.status_code, no_offset.status_code) == (422, 422, 422, 422)
    assert "text" in empty.json()["detail"]
    assert "text" in huge.json()["detail"]
    assert "due_at" in no_offset.json()["detail"]
    [reason] = stranger.json()["errors"]
    assert (reason["field"], reason["type"]) == ("body.recipient_id", "person_not_in_organisation")
    assert "not someone in your organisation" in stranger.json()["detail"]
    assert (await world.get("/v1/feedback/inbox", "bob", Role.ASSISTANT)).json()["items"] == []
    assert (await world.get("/v1/people/bob/feedback", "dan", Role.MANAGER)).status_code == 403


async def test_the_people_one_works_with_are_offered_by_name_with_the_direction_feedback_to_them_takes(
    world: FeedbackWorld,
) -> None:
    bobs = await world.get("/v1/feedback/recipients", "bob", Role.ASSISTANT)
    assert bobs.status_code == 200, bobs.text
    assert [(p["person_id"], p["display_name"], p["direction"]) for p in bobs.json()] == [
        ("ann", "Ann Assistant", "peer"),
        ("ann-7f3a", "Annabel Quist", "peer"),
        ("cid", "Cid Assistant", "peer"),
        ("mia", "Mia Manager", "upward"),
    ]

    mias = (await world.get("/v1/feedback/recipients", "mia", Role.MANAGER)).json()
    assert [(p["person_id"], p["direction"]) for p in mias] == [
        ("ann", "downward"),
        ("ann-7f3a", "downward"),
        ("bob", "downward"),
        ("cid", "downward"),
        ("eve", "downward"),
    ]
    # Dan works in another team for another manager: he is not offered to Bob, nor Bob to him; only Max, his own.
    dans = (await world.get("/v1/feedback/recipients", "dan", Role.ASSISTANT)).json()
    assert [(p["person_id"], p["direction"]) for p in dans] == [("max", "upward")]
