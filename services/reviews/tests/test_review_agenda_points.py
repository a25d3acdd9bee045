"""The weekly agenda reads as talking points, problems first; anonymous aggregates add up per window (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pacer_reviews.domain.agenda import (
    CheckInFacts,
    FeedbackFacts,
    GoalFacts,
    GoalStatus,
    TrainingFacts,
    Week,
    agenda,
    feedback_point,
    goal_point,
    number,
)
from pacer_reviews.domain.anonymous import aggregates

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = Week(datetime(2026, 11, 9, tzinfo=SHANGHAI), datetime(2026, 11, 16, tzinfo=SHANGHAI), SHANGHAI)
NOW = datetime(2026, 11, 13, 2, tzinfo=UTC)


def goal(goal_id: str, **facts: object) -> GoalFacts:
    defaults: dict[str, object] = {
        "title": goal_id.title(),
        "unit": "calls",
        "target": Decimal(40),
        "actual": None,
        "expected_by_now": None,
        "outcome": None,
        "warned_below": None,
    }
    return GoalFacts(goal_id=goal_id, **{**defaults, **facts})  # type: ignore[arg-type]


def test_an_at_risk_goal_says_why_in_numbers() -> None:
    point = goal_point(
        goal(
            "calls",
            title="Calls this week",
            actual=Decimal(12),
            expected_by_now=Decimal(25),
            warned_below=Decimal("0.6"),
        )
    )
    assert point.status is GoalStatus.AT_RISK
    assert point.talking_point == (
        "Goal 'Calls this week' is at risk: 12 of 40 calls, pace expects 25 (48% of pace, warned below 60%)"
    )
    assert (point.attainment, point.pace) == (Decimal("0.3"), Decimal("0.48"))


def test_a_goal_back_above_its_warning_level_is_on_track_and_says_so() -> None:
    point = goal_point(goal("calls", actual=Decimal(30), expected_by_now=Decimal(32), warned_below=Decimal("0.8")))
    assert point.status is GoalStatus.ON_TRACK
    assert point.talking_point == (
        "Goal 'Calls' is on track: 30 of 40 calls, pace expects 32 (94% of pace); back on pace after an at-risk warning"
    )


def test_outcomes_and_goals_without_progress_read_plainly() -> None:
    missed = goal_point(goal("quotes", unit="", target=Decimal(10), actual=Decimal("6.5"), outcome="missed"))
    assert missed.talking_point == "Goal 'Quotes' was missed: 6.5 of 10 (65%), 3.5 short"
    achieved = goal_point(goal("visits", unit="visits", target=Decimal(5), actual=Decimal(6), outcome="achieved"))
    assert achieved.talking_point == "Goal 'Visits' is achieved: 6 of 5 visits (120%)"
    waiting = goal_point(goal("calls"))
    assert (waiting.status, waiting.talking_point) == (
        GoalStatus.NO_PROGRESS,
        "Goal 'Calls': no progress reported yet (target 40 calls)",
    )


def test_the_agenda_discusses_at_risk_goals_first_then_overdue_training_then_feedback() -> None:
    result = agenda(
        review_id="r1",
        person_id="ann",
        manager_id="mia",
        week=WEEK,
        now=NOW,
        goals=[
            goal("visits", actual=Decimal(40), outcome="achieved"),
            goal("calls", actual=Decimal(20), expected_by_now=Decimal(20)),
            goal("quotes", actual=Decimal(2), expected_by_now=Decimal(20), warned_below=Decimal("0.6")),
            goal("follow-ups", actual=Decimal(5), expected_by_now=Decimal(20), warned_below=Decimal("0.8")),
        ],
        training=[
            TrainingFacts("t1", "follow-up", "Following up", datetime(2026, 12, 1, tzinfo=UTC)),
            TrainingFacts("t2", "crm-hygiene", "Customer records", datetime(2026, 11, 12, 20, tzinfo=UTC)),
        ],
        feedback=[FeedbackFacts("praise", ["teamwork"])],
        anonymous=[],
    )
    assert [(g.goal_id, g.status) for g in result.goals] == [
        ("quotes", GoalStatus.AT_RISK),
        ("follow-ups", GoalStatus.AT_RISK),
        ("calls", GoalStatus.ON_TRACK),
        ("visits", GoalStatus.ACHIEVED),
    ], "at-risk goals come first, the furthest behind pace first"
    assert [(t.course_id, t.overdue) for t in result.training] == [("crm-hygiene", True), ("follow-up", False)]
    assert result.talking_points[4:] == [
        "Training 'Customer records' is overdue: it was due on 2026-11-13",  # 20:00 UTC is the 13th in Shanghai
        "Training 'Following up' is open, due on 2026-12-01",
        "Feedback received this week: 1 praise, 0 improvement; themes: teamwork (1)",
    ]
    assert result.timezone == "Asia/Shanghai"


def test_a_week_without_feedback_says_so() -> None:
    assert feedback_point([]).talking_point == "No feedback received this week"


def test_anonymous_releases_add_up_per_window_and_only_windows_released_in_the_period_show() -> None:
    november = {"subject_kind": "team", "subject_id": "north"} | {
        "window_start": datetime(2026, 11, 1, tzinfo=UTC),
        "window_end": datetime(2026, 12, 1, tzinfo=UTC),
    }
    october = {**november, "window_start": datetime(2026, 10, 1, tzinfo=UTC), "window_end": november["window_start"]}
    releases = [
        {**november, "_id": "e1", "submissions": 3, "themes": {"workload": 2}, "at": datetime(2026, 11, 3, tzinfo=UTC)},
        {**november, "_id": "e2", "submissions": 6, "themes": {"workload": 1, "recognition": 2}, "at": NOW},
        {**october, "_id": "e0", "submissions": 3, "themes": {"process": 3}, "at": datetime(2026, 10, 9, tzinfo=UTC)},
    ]
    [shown] = aggregates(releases, released_since=WEEK.start)
    assert (shown.submissions, shown.themes, shown.release_ids) == (6, {"workload": 3, "recognition": 2}, ["e1", "e2"])
    assert shown.talking_point == (
        "Anonymous feedback about team north (2026-11-01 to 2026-11-30): 6 submissions; "
        "themes: workload (3), recognition (2)"
    )
    assert "release_ids" not in shown.model_dump(), "event ids are for late-input bookkeeping, not for display"


def test_numbers_keep_at_most_two_decimals_and_never_an_exponent() -> None:
    assert [number(Decimal(v)) for v in ("40", "4E+1", "12.50", "12.345", "0")] == ["40", "40", "12.5", "12.35", "0"]


def test_the_weeks_check_in_is_a_talking_point_first_when_the_assistant_asks_for_help() -> None:
    def with_check_in(confidence: int, help_needed: str) -> list[str]:
        answered = CheckInFacts(
            confidence=confidence,
            obstacles="the CRM was down on Tuesday",
            help_needed=help_needed,
            notes=[("Calls", "12 calls, two demos"), ("Quotes", "")],
            late=False,
        )
        goals = [goal("calls", actual=Decimal(20), expected_by_now=Decimal(20))]
        return agenda(
            review_id="r1",
            person_id="ann",
            manager_id="mia",
            week=WEEK,
            now=NOW,
            goals=goals,
            training=[],
            feedback=[],
            anonymous=[],
            checkin=answered,
        ).talking_points

    confident = with_check_in(4, "")
    assert confident[1] == "Weekly check-in: confidence 4 of 5; obstacles: the CRM was down on Tuesday"
    asking = with_check_in(4, "a price list for the new range")
    assert asking[0] == (
        "Weekly check-in: confidence 4 of 5; obstacles: the CRM was down on Tuesday; "
        "help needed: a price list for the new range"
    ), "a request for help is discussed before the goals"
    assert with_check_in(2, "")[0].startswith("Weekly check-in: confidence 2 of 5")
