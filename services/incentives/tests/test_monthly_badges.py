"""Monthly badges against the real stack, with the service's clock moved past the month's end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from incentives_support import ROSTER, TUNING, IncentivesWorld, achieved, goal_set
from pymongo import AsyncMongoClient

from pacer_incentives.main import build
from pacer_incentives.settings import IncentivesSettings
from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock
from pacer_shared.events.feedback import FeedbackDirection, FeedbackGiven, FeedbackKind
from pacer_testkit.stack import Stack, eventually
from pacer_testkit.world import RunningService


@pytest.fixture
async def at_a_movable_clock(
    running_service: RunningService,
) -> AsyncIterator[tuple[IncentivesWorld, ShiftedClock]]:
    clock = ShiftedClock()
    async with running_service.in_process(
        "incentives",
        lambda: build(IncentivesSettings(), clock),
        ROSTER,
        world=IncentivesWorld,
        **{**TUNING, "PACER_INCENTIVES_LEDGER_POLL_SECONDS": "0.2"},
    ) as world:
        yield world, clock


def praise(to: str, by: str) -> FeedbackGiven:
    return FeedbackGiven(
        feedback_id=f"{by}-{to}",
        author_id=by,
        recipient_id=to,
        kind=FeedbackKind.PRAISE,
        direction=FeedbackDirection.PEER,
        text="Thank you!",
    )


async def a_month_of_goals_and_praise(
    world: IncentivesWorld, clock: ShiftedClock, stack: Stack, namespace: str
) -> datetime:
    """Ann beats her goal (12 of 10), Bob meets his (10 of 10); Bob is praised twice, Ann once. The month's end."""
    now = clock.now()
    month_end = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    month_start = datetime(now.year, now.month, 1, tzinfo=UTC)
    earlier = month_start + (now - month_start) / 2  # this month however early in it the test runs
    ann, bob = goal_set("ann-1", "ann", 10, end=earlier), goal_set("bob-1", "bob", 10, end=now)
    await world.publish(ann, bob, achieved(ann, 12), achieved(bob, 10), praise("bob", "ann"), praise("bob", "cid"))
    await world.publish(praise("ann", "cid"))

    async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
        cursors = client[f"{namespace}_incentives"]["cursors"]
        await eventually(lambda: cursors.find_one({"_id": "monthly-badges"}), 30, "the month being watched")

    async def board() -> Any:
        found = (await world.call("GET", "/v1/teams/north/leaderboard", "hana", Role.HR)).json()
        return found if len(found["standings"]) == 2 else None

    await eventually(board, 30, "both goals on the leaderboard")
    return month_end


async def badges_granted(world: IncentivesWorld) -> set[tuple[str, str]]:
    async def badges() -> Any:
        found = (await world.call("GET", "/v1/recognitions", "hana", Role.HR)).json()["items"]
        return found if len(found) == 2 else None

    return {(r["name"], r["person_id"]) for r in await eventually(badges, 30, "the month's badges")}


async def test_at_the_months_end_the_best_attainment_and_the_most_praised_in_each_team_get_badges(
    at_a_movable_clock: tuple[IncentivesWorld, ShiftedClock], stack: Stack, namespace: str
) -> None:
    world, clock = at_a_movable_clock
    month_end = await a_month_of_goals_and_praise(world, clock, stack, namespace)
    clock.set(month_end + timedelta(hours=14, seconds=1))  # the month has ended in every time zone
    assert await badges_granted(world) == {("Top of the team", "ann"), ("Most appreciated", "bob")}


async def test_someone_who_left_before_the_months_end_wins_no_badge(
    at_a_movable_clock: tuple[IncentivesWorld, ShiftedClock], stack: Stack, namespace: str
) -> None:
    world, clock = at_a_movable_clock
    month_end = await a_month_of_goals_and_praise(world, clock, stack, namespace)
    [ann] = [person for person in ROSTER if person.person_id == "ann"]
    await world.publish(ann.model_copy(update={"active": False}))

    async def gone() -> bool:
        board = (await world.call("GET", "/v1/teams/north/leaderboard", "hana", Role.HR)).json()
        return [s["person_id"] for s in board["standings"]] == ["bob"]

    await eventually(gone, 30, "Ann to leave the team's standings")
    clock.set(month_end + timedelta(hours=14, seconds=1))  # the month has ended in every time zone
    assert await badges_granted(world) == {("Top of the team", "bob"), ("Most appreciated", "bob")}


async def test_at_the_months_end_the_teammate_with_most_value_tagged_kudos_lived_our_values_once(
    at_a_movable_clock: tuple[IncentivesWorld, ShiftedClock], stack: Stack, namespace: str
) -> None:
    world, clock = at_a_movable_clock
    now = clock.now()
    month_end = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
        cursors = client[f"{namespace}_incentives"]["cursors"]
        await eventually(lambda: cursors.find_one({"_id": "monthly-badges"}), 30, "the month being watched")
    # Bob: two kudos naming values; Ann: three kudos, but only one names a value.
    given = [
        ("ann", "bob", "teamwork"),
        ("cid", "bob", "customer-first"),
        ("bob", "ann", "integrity"),
        ("bob", "ann", None),
        ("cid", "ann", None),
    ]
    for giver, to, value in given:
        body = {"to": to, "message": "thanks!", **({"value_id": value} if value else {})}
        response = await world.call("POST", "/v1/kudos", giver, Role.ASSISTANT, body)
        assert response.status_code == 201, response.text

    clock.set(month_end + timedelta(hours=14, seconds=1))  # the month has ended in every time zone

    async def lived() -> Any:
        found = (await world.call("GET", "/v1/recognitions", "hana", Role.HR)).json()["items"]
        return [r for r in found if r["name"] == "Lived our values"] or None

    [badge] = await eventually(lived, 30, "the lived-our-values badge")
    assert (badge["person_id"], badge["team_id"], badge["points"]) == ("bob", "north", 20)
    assert badge["citation"].endswith(": 2 kudos naming 2 value(s)")

    # Once per team and month: a service that starts again over the same month grants nothing new.
    async with AsyncMongoClient[dict[str, Any]](stack.mongo_url) as client:
        cursors = client[f"{namespace}_incentives"]["cursors"]
        await cursors.update_one({"_id": "monthly-badges"}, {"$set": {"next": month_end - timedelta(days=1)}})

        async def rewound_and_run_again() -> Any:
            found = await cursors.find_one({"_id": "monthly-badges"})
            return found if found and found["next"].replace(tzinfo=UTC) >= month_end else None

        await eventually(rewound_and_run_again, 30, "the month's badges worked out a second time")
    assert [r["recognition_id"] for r in (await lived()) or []] == [badge["recognition_id"]]
