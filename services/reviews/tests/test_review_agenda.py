"""A weekly check-in's 1:1 agenda, and anonymous aggregates in the review of the manager they concern."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from reviews_support import ReviewsWorld

from pacer_shared.auth import Role
from pacer_shared.events.feedback import AnonymousFeedbackPublished, FeedbackDirection, FeedbackGiven, FeedbackKind
from pacer_shared.events.goals import (
    GoalAchieved,
    GoalAtRisk,
    GoalCancelled,
    GoalCheckInRecorded,
    GoalMetric,
    GoalMissed,
    GoalNote,
    GoalProgressed,
    GoalSet,
    MetricAggregation,
)
from pacer_testkit.stack import eventually

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = {"start": datetime(2026, 11, 9, tzinfo=SHANGHAI), "end": datetime(2026, 11, 16, tzinfo=SHANGHAI)}
"""Ann's week in her own time zone: her weekly goals run exactly over it."""
IN_THE_WEEK = datetime(2026, 11, 11, 3, tzinfo=UTC)
NOVEMBER = {"window_start": datetime(2026, 11, 1, tzinfo=UTC), "window_end": datetime(2026, 12, 1, tzinfo=UTC)}
ANONYMOUS_TEXTS = ["Reports pile up every Friday afternoon", "Nobody says thanks when a deal closes"]


async def open_week(world: ReviewsWorld, **population: Any) -> dict[str, dict[str, Any]]:
    """Open the weekly check-in of 9 November and return its reviews by person."""
    body = {
        "name": "north-weekly",
        "cadence": "weekly",
        "template_name": "monthly-summary",
        "period_start": "2026-11-09",
        **(population or {"team_id": "north"}),
    }
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, body)
    assert opened.status_code == 201, opened.text
    listed = await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)
    return {r["person_id"]: r for r in listed.json()["items"]}


def goal_set(goal_id: str, title: str, target: int, unit: str, week_start: datetime = WEEK["start"]) -> GoalSet:
    return GoalSet(
        goal_id=goal_id,
        owner_id="ann",
        title=title,
        period_start=week_start,
        period_end=week_start + timedelta(days=7),
        metric=GoalMetric(kinds=["call"], aggregation=MetricAggregation.COUNT),
        target=Decimal(target),
        unit=unit,
        set_by="mia",
    )


def in_week(goal_id: str, title: str) -> dict[str, Any]:
    return {
        "goal_id": goal_id,
        "owner_id": "ann",
        "title": title,
        "period_start": WEEK["start"],
        "period_end": WEEK["end"],
    }


def feedback(feedback_id: str, kind: FeedbackKind, tags: list[str]) -> FeedbackGiven:
    return FeedbackGiven(
        feedback_id=feedback_id,
        author_id="mia",
        recipient_id="ann",
        kind=kind,
        direction=FeedbackDirection.DOWNWARD,
        text="see notes",
        tags=tags,
    )


async def agenda_of(world: ReviewsWorld, review_id: str, who: str, role: Role) -> dict[str, Any]:
    response = await world.call("GET", f"/v1/reviews/{review_id}/agenda", who, role)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_the_weekly_agenda_puts_at_risk_goals_first_with_open_training_and_the_weeks_feedback(
    world: ReviewsWorld,
) -> None:
    reviews = await open_week(world)
    ann = reviews["ann"]["review_id"]
    # Due in three months of the real clock the service runs on: open whenever the test runs.
    open_until = datetime.now(UTC).date() + timedelta(days=90)
    for course_id, due_at in (("crm-hygiene", "2026-11-01T00:00:00Z"), ("follow-up", f"{open_until}T00:00:00Z")):
        assigned = await world.call(
            "POST",
            "/v1/training/assignments",
            "mia",
            Role.MANAGER,
            {"person_id": "ann", "course_id": course_id, "due_at": due_at},
        )
        assert assigned.status_code == 201, assigned.text

    last_week = WEEK["start"] - timedelta(days=7)
    await world.publish(
        # Not this week's: last week's goal, and a goal cancelled before the check-in.
        goal_set("calls-previous", "Calls last week", 40, "calls", week_start=last_week),
        GoalMissed(
            **{**in_week("calls-previous", "Calls last week"), "period_start": last_week, "period_end": WEEK["start"]},
            target=Decimal(40),
            actual=Decimal(30),
            shortfall=Decimal(10),
            attainment=Decimal("0.75"),
        ),
        goal_set("reports", "Weekly reports", 2, "reports"),
        GoalCancelled(**in_week("reports", "Weekly reports"), cancelled_by="mia", reason="moved to the team goal"),
        # This week's goals, as the goals service publishes their progress.
        goal_set("calls", "Calls this week", 40, "calls"),
        goal_set("quotes", "Quotes this week", 10, "quotes"),
        goal_set("visits", "Customer visits", 5, "visits"),
        GoalProgressed(
            **in_week("quotes", "Quotes this week"), target=Decimal(10), actual=Decimal(6), expected_by_now=Decimal(5)
        ),
        GoalProgressed(
            **in_week("calls", "Calls this week"), target=Decimal(40), actual=Decimal(12), expected_by_now=Decimal(25)
        ),
        GoalAtRisk(
            **in_week("calls", "Calls this week"),
            target=Decimal(40),
            actual=Decimal(12),
            expected_by_now=Decimal(25),
            pace_ratio=Decimal("0.48"),
            level=Decimal("0.6"),
        ),
        GoalAchieved(
            **in_week("visits", "Customer visits"),
            target=Decimal(5),
            actual=Decimal(6),
            achieved_at=IN_THE_WEEK,
            attainment=Decimal("1.2"),
        ),
    )
    await world.publish_at(WEEK["end"] + timedelta(hours=2), feedback("f-later", FeedbackKind.PRAISE, ["late"]))
    await world.publish_at(
        IN_THE_WEEK,
        feedback("f1", FeedbackKind.PRAISE, ["teamwork"]),
        feedback("f2", FeedbackKind.PRAISE, ["teamwork", "follow-up"]),
        feedback("f3", FeedbackKind.IMPROVEMENT, ["follow-up"]),
    )

    async def week_arrived() -> dict[str, Any] | None:
        agenda = await agenda_of(world, ann, "mia", Role.MANAGER)
        achieved = any(g["status"] == "achieved" for g in agenda["goals"])
        return agenda if achieved and agenda["feedback"]["improvement"] == 1 else None

    agenda = await eventually(week_arrived, what="the week's goal and feedback events to reach the agenda")
    assert (agenda["week_start"], agenda["timezone"]) == ("2026-11-09T00:00:00+08:00", "Asia/Shanghai")
    assert [(g["goal_id"], g["status"], g["actual"], g["target"]) for g in agenda["goals"]] == [
        ("calls", "at_risk", "12", "40"),
        ("quotes", "on_track", "6", "10"),
        ("visits", "achieved", "6", "5"),
    ], "this week's goals only, the at-risk one first"
    assert agenda["goals"][0]["attainment"] == "0.3000"
    assert [(t["course_id"], t["overdue"]) for t in agenda["training"]] == [("crm-hygiene", True), ("follow-up", False)]
    assert (agenda["feedback"]["praise"], agenda["feedback"]["themes"]) == (2, {"teamwork": 2, "follow-up": 2})
    assert agenda["anonymous_feedback"] == []
    assert agenda["talking_points"] == [
        "Goal 'Calls this week' is at risk: 12 of 40 calls, pace expects 25 (48% of pace, warned below 60%)",
        "Goal 'Quotes this week' is on track: 6 of 10 quotes, pace expects 5 (120% of pace)",
        "Goal 'Customer visits' is achieved: 6 of 5 visits (120%)",
        "Training 'Sales skills: customer records that help the rep' is overdue: it was due on 2026-11-01",
        f"Training 'Sales skills: following up leads and quotes' is open, due on {open_until}",  # 08:00 in Shanghai
        "Feedback received this week: 2 praise, 1 improvement; themes: follow-up (2), teamwork (2)",
    ]

    in_chinese = (await agenda_of(world, ann, "ann", Role.ASSISTANT))["talking_points"]
    at_risk = "目标“Calls this week”有风险：12/40 calls，按进度应达 25（达到进度的 48%，低于预警线 60%）"
    assert in_chinese[0] == at_risk, "Ann (zh-CN in the roster) reads her agenda in Chinese"
    assert len(in_chinese) == len(agenda["talking_points"])
    asked = await world.call("GET", f"/v1/reviews/{ann}/agenda?locale=en", "ann", Role.ASSISTANT)
    assert asked.json()["talking_points"] == agenda["talking_points"], "or in the language the console shows"
    assert (await agenda_of(world, ann, "hana", Role.HR))["review_id"] == ann
    for outsider in ("bob", "dan"):
        refused = await world.call("GET", f"/v1/reviews/{ann}/agenda", outsider, Role.ASSISTANT)
        assert refused.status_code == 403, f"{outsider} must not see Ann's agenda"


async def test_a_review_that_is_not_a_weekly_check_in_has_no_agenda(world: ReviewsWorld) -> None:
    body = {"name": "north-monthly", "cadence": "monthly", "template_name": "monthly-summary", "team_id": "north"}
    opened = await world.call("POST", "/v1/cycles", "hana", Role.HR, {**body, "period_start": "2026-11-01"})
    listed = await world.call("GET", f"/v1/reviews?cycle_id={opened.json()['cycle_id']}", "hana", Role.HR)
    monthly = listed.json()["items"][0]["review_id"]
    refused = await world.call("GET", f"/v1/reviews/{monthly}/agenda", "mia", Role.MANAGER)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert "a 1:1 agenda belongs to a weekly check-in" in refused.json()["detail"]
    assert (await world.call("GET", "/v1/reviews/no-such-review/agenda", "hana", Role.HR)).status_code == 404


async def test_anonymous_aggregates_show_in_the_review_of_the_manager_they_concern_never_a_text(
    world: ReviewsWorld,
) -> None:
    reviews = await open_week(world, person_ids=["mia", "ann"])
    mia, ann = reviews["mia"]["review_id"], reviews["ann"]["review_id"]
    about_north = {"subject_id": "north", "subject_kind": "team", "manager_id": "mia", **NOVEMBER}
    [first] = await world.publish_at(
        IN_THE_WEEK,
        AnonymousFeedbackPublished(
            **about_north,
            submissions=3,
            themes={"recognition": 1, "workload": 2},
            texts=ANONYMOUS_TEXTS,
            released_on=IN_THE_WEEK.date(),
        ),
    )
    await world.publish_at(
        IN_THE_WEEK,
        AnonymousFeedbackPublished(
            subject_id="company", subject_kind="company", **NOVEMBER, submissions=4, texts=["Company-wide text"]
        ),
    )

    async def released() -> httpx.Response | None:
        response = await world.call("GET", f"/v1/reviews/{mia}", "mia", Role.MANAGER)
        return response if response.json()["inputs"]["anonymous_feedback"] else None

    review = await eventually(released, what="the released aggregate to reach Mia's review")
    [shown] = review.json()["inputs"]["anonymous_feedback"]
    assert {k: v for k, v in shown.items() if not k.startswith("window")} == {
        "subject_kind": "team",
        "subject_id": "north",
        "submissions": 3,
        "themes": {"workload": 2, "recognition": 1},
        "released_on": "2026-11-11",
    }
    assert list(shown["themes"]) == ["workload", "recognition"], "themes most frequent first, not in release order"
    assert [datetime.fromisoformat(shown[k]) for k in ("window_start", "window_end")] == [
        NOVEMBER["window_start"],
        NOVEMBER["window_end"],
    ]
    agenda = await world.call("GET", f"/v1/reviews/{mia}/agenda", "mia", Role.MANAGER)
    assert agenda.json()["talking_points"][-1] == (
        "Anonymous feedback about team north (2026-11-01 to 2026-11-30): 3 submissions; "
        "themes: workload (2), recognition (1)"
    )
    ann_review = await world.call("GET", f"/v1/reviews/{ann}", "ann", Role.ASSISTANT)
    assert ann_review.json()["inputs"]["anonymous_feedback"] == [], "results about Mia's team are hers and hr's"
    for text in [*ANONYMOUS_TEXTS, "Company-wide text"]:
        assert text not in review.text + agenda.text + ann_review.text, "no anonymous text is ever shown"
    assert "T03:00" not in review.text + agenda.text, "the time of a release is never shown, only its day"

    # Completed, the review keeps its inputs; a later release is listed as a late input.
    await world.call("POST", f"/v1/reviews/{mia}/self", "mia", Role.MANAGER, {"ratings": {"records": 4}})
    completed = await world.call(
        "POST", f"/v1/reviews/{mia}/manager", "hana", Role.HR, {"ratings": {"records": 4, "teamwork": 4}}
    )
    assert completed.status_code == 200, completed.text
    [second] = await world.publish_at(
        IN_THE_WEEK + timedelta(days=1),
        AnonymousFeedbackPublished(**about_north, submissions=6, themes={"workload": 3}, texts=ANONYMOUS_TEXTS),
    )

    async def late_listed() -> dict[str, Any] | None:
        response = await world.call("GET", f"/v1/reviews/{mia}", "hana", Role.HR)
        return response.json() if response.json()["late_inputs"]["anonymous"] else None

    late = await eventually(late_listed, what="the later release to be listed as a late input")
    assert late["late_inputs"]["anonymous"] == [second]
    assert [a["submissions"] for a in late["inputs"]["anonymous_feedback"]] == [3], (
        "a completed review keeps its inputs"
    )
    assert first != second


async def test_the_weekly_agenda_shows_the_check_in_the_assistant_answered_that_week(world: ReviewsWorld) -> None:
    reviews = await open_week(world)
    ann = reviews["ann"]["review_id"]
    answered = dict(
        owner_id="ann",
        team_id="north",
        week_start=WEEK["start"] - timedelta(days=3),
        recorded_at=IN_THE_WEEK + timedelta(days=1),
        goals=[GoalNote(goal_id="calls", title="Calls this week", progress_note="12 calls, two demos booked")],
        obstacles="the CRM was down on Tuesday",
        help_needed="a price list for the new range",
        confidence=3,
    )
    await world.publish(
        GoalCheckInRecorded(checkin_id="last-week", due_at=WEEK["start"] - timedelta(days=3), **answered),
        GoalCheckInRecorded(checkin_id="this-week", due_at=IN_THE_WEEK + timedelta(days=1), **answered),
    )

    async def answered_arrived() -> dict[str, Any] | None:
        agenda = await agenda_of(world, ann, "mia", Role.MANAGER)
        return agenda if agenda["checkin"] else None

    agenda = await eventually(answered_arrived, what="Ann's check-in to reach her agenda")
    assert agenda["checkin"]["progress_notes"] == {"Calls this week": "12 calls, two demos booked"}
    assert agenda["talking_points"][0] == (
        "Weekly check-in: confidence 3 of 5; obstacles: the CRM was down on Tuesday; "
        "help needed: a price list for the new range"
    )
