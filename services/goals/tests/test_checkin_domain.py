"""The weekly check-in's rules, without any server: one answer, one gentle reminder, notes only for its goals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pacer_goals.domain.checkin import CheckIn, CheckInAnswer, CheckInStatus
from pacer_goals.domain.errors import GoalRuleViolation
from pacer_shared.events.goals import GoalCheckInOverdue, GoalCheckInRecorded

DUE = datetime(2026, 12, 4, 8, tzinfo=UTC)


def due_checkin() -> CheckIn:
    return CheckIn(
        checkin_id="c1",
        owner_id="ann",
        team_id="north",
        week_start=DUE - timedelta(days=7),
        due_at=DUE,
        remind_at=DUE + timedelta(hours=24),
        goal_titles={"g1": "Calls", "g2": "Quotes"},
    )


def answer(confidence: int = 4, **notes: str) -> CheckInAnswer:
    return CheckInAnswer(
        progress_notes=notes or {"g1": "12 calls, two demos booked"},
        obstacles="the CRM was down on Tuesday",
        help_needed="a price list for the new range",
        confidence=confidence,
    )


def test_an_answer_is_recorded_once_with_every_goal_of_the_check_in_for_the_manager() -> None:
    checkin = due_checkin()
    checkin.record(answer(), DUE + timedelta(hours=1))

    [recorded] = checkin.events
    assert isinstance(recorded, GoalCheckInRecorded)
    assert [(n.goal_id, n.title, n.progress_note) for n in recorded.goals] == [
        ("g1", "Calls", "12 calls, two demos booked"),
        ("g2", "Quotes", ""),
    ]
    assert (recorded.confidence, recorded.late, recorded.help_needed) == (4, False, "a price list for the new range")
    assert checkin.status is CheckInStatus.RECORDED
    assert checkin.remind_at is None
    with pytest.raises(GoalRuleViolation, match="already answered"):
        checkin.record(answer(), DUE + timedelta(hours=2))


def test_the_reminder_goes_once_and_only_when_its_time_has_come() -> None:
    checkin = due_checkin()
    checkin.remind(DUE + timedelta(hours=23))
    assert checkin.events == []
    assert checkin.status is CheckInStatus.DUE

    checkin.remind(DUE + timedelta(hours=25))
    checkin.remind(DUE + timedelta(hours=26))
    assert [type(e) for e in checkin.events] == [GoalCheckInOverdue]
    assert checkin.overdue
    assert checkin.remind_at is None


def test_an_answer_after_the_reminder_is_late_and_a_recorded_check_in_is_never_reminded() -> None:
    late = due_checkin()
    late.remind(DUE + timedelta(hours=25))
    late.record(answer(), DUE + timedelta(hours=30))
    assert isinstance(late.events[-1], GoalCheckInRecorded)
    assert late.events[-1].late
    assert not late.overdue

    answered = due_checkin()
    answered.record(answer(), DUE + timedelta(hours=1))
    answered.remind(DUE + timedelta(hours=25))
    assert [type(e) for e in answered.events] == [GoalCheckInRecorded]


def test_notes_on_goals_the_check_in_does_not_ask_about_and_confidence_out_of_range_are_refused() -> None:
    with pytest.raises(GoalRuleViolation, match="g9 not part of this check-in"):
        due_checkin().record(answer(g9="?"), DUE)
    with pytest.raises(GoalRuleViolation, match="confidence"):
        due_checkin().record(answer(confidence=6), DUE)
