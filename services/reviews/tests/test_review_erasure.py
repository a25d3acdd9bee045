"""An erased person's reviews: deleted by default; kept as pseudonymised aggregates (scores and criteria, no id, name
or words) where the organisation's retention says so (`PACER_REVIEWS_RETENTION=pseudonymise`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from reviews_support import ReviewsWorld, with_template

from pacer_shared.auth import Role
from pacer_shared.events.people import PersonErased
from pacer_testkit.platform import REVIEW_TEMPLATE
from pacer_testkit.roster import ROSTER
from pacer_testkit.stack import eventually
from pacer_testkit.world import RunningService

ANN = next(p for p in ROSTER if p.person_id == "ann")
WORDS = ("Calmed Acme down", "Misses the Friday report", "Ann carried the quarter", "Thanks, fair review")


@pytest.fixture(params=["delete", "pseudonymise"])
async def kept(request: pytest.FixtureRequest, running_service: RunningService) -> AsyncIterator[ReviewsWorld]:
    async with running_service(
        "pacer_reviews.main", world=ReviewsWorld, PACER_REVIEWS_RETENTION=request.param
    ) as reviews:
        await with_template(reviews)
        yield reviews


async def open_review(world: ReviewsWorld) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    cycle = {
        "name": f"erasure-{uuid.uuid4().hex[:6]}",
        "cadence": "custom",
        "template_name": REVIEW_TEMPLATE["name"],
        "period_start": (today - timedelta(days=1)).isoformat(),
        "period_end": (today + timedelta(days=1)).isoformat(),
        "person_ids": ["ann"],
    }
    opened = await world.post("/v1/cycles", cycle, "hana", Role.HR)
    assert opened.status_code == 201, opened.text
    [review] = (await world.get(f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)).json()["items"]
    return review  # type: ignore[no-any-return]


async def test_an_erased_persons_reviews_go_or_stay_as_pseudonymised_scores_as_retention_says(
    kept: ReviewsWorld,
) -> None:
    pseudonymise = kept.env["PACER_REVIEWS_RETENTION"] == "pseudonymise"
    done, still_open = await open_review(kept), await open_review(kept)
    path = f"/v1/reviews/{done['review_id']}"
    words = {"strengths": WORDS[0], "weaknesses": WORDS[1], "comment": WORDS[0]}
    own = await kept.post(f"{path}/self", {"ratings": {"records": 4, "teamwork": 3}, **words}, "ann", Role.ASSISTANT)
    assert own.status_code == 200, own.text
    development = [{"area": "reports", "suggestion": WORDS[1], "course_id": None}]
    verdict = {"ratings": {"records": 4, "teamwork": 5}, "comment": WORDS[2], "development": development}
    completed = await kept.post(f"{path}/manager", verdict, "mia", Role.MANAGER)
    assert completed.status_code == 200, completed.text
    acknowledged = await kept.post(f"{path}/acknowledge", {"comment": WORDS[3]}, "ann", Role.ASSISTANT)
    assert acknowledged.status_code == 200, acknowledged.text
    before = (await kept.get(path, "hana", Role.HR)).json()

    await kept.publish(PersonErased(person_id="ann"))

    async def erased() -> tuple[list[dict[str, Any]]] | None:
        stored = await kept.stored("reviews")
        left = [r for r in stored if r["_id"] in (done["review_id"], still_open["review_id"])]
        return (left,) if not [r for r in left if r["person_id"] == "ann"] else None

    [left] = await eventually(erased, 60, "ann's reviews erased")
    assert not (await kept.get("/v1/reviews?person_id=ann", "hana", Role.HR)).json()["items"], "nothing under her id"
    if not pseudonymise:
        assert left == [], "her reviews went with her"
        return

    [review] = left
    assert review["_id"] == done["review_id"], "the open review went; the completed one stays"
    assert review["person_id"].startswith("erased-")
    assert review["status"] in ("completed", "acknowledged")
    assert review["result"]["score"] == before["result"]["score"]
    assert review["result"]["rating"] == before["result"]["rating"]
    assert review["result"]["explanation"] == before["result"]["explanation"], "the score by criterion"
    assert review["manager"]["ratings"] == {"records": 4, "teamwork": 5}
    text = json.dumps(review, default=str)
    assert not [trace for trace in (*WORDS, ANN.display_name, ANN.email, '"ann"') if trace in text], text
    shown = await kept.get(path, "hana", Role.HR)
    assert shown.status_code == 200, shown.text
    assert shown.json()["result"]["score"] == before["result"]["score"]
    listed = (await kept.get(f"/v1/reviews?cycle_id={done['cycle_id']}", "hana", Role.HR)).json()["items"]
    assert [r["person_id"] for r in listed] == [review["person_id"]], "hr still counts it in the cycle"
