"""The platform as one product: what the CRM and people do reaches the right people, across all five services.

Every test drives the running services only through Kafka topics and HTTP APIs, as an outside system would,
and checks what people receive: the messages at the SMTP server and the chat receivers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from pacer_shared.auth import Role
from pacer_testkit.outlets import post_text, text_of
from pacer_testkit.platform import SOON, Platform, sale, unique
from pacer_testkit.stack import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_goal_missed_at_its_deadline_emails_the_assistant_and_tells_the_manager_in_chat(
    platform: Platform,
) -> None:
    title = unique("Calls before the deadline")
    goal = await platform.set_goal("ann", title, target=3, end=datetime.now(UTC) + SOON)
    ingested = await platform.post_sales(sale("ann"))
    assert ingested.status_code == 200, ingested.text
    assert ingested.json()["accepted"] == 1
    await platform.record_sales(sale("ann"))

    # Ann reads Chinese; Mia, her manager, reads English in the team's DingTalk.
    [email] = await platform.mail("ann@example.com", f"目标未达成：{title}")
    assert "完成 2 / 3 calls，差 1" in text_of(email)
    [post] = await platform.posts("dingtalk", f"Goal missed: {title}")
    assert post.signed
    assert f"Ann Assistant** missed **{title}**: 2 of 3 calls, short by 1" in post_text(post)
    assert "mia-dt" in post_text(post)

    missed = await platform.goal_where(goal["goal_id"], lambda g: g["status"] == "missed", "the goal to be missed")
    assert (missed["actual"], missed["shortfall"]) == ("2", "1")
    assert len(await platform.events("goals.events", "GoalMissed", goal_id=goal["goal_id"])) == 1
    assert not [m for m in platform.outlets.mailbox.to("mia@example.com") if title in str(m["Subject"])], (
        "the manager is told in chat, her first channel"
    )


async def test_goal_outcomes_and_feedback_complete_a_review_with_their_attainment(platform: Platform) -> None:
    calls, quotes = unique("Calls"), unique("Quotes")
    achieved = await platform.set_goal("bob", calls, target=2)
    missed = await platform.set_goal("bob", quotes, target=4, kinds=["quote_sent"], end=datetime.now(UTC) + SOON)
    await platform.record_sales(sale("bob"), sale("bob"), sale("bob", kind="quote_sent"))
    praise = await platform.call(
        "feedback",
        "POST",
        "/v1/feedback",
        "mia",
        Role.MANAGER,
        {"recipient_id": "bob", "kind": "praise", "text": "Quick follow-up with Acme.", "tags": ["customer_care"]},
    )
    assert praise.status_code == 201, praise.text

    today = datetime.now(UTC).date()
    review = await platform.open_review("bob", today - timedelta(days=1), today + timedelta(days=1))

    async def inputs_arrived() -> dict[str, Any] | None:
        found = (
            await platform.call("reviews", "GET", f"/v1/reviews/{review['review_id']}", "bob", Role.ASSISTANT)
        ).json()
        inputs = found["inputs"]
        complete = (inputs["goals_achieved"], inputs["goals_missed"], inputs["feedback"]["praise"]) == (1, 1, 1)
        return found if complete else None

    shown = await eventually(inputs_arrived, 60, "both goal outcomes and the praise to reach bob's review")
    assert shown["inputs"]["attainment"] == "0.6250", "mean of 2/2 and 1/4"
    assert shown["inputs"]["feedback"]["themes"] == {"customer_care": 1}
    assert {g["goal_id"] for g in shown["inputs"]["goals"]} == {achieved["goal_id"], missed["goal_id"]}

    await platform.complete_review(review, {"records": 4, "teamwork": 3})

    [completed] = await platform.events("reviews.events", "ReviewCompleted", review_id=review["review_id"])
    # goal rating = 1 + 4 × 0.625 / 1.25 = 3; score = (30×4 + 30×3 + 40×3) / 100 = 3.3
    assert (completed["data"]["attainment"], completed["data"]["score"]) == ("0.6250", "3.30")
    assert (completed["data"]["goals_achieved"], completed["data"]["goals_missed"]) == (1, 1)
    [email] = await platform.mail("bob@example.com", "Review completed")
    assert "score 3.3" in text_of(email)


async def test_anonymous_feedback_reaches_hr_and_the_manager_only_once_k_submissions_exist(
    platform: Platform,
) -> None:
    async def submit(who: str, text: str) -> None:
        body = {
            "subject_kind": "team",
            "subject_id": "north",
            "category": "concern",
            "text": text,
            "tags": ["workload"],
        }
        response = await platform.call("feedback", "POST", "/v1/anonymous", who, Role.ASSISTANT, body)
        assert response.status_code == 201, response.text

    async def released() -> list[dict[str, Any]]:
        response = await platform.call(
            "feedback", "GET", "/v1/anonymous/aggregates?subject_kind=team&subject_id=north", "hana", Role.HR
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    await submit("ann", "Targets rise every month without more staff.")
    await submit("bob", "Too many reports on Friday afternoons.")
    assert await released() == [], "below k nothing is shown, not even a count"

    await submit("cid", "The CRM is slow in the mornings.")
    assert await released() == [], "not inside the k-th author's request: at the organisation's release hour"
    platform.release_anonymous_feedback()
    [window] = await eventually(released, what="the scheduled release")
    assert window["submissions"] == 3

    [to_hr] = await platform.mail("hana@example.com", "Anonymous feedback released")
    [to_manager] = await platform.mail("mia@example.com", "Anonymous feedback released")
    for email in (to_hr, to_manager):
        assert "3 anonymous submissions about north" in text_of(email)
        for author in ("Ann", "Bob", "Cid"):
            assert author not in text_of(email)
    published = await platform.events("feedback.events", "AnonymousFeedbackPublished")
    assert [event["data"]["submissions"] for event in published] == [3], "one release, of all three, none before"
    deliveries = (await platform.call("notifications", "GET", "/v1/deliveries?person_id=mia", "hana", Role.HR)).json()[
        "items"
    ]
    anonymous = [d for d in deliveries if d["event_type"] == "AnonymousFeedbackPublished"]
    assert [d["channel"] for d in anonymous] == ["email"], "private: never to the manager's chat"


async def test_goal_outcomes_and_a_review_rating_make_a_bonus_statement_sent_privately_to_the_assistant(
    platform: Platform,
) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0) + SOON
    await platform.set_goal("eve", unique("Calls"), target=2, end=deadline)
    await platform.set_goal("eve", unique("Quotes"), target=2, kinds=["quote_sent"], end=deadline)
    await platform.record_sales(sale("eve"), sale("eve"), sale("eve", kind="quote_sent"))

    # The bonus period ends just after eve's goals and holds the end of yesterday's review (midnight in eve's
    # zone): review periods are whole days, so only a review that is already over can fall in a period closing
    # during a test.
    yesterday = deadline.date() - timedelta(days=1)
    review = await platform.open_review("eve", yesterday, yesterday)
    review_end = datetime.fromisoformat(review["period_end"])
    await platform.bonus_plan(
        "east", review_end - timedelta(minutes=1), deadline + timedelta(seconds=2), review_multipliers={"4": "1.2"}
    )
    await platform.complete_review(review, {"records": 4, "teamwork": 4})

    [calculated] = await platform.events("incentives.events", "BonusCalculated", person_id="eve")
    # attainment (2/2 + 1/2) / 2 = 0.75 → tier 0.5 → 500; rating 4 → × 1.2 → 600
    assert (calculated["data"]["total"], calculated["data"]["currency"]) == ("600.00", "EUR")
    statement = await platform.call(
        "incentives", "GET", f"/v1/statements/{calculated['data']['statement_id']}", "eve", Role.ASSISTANT
    )
    lines = statement.json()["explanation"]["lines"]
    assert [(line["kind"], Decimal(line["amount"])) for line in lines] == [
        ("goal_attainment", Decimal(500)),
        ("review_multiplier", Decimal(100)),
    ], lines

    [email] = await platform.mail("eve@example.com", "Your bonus statement")
    assert "€600.00" in text_of(email)
    deliveries = (await platform.call("notifications", "GET", "/v1/deliveries?person_id=eve", "hana", Role.HR)).json()[
        "items"
    ]
    bonus = [d for d in deliveries if d["event_type"] == "BonusCalculated"]
    assert [d["channel"] for d in bonus] == ["email"], "an amount never goes to chat, though eve prefers Feishu"


async def test_goals_achieved_three_periods_in_a_row_earn_a_badge_announced_in_the_team_chat(
    platform: Platform,
) -> None:
    end = datetime.now(UTC) + timedelta(hours=1)
    for period in range(3):
        await platform.set_goal("cid", unique("Daily calls"), target=1, end=end + timedelta(minutes=period))
    await platform.record_sales(sale("cid"))

    [granted] = await platform.events("incentives.events", "RecognitionGranted", person_id="cid")
    assert (granted["data"]["name"], granted["data"]["kind"]) == ("On a roll", "badge")
    [email] = await platform.mail("cid@example.com", "Recognition: On a roll")
    assert "every goal achieved 3 periods in a row" in text_of(email)
    [post] = await platform.posts("wecom", "On a roll")
    assert "Cid Assistant" in post_text(post)
