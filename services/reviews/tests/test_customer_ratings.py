"""Customer ratings from a CRM reach the review of their period as an average and a count, weigh in its score, and
a rating outside 1-5 is dead-lettered with its reason while the good ones still count."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from reviews_support import ReviewsWorld
from test_review_cycles import THIS_MONTH, month_start

from pacer_shared.auth import Role
from pacer_shared.events import wrap
from pacer_shared.events.sales import SalesActivityRecorded, SalesActivityRetracted
from pacer_testkit.stack import eventually, producer, read_topic

RATED_TEMPLATE = {
    "name": "rated-summary",
    "title": "Monthly summary with customers' view",
    "criteria": [{"key": "records", "name": "Customer-record quality", "weight": 50}],
    "goal_weight": 30,
    "customer_rating_weight": 20,
}


def rated(activity_id: str, score: int, assistant: str = "ann", at: datetime | None = None) -> SalesActivityRecorded:
    return SalesActivityRecorded(
        activity_id=activity_id,
        assistant_id=assistant,
        kind="customer_rating",
        score=score,
        occurred_at=at or THIS_MONTH["start"] + timedelta(days=2),
        source_system="crm",
        customer_id="acme",
    )


async def open_rated_review(world: ReviewsWorld) -> dict[str, Any]:
    saved = await world.call("POST", "/v1/templates", "hana", Role.HR, RATED_TEMPLATE)
    assert saved.status_code == 201, saved.text
    assert saved.json()["customer_rating_weight"] == "20"
    body = {
        "name": "ann-rated",
        "cadence": "monthly",
        "template_name": "rated-summary",
        "period_start": month_start(0),
        "person_ids": ["ann"],
    }
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, body)
    assert opened.status_code == 201, opened.text
    listed = await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)
    [review] = listed.json()["items"]
    return review  # type: ignore[no-any-return]


async def test_the_periods_customer_ratings_show_as_average_and_count_and_weigh_in_the_score(
    world: ReviewsWorld,
) -> None:
    review = await open_rated_review(world)
    await world.publish(
        rated("r1", 5),
        rated("r2", 4),
        rated("r3", 1),
        rated("r-bob", 1, assistant="bob"),
        rated("r-last-month", 1, at=THIS_MONTH["start"] - timedelta(days=3)),
        SalesActivityRetracted(activity_id="r3", reason="rated the wrong assistant"),
    )

    async def ratings_arrived() -> dict[str, Any] | None:
        shown = (await world.call("GET", f"/v1/reviews/{review['review_id']}", "ann", Role.ASSISTANT)).json()
        return shown if shown["inputs"]["customer_ratings"]["count"] == 2 else None

    shown = await eventually(ratings_arrived, what="Ann's two standing ratings of this month to reach her review")
    assert shown["inputs"]["customer_ratings"] == {"average": "4.50", "count": 2}

    own = await world.call("POST", f"/v1/reviews/{review['review_id']}/self", "ann", Role.ASSISTANT, {"ratings": {}})
    assert own.status_code == 200, own.text
    done = await world.call(
        "POST", f"/v1/reviews/{review['review_id']}/manager", "mia", Role.MANAGER, {"ratings": {"records": 3}}
    )
    assert done.status_code == 200, done.text
    explanation = (await world.call("GET", f"/v1/reviews/{review['review_id']}/score", "ann", Role.ASSISTANT)).json()
    assert [(line["key"], line["rating"], line["weight"]) for line in explanation["lines"]] == [
        ("records", "3", "50"),
        ("customer_rating", "4.50", "20"),
    ]
    assert explanation["lines"][1]["source"] == "mean customer score 4.50 of 5 over 2 rating(s)"
    assert explanation["missing"] == ["goal attainment: no goals closed in the period"]
    # (50×3 + 20×4.5) / 70 = 3.428… → 3.43
    assert explanation["score"] == "3.43"


async def test_a_rating_outside_one_to_five_is_dead_lettered_with_why_and_the_good_ones_still_count(
    world: ReviewsWorld,
) -> None:
    review = await open_rated_review(world)
    envelope = json.loads(wrap(rated("r-bad", 5), source="/crm", time=datetime.now(UTC)).to_json())
    envelope["data"]["score"] = 9
    async with producer(world.stack.kafka_bootstrap) as client:
        await client.send_and_wait(world.topic("sales.activity"), json.dumps(envelope).encode(), key=b"ann")
    await world.publish(rated("r-good", 4))

    async def counted() -> dict[str, Any] | None:
        shown = (await world.call("GET", f"/v1/reviews/{review['review_id']}", "mia", Role.MANAGER)).json()
        return shown if shown["inputs"]["customer_ratings"]["count"] >= 1 else None

    shown = await eventually(counted, what="the good rating to count")
    assert shown["inputs"]["customer_ratings"] == {"average": "4.00", "count": 1}
    dead = await read_topic(
        world.stack.kafka_bootstrap,
        world.topic("sales.activity.dlq"),
        lambda rs: any(r.headers.get("pacer-dlq-consumer") == "reviews.customer-ratings" for r in rs),
    )
    [letter] = [r for r in dead if r.headers.get("pacer-dlq-consumer") == "reviews.customer-ratings"]
    assert "a customer_rating needs a score from 1 to 5, got 9" in letter.headers["pacer-dlq-reason"]
