"""Recognition against the real stack: streak badges, awards, kudos, leaderboards, promotion recommendations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from incentives_support import IncentivesWorld, achieved, goal_set, review

from pacer_shared.auth import Role
from pacer_shared.events.reviews import TrainingAssigned, TrainingCategory, TrainingCompleted
from pacer_testkit.stack import eventually


def week_end(weeks_ago: int) -> datetime:
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    return monday - timedelta(weeks=weeks_ago)


async def recognitions(world: IncentivesWorld, person: str, who: str = "hana", role: Role = Role.HR) -> list[Any]:
    return (await world.call("GET", f"/v1/recognitions?person_id={person}", who, role)).json()["items"]  # type: ignore[no-any-return]


async def test_a_goal_streak_badge_is_granted_once_when_the_streak_reaches_its_length(world: IncentivesWorld) -> None:
    weeks = [goal_set(f"calls-w{i}", "ann", 10, end=week_end(3 - i)) for i in range(4)]
    await world.publish(*weeks, *[achieved(goal, 12) for goal in weeks[:3]])

    async def badge() -> Any:
        return [r for r in await recognitions(world, "ann") if r["kind"] == "badge"] or None

    [granted] = await eventually(badge, 60, "the streak badge")
    assert (granted["name"], granted["points"], granted["team_id"]) == ("On a roll", 30, "north")
    assert granted["citation"] == "every goal achieved 3 periods in a row"

    # A fourth week in a row extends the streak: no second badge for it.
    await world.publish(achieved(weeks[3], 15))

    async def fourth_counted() -> Any:
        board = (await world.call("GET", "/v1/teams/north/leaderboard?month=2026-11", "ann", Role.ASSISTANT)).json()
        ann = [s for s in board["standings"] if s["person_id"] == "ann"]
        return ann if ann and ann[0]["detail"]["goals"] == "4" else None

    await eventually(fourth_counted, 60, "the fourth achieved week")
    assert [r["recognition_id"] for r in await recognitions(world, "ann") if r["kind"] == "badge"] == [
        granted["recognition_id"]
    ]
    events = await world.events(lambda rs: any(r.json()["type"] == "RecognitionGranted" for r in rs))
    assert [e["data"]["name"] for e in events if e["type"] == "RecognitionGranted"] == ["On a roll"]


async def test_a_streak_that_grows_past_its_length_at_once_still_earns_the_badge(world: IncentivesWorld) -> None:
    """An older week decided last: the run goes from one week to four in one step, past the badge's three."""
    weeks = [goal_set(f"late-w{i}", "ann", 10, end=week_end(3 - i)) for i in range(4)]
    await world.publish(*weeks, *[achieved(weeks[i], 12) for i in (0, 1, 3)])

    async def three_counted() -> Any:
        board = (await world.call("GET", "/v1/teams/north/leaderboard?month=2026-11", "ann", Role.ASSISTANT)).json()
        ann = [s for s in board["standings"] if s["person_id"] == "ann"]
        return ann if ann and ann[0]["detail"]["goals"] == "3" else None

    await eventually(three_counted, 60, "three achieved weeks, the third latest still undecided")
    assert [r for r in await recognitions(world, "ann") if r["kind"] == "badge"] == []
    await world.publish(achieved(weeks[2], 12))

    async def badge() -> Any:
        return [r for r in await recognitions(world, "ann") if r["kind"] == "badge"] or None

    [granted] = await eventually(badge, 60, "the streak badge once the run is four weeks long")
    assert granted["citation"] == "every goal achieved 4 periods in a row"


async def test_leaderboards_rank_by_attainment_then_goals_achieved_then_person_id(world: IncentivesWorld) -> None:
    ann, bob1, bob2, cid = (
        goal_set("ann-1", "ann", 10, end=week_end(1)),
        goal_set("bob-1", "bob", 10, end=week_end(1)),
        goal_set("bob-2", "bob", 10, end=week_end(0)),
        goal_set("cid-1", "cid", 10, end=week_end(1)),
    )
    # All three at 100%: bob achieved two goals, ann and cid one each, and ann comes before cid by id.
    await world.publish(ann, bob1, bob2, cid, *(achieved(g, 10) for g in (ann, bob1, bob2, cid)))

    async def board() -> Any:
        found = (await world.call("GET", "/v1/teams/north/leaderboard?month=2026-11", "mia", Role.MANAGER)).json()
        return found if len(found["standings"]) == 3 else None

    standings = (await eventually(board, 60, "the leaderboard"))["standings"]
    assert [(s["rank"], s["person_id"], Decimal(s["score"])) for s in standings] == [
        (1, "bob", Decimal(1)),
        (2, "ann", Decimal(1)),
        (3, "cid", Decimal(1)),
    ]
    assert all("amount" not in s and "total" not in s for s in standings)
    outsider = await world.call("GET", "/v1/teams/north/leaderboard", "dan", Role.ASSISTANT)
    assert outsider.status_code == 403


async def test_kudos_count_against_a_monthly_budget_and_never_go_to_oneself(world: IncentivesWorld) -> None:
    to_self = await world.call("POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": "ann", "message": "me"})
    assert to_self.status_code == 422
    assert "someone else" in to_self.json()["detail"]
    for _ in range(5):
        given = await world.call("POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": "bob", "message": "thanks!"})
        assert given.status_code == 201, given.text
    beyond = await world.call("POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": "cid", "message": "one more"})
    assert beyond.status_code == 409
    assert "budget of 5" in beyond.json()["detail"]
    assert (beyond.json()["code"], beyond.json()["ctx"]["budget"]) == ("kudos_budget_used", 5), "for a client to word"
    budget = (await world.call("GET", "/v1/kudos/budget", "ann", Role.ASSISTANT)).json()
    assert (budget["budget"], budget["remaining"]) == (5, 0)

    board = (await world.call("GET", "/v1/teams/north/leaderboard?by=points", "cid", Role.ASSISTANT)).json()
    assert [(s["person_id"], Decimal(s["score"])) for s in board["standings"]] == [
        ("bob", Decimal(25)),
        ("ann", Decimal(0)),
        ("cid", Decimal(0)),
    ]


async def test_awards_come_from_the_persons_manager_and_private_ones_stay_private(world: IncentivesWorld) -> None:
    award = {"person_id": "ann", "name": "Star of the month", "citation": "Rescued the Q4 renewal", "private": True}
    assert (await world.call("POST", "/v1/awards", "max", Role.MANAGER, award)).status_code == 403
    assert (await world.call("POST", "/v1/awards", "bob", Role.ASSISTANT, award)).status_code == 403
    given = await world.call("POST", "/v1/awards", "mia", Role.MANAGER, award)
    assert given.status_code == 201, given.text
    assert (given.json()["points"], given.json()["granted_by"], given.json()["granted_by_name"]) == (
        40,
        "mia",
        "Mia Manager",
    )

    [hers] = await recognitions(world, "ann", "ann", Role.ASSISTANT)
    assert (hers["name"], hers["granted_by_name"]) == ("Star of the month", "Mia Manager"), "by name, for Ann too"
    assert await recognitions(world, "ann", "bob", Role.ASSISTANT) == []
    board = (await world.call("GET", "/v1/teams/north/leaderboard?by=points", "bob", Role.ASSISTANT)).json()
    assert {s["person_id"]: Decimal(s["score"]) for s in board["standings"]}["ann"] == 0, "its points stay private"
    events = await world.events(lambda rs: any(r.json()["type"] == "RecognitionGranted" for r in rs))
    [event] = [e for e in events if e["type"] == "RecognitionGranted"]
    assert "Q4 renewal" not in json.dumps(event), "the citation travels sealed for Ann"
    assert (event["data"]["kind"], event["data"]["private"], (await world.opened(event))["citation"]) == (
        "award",
        True,
        "Rescued the Q4 renewal",
    )


async def test_a_page_of_recognitions_is_full_even_when_newer_private_ones_are_left_out(world: IncentivesWorld) -> None:
    kudos = await world.call("POST", "/v1/kudos", "bob", Role.ASSISTANT, {"to": "ann", "message": "thanks!"})
    assert kudos.status_code == 201, kudos.text
    for name in ("Quiet hero", "Safe pair of hands"):
        award = {"person_id": "ann", "name": name, "citation": "for the team", "private": True}
        assert (await world.call("POST", "/v1/awards", "mia", Role.MANAGER, award)).status_code == 201
    page = (await world.call("GET", "/v1/recognitions?person_id=ann&limit=1", "bob", Role.ASSISTANT)).json()
    assert [r["kind"] for r in page["items"]] == ["kudos"], "the newest one Bob may see, not an empty page"
    assert page["next_cursor"] is None, "nothing else Bob may see follows"
    assert len(await recognitions(world, "ann", "mia", Role.MANAGER)) == 3


async def award_names(world: IncentivesWorld, query: str) -> tuple[list[str], str | None]:
    response = await world.call("GET", f"/v1/recognitions?person_id=bob&{query}", "ann", Role.ASSISTANT)
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["items"]], response.json()["next_cursor"]


async def test_recognitions_page_newest_first_each_once_even_when_one_is_granted_between_pages(
    world: IncentivesWorld,
) -> None:
    names = [f"Award {n}" for n in range(5)]
    for name in names:
        award = {"person_id": "bob", "name": name, "citation": "for the team"}
        assert (await world.call("POST", "/v1/awards", "mia", Role.MANAGER, award)).status_code == 201
    private = {"person_id": "bob", "name": "Private one", "citation": "for the team", "private": True}
    assert (await world.call("POST", "/v1/awards", "mia", Role.MANAGER, private)).status_code == 201

    seen, cursor = await award_names(world, "limit=2")
    assert seen == ["Award 4", "Award 3"], "Bob's private award is not Ann's to see, and takes no place on her page"
    late = {"person_id": "bob", "name": "Granted between pages", "citation": "for the team"}
    assert (await world.call("POST", "/v1/awards", "mia", Role.MANAGER, late)).status_code == 201
    while cursor is not None:
        page, cursor = await award_names(world, f"limit=2&cursor={cursor}")
        seen += page
    assert seen == names[::-1], "each recognition once, newest first; the new one comes before the cursor"
    assert (await award_names(world, "limit=1"))[0] == ["Granted between pages"]

    too_many = await world.call("GET", "/v1/recognitions?limit=201", "ann", Role.ASSISTANT)
    assert too_many.status_code == 422, too_many.text
    forged = await world.call("GET", "/v1/recognitions?cursor=not-a-cursor", "ann", Role.ASSISTANT)
    assert (forged.status_code, forged.headers["content-type"]) == (422, "application/problem+json")
    assert "cursor" in forged.json()["detail"]


async def test_an_award_sent_twice_with_its_own_key_is_granted_once(world: IncentivesWorld) -> None:
    award = {"person_id": "bob", "name": "Rising star", "citation": "Three new accounts", "award_id": "form-77"}
    first, again = [await world.call("POST", "/v1/awards", "mia", Role.MANAGER, award) for _ in range(2)]
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["recognition_id"] == first.json()["recognition_id"]
    assert [r["name"] for r in await recognitions(world, "bob")] == ["Rising star"]


async def test_promotion_is_recommended_with_its_evidence_once_the_rule_holds(world: IncentivesWorld) -> None:
    quarters = [datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)]
    reviews = [review("dan", rating, end, "quarterly") for rating, end in zip((4, 5, 4), quarters, strict=True)]
    assignment = {"assignment_id": "a-1", "person_id": "dan", "course_id": "objection-handling"}
    # The assignment goes first: all of dan's review events share one partition, so it is known by the time
    # the third strong rating arrives, and the rule must wait for the training to be completed.
    ids = await world.ids(
        TrainingAssigned(
            **assignment,
            course_title="Objection handling",
            category=TrainingCategory.SALES_SKILLS,
            due_at=datetime(2026, 12, 1, tzinfo=UTC),
            assigned_by="max",
        ),
        *reviews,
    )
    [completed] = await world.ids(
        TrainingCompleted(**assignment, category=TrainingCategory.SALES_SKILLS, completed_at=datetime.now(UTC))
    )

    async def recommended() -> Any:
        return (await world.call("GET", "/v1/promotions", "hana", Role.HR)).json() or None

    [recommendation] = await eventually(recommended, 60, "the promotion recommendation")
    assert (recommendation["person_id"], recommendation["rule"]) == ("dan", "ready-for-promotion")
    evidence = "\n".join(recommendation["evidence"])
    for review_event in ids[1:]:
        assert review_event in evidence
    # A recommendation is made once per latest review: had it fired before the training was done, this
    # one would be that earlier one, without the completion.
    assert completed in evidence
    assert "all 1 training assignment(s) completed" in evidence
    assert "rated 5 (Outstanding)" in evidence
    assert (await world.call("GET", "/v1/promotions", "max", Role.MANAGER)).status_code == 403
    learner = [r for r in await recognitions(world, "dan") if r["kind"] == "badge"]
    assert [r["name"] for r in learner] == ["Always learning"]


async def test_kudos_and_awards_name_a_company_value_and_an_unknown_one_is_refused(world: IncentivesWorld) -> None:
    values = (await world.call("GET", "/v1/values", "ann", Role.ASSISTANT)).json()
    teamwork = next(v for v in values if v["value_id"] == "teamwork")
    assert teamwork["names"] == {"en": "Teamwork", "zh-CN": "团队合作"}

    unknown = await world.call(
        "POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": "bob", "message": "thanks!", "value_id": "speed"}
    )
    assert unknown.status_code == 422, unknown.text
    assert "'speed' is not one of the company values" in unknown.json()["detail"]
    assert (await world.call("GET", "/v1/kudos/budget", "ann", Role.ASSISTANT)).json()["remaining"] == 5

    kudos = await world.call(
        "POST", "/v1/kudos", "ann", Role.ASSISTANT, {"to": "bob", "message": "thanks!", "value_id": "teamwork"}
    )
    assert kudos.status_code == 201, kudos.text
    assert kudos.json()["value_id"] == "teamwork"
    body = {"person_id": "bob", "name": "Star", "citation": "Won back a lost client.", "value_id": "customer-first"}
    award = await world.call("POST", "/v1/awards", "mia", Role.MANAGER, body)
    assert award.status_code == 201, award.text
    refused = await world.call("POST", "/v1/awards", "mia", Role.MANAGER, {**body, "value_id": "nope"})
    assert refused.status_code == 422, refused.text

    assert {(r["kind"], r["value_id"]) for r in await recognitions(world, "bob")} == {
        ("kudos", "teamwork"),
        ("award", "customer-first"),
    }
    events = await world.events(lambda rs: sum(r.json()["type"] == "RecognitionGranted" for r in rs) >= 2)
    granted = {e["data"]["value_id"]: e["data"]["value_names"] for e in events if e["type"] == "RecognitionGranted"}
    assert granted == {
        "teamwork": {"en": "Teamwork", "zh-CN": "团队合作"},
        "customer-first": {"en": "Customer first", "zh-CN": "客户第一"},
    }
