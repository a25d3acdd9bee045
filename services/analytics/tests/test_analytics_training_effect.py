"""Training effect: the activity a completed course targets, before and after it, equal to a recount."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics_support import ZONES, AnalyticsWorld, recorded, recount

from pacer_shared.events.reviews import TrainingCategory, TrainingCompleted
from pacer_testkit.stack import bearer, eventually

SKILLS = ["call", "customer_visit", "lead_followed_up", "deal_closed"]  # the default targets of sales_skills
PRODUCT = ["quote_sent", "deal_closed"]


def completed(assignment: str, category: TrainingCategory, at: datetime) -> TrainingCompleted:
    return TrainingCompleted(
        assignment_id=assignment, person_id="ann", course_id=f"course-{assignment}", category=category, completed_at=at
    )


def expected(analytics: AnalyticsWorld, day: date, kinds: list[str], weeks: int) -> list[dict[str, Any]]:
    """Before: the weeks up to the day before; after: the weeks from the day after; recounted from the raw events."""
    days = recount(analytics.activities)

    def total(kind: str, first: date, last: date) -> int:
        return sum(t.count for (who, what, d), t in days.items() if (who, what) == ("ann", kind) and first <= d <= last)

    found = []
    for kind in kinds:
        before = total(kind, day - timedelta(weeks=weeks), day - timedelta(days=1))
        after = total(kind, day + timedelta(days=1), day + timedelta(weeks=weeks))
        found.append({"kind": kind, "before": before, "after": after, "change": after - before})
    return found


def shown(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in kind.items() if k != "change_ratio"} for kind in course["kinds"]]


async def test_the_targeted_activity_before_and_after_a_course_equals_a_recount(analytics: AnalyticsWorld) -> None:
    rng = random.Random(8)
    # 02:00 on 16 June in Shanghai, still the 15th in UTC: the day is ann's own.
    skills_at = datetime(2026, 6, 15, 18, tzinfo=UTC)
    recent_at = datetime.now(UTC) - timedelta(days=2)
    kinds = ["call", "customer_visit", "quote_sent", "deal_closed"]
    await analytics.send(
        *(
            recorded("ann", skills_at + timedelta(hours=rng.randrange(-24 * 20, 24 * 20)), rng.choice(kinds))
            for _ in range(80)
        ),
        *(recorded("ann", recent_at - timedelta(hours=rng.randrange(24 * 20)), "quote_sent") for _ in range(6)),
        recorded("ann", skills_at + timedelta(hours=2), "call"),  # on the day of completion: in neither window
    )
    skills = completed("a1", TrainingCategory.SALES_SKILLS, skills_at)
    product = completed("a2", TrainingCategory.PRODUCT, recent_at)
    await analytics.publish(skills, product, skills)  # the completion delivered twice counts once

    async def effect(who: tuple[str, str] = ("mia", "manager")) -> Any:
        response = await analytics.http.get(
            "/v1/analytics/assistants/ann/training-effect", params={"weeks": 2}, headers=bearer(*who)
        )
        assert response.status_code == 200, response.text
        return response.json()

    skills_day = skills_at.astimezone(ZONES["ann"]).date()
    recent_day = recent_at.astimezone(ZONES["ann"]).date()

    async def matches() -> bool:
        body = await effect()
        assert [c["assignment_id"] for c in body["courses"]] == ["a2", "a1"], "most recent first, each once"
        recent, old = body["courses"]
        assert shown(old) == expected(analytics, skills_day, SKILLS, 2)
        assert shown(recent) == expected(analytics, recent_day, PRODUCT, 2)
        return True

    await eventually(matches, 120, "the training effect to equal the recount")
    recent, old = (await effect(("ann", "assistant")))["courses"]
    assert (old["completed_on"], old["before_from"], old["after_to"]) == ("2026-06-16", "2026-06-02", "2026-06-30")
    assert (old["after_ended"], recent["after_ended"]) == (True, False)
    colleague = await analytics.http.get(
        "/v1/analytics/assistants/ann/training-effect", headers=bearer("bob", "assistant")
    )
    assert colleague.status_code == 403
