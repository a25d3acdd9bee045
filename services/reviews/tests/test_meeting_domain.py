"""Team meetings without servers: recurrence in the team's zone, revisions, agendas and action items (notifications
writes the invitation: its own tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pacer_reviews.domain.action_items import Next, Reminder, next_reminder
from pacer_reviews.domain.agenda import GoalFacts, TrainingFacts
from pacer_reviews.domain.meeting_agenda import AgendaFacts, Occasion, OpenItem, OwnedGoal, Win, team_agenda
from pacer_reviews.domain.meetings import Meeting, MeetingRefused, Person, Schedule, attendees_of
from pacer_shared.events.reviews import MeetingCadence
from pacer_shared.talking_points import by_id, people_in, render

BERLIN = ZoneInfo("Europe/Berlin")
MIA = Person("mia", "Mia Manager", "mia@example.com")
ANN = Person("ann", "Ann Assistant", "ann@example.com")
BOB = Person("bob", "Bob Assistant", "bob@example.com")


def weekly(**changes: object) -> Schedule:
    fields: dict[str, object] = {
        "cadence": MeetingCadence.WEEKLY,
        "weekday": 0,
        "hour": 10,
        "minute": 30,
        "duration_minutes": 45,
        "timezone": "Europe/Berlin",
        "starts_on": date(2026, 10, 21),
    }
    return Schedule(**{**fields, **changes})  # type: ignore[arg-type]


def meeting(schedule: Schedule | None = None) -> Meeting:
    return Meeting("m-1", "north", "Weekly team meeting", schedule or weekly(), MIA, attendees_of([BOB, ANN, MIA], MIA))


def test_weekly_meetings_keep_their_local_hour_across_the_change_from_summer_time() -> None:
    plan = weekly()
    assert plan.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert plan.first_start() == datetime(2026, 10, 26, 10, 30, tzinfo=BERLIN), "the first Monday on or after the start"
    first, second = plan.occurrences(datetime(2026, 10, 20, tzinfo=UTC), count=2)
    assert (first.astimezone(UTC).hour, second.astimezone(UTC).hour) == (9, 9)
    before, _ = plan.occurrences(datetime(2026, 10, 19, tzinfo=UTC) - timedelta(days=7), count=2)
    assert before == first, "nothing before the first day"
    summer = weekly(starts_on=date(2026, 10, 19))
    in_summer, in_winter = summer.occurrences(datetime(2026, 10, 1, tzinfo=UTC), count=2)
    assert (in_summer.astimezone(UTC).hour, in_winter.astimezone(UTC).hour) == (8, 9), "10:30 local both weeks"


def test_monthly_and_quarterly_meetings_fall_on_the_first_weekday_of_their_month() -> None:
    monthly = weekly(cadence=MeetingCadence.MONTHLY, weekday=4)
    assert monthly.rrule == "FREQ=MONTHLY;BYDAY=1FR"
    assert [o.date() for o in monthly.occurrences(datetime(2026, 10, 21, tzinfo=UTC), 3)] == [
        date(2026, 11, 6),
        date(2026, 12, 4),
        date(2027, 1, 1),
    ]
    quarterly = weekly(cadence=MeetingCadence.QUARTERLY, weekday=2, starts_on=date(2026, 8, 15))
    assert quarterly.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE"
    assert quarterly.first_start().date() == date(2026, 10, 7), "the July one had passed: next quarter's"
    assert [o.date() for o in quarterly.occurrences(datetime(2026, 8, 1, tzinfo=UTC), 2)] == [
        date(2026, 10, 7),
        date(2027, 1, 6),
    ]


def test_every_change_raises_the_sequence_and_a_cancelled_meeting_cannot_change() -> None:
    subject = meeting()
    assert [a.person_id for a in subject.attendees] == ["mia", "ann", "bob"], "organizer first, then by id"
    assert subject.change(None, weekly()) == [], "nothing different, no new revision"
    assert subject.sequence == 0
    assert subject.change("Team sync", weekly(hour=11)) == ["title", "hour"]
    assert (subject.sequence, subject.title, subject.schedule.hour) == (1, "Team sync", 11)
    subject.cancel()
    assert (subject.sequence, subject.status, subject.next_occurrence(datetime.now(UTC))) == (2, "cancelled", None)
    with pytest.raises(MeetingRefused, match="cancelled"):
        subject.change("Again", weekly())
    with pytest.raises(MeetingRefused, match="already cancelled"):
        subject.cancel()


# ---------------------------------------------------------------- the agenda


def goal(owner: str, goal_id: str, title: str, target: int, actual: int | None, **facts: object) -> OwnedGoal:
    fields: dict[str, object] = {
        "goal_id": goal_id,
        "title": title,
        "unit": "calls",
        "target": Decimal(target),
        "actual": None if actual is None else Decimal(actual),
        "expected_by_now": None,
        "outcome": None,
        "warned_below": None,
        **facts,
    }
    return OwnedGoal(owner, GoalFacts(**fields), NOW - timedelta(days=3), NOW + timedelta(days=4))  # type: ignore[arg-type]


NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
NAMES = {"ann": "Ann", "bob": "Bob", "cid": "Cid", "north": "Team north"}


def occasion(cadence: MeetingCadence = MeetingCadence.WEEKLY) -> Occasion:
    return Occasion(
        "m-1",
        "north",
        "Weekly team meeting",
        cadence,
        "Europe/Berlin",
        NOW + timedelta(hours=20),
        NOW - timedelta(days=6),
        NOW,
    )


def test_the_agenda_puts_at_risk_goals_first_with_why_then_wins_themes_training_and_open_items() -> None:
    facts = AgendaFacts(
        names=NAMES,
        goals=[
            goal("bob", "g-bob", "Quotes", 10, 6, expected_by_now=Decimal(5)),
            goal("ann", "g-ann", "Calls", 40, 12, expected_by_now=Decimal(25), warned_below=Decimal("0.6")),
            goal("north", "g-team", "Team revenue", 100, 100, outcome="achieved"),
        ],
        wins=[
            Win("cid", "award", "Customer hero", NOW - timedelta(days=1)),
            Win("north", "goal_achieved", "Team revenue", NOW - timedelta(days=2)),
        ],
        feedback_tags=[["follow-up", "reports"], ["follow-up"]],
        training=[("ann", TrainingFacts("t-1", "crm-hygiene", "CRM hygiene", NOW - timedelta(days=1)))],
        action_items=[OpenItem("a-1", "Call back ACME", "bob", NOW + timedelta(days=2), NOW - timedelta(days=6))],
    )
    agenda = team_agenda(occasion(), facts)
    assert [g.goal_id for g in agenda.goals] == ["g-ann", "g-bob", "g-team"], "at risk first, achieved last"
    assert agenda.talking_points[0] == (
        "Ann: Goal 'Calls' is at risk: 12 of 40 calls, pace expects 25 (48% of pace, warned below 60%)"
    )
    assert agenda.talking_points[3:] == [
        "Win: Team north achieved 'Team revenue'",
        "Recognition: Cid received the award 'Customer hero'",
        "Feedback themes since the last meeting: follow-up (2), reports (1)",
        "Ann: Training 'CRM hygiene' is overdue: it was due on 2026-12-05",
        "Open action item (Bob, due 2026-12-08): Call back ACME",
    ]
    assert agenda.month is None, "only a monthly meeting looks back at the month"


def test_a_monthly_agenda_sets_last_month_against_plan_and_lists_the_month_ahead() -> None:
    facts = AgendaFacts(
        names=NAMES,
        goals=[],
        wins=[],
        feedback_tags=[],
        training=[],
        action_items=[],
        last_month=[
            goal("ann", "g-1", "Calls", 40, 44, outcome="achieved"),
            goal("bob", "g-2", "Calls", 40, 30, outcome="missed"),
        ],
        next_month=[goal("ann", "g-3", "Calls", 45, None)],
        month_start=datetime(2026, 11, 1, tzinfo=UTC),
    )
    month = team_agenda(occasion(MeetingCadence.MONTHLY), facts).month
    assert month is not None
    assert (month.achieved, month.missed, month.attainment) == (1, 1, Decimal("0.9250"))
    assert month.talking_points == [
        "Last month (2026-11) against plan: 1 of 2 goals achieved, mean attainment 93%",
        "  Ann: 'Calls' 44 of 40 calls",
        "  Bob: 'Calls' 30 of 40 calls",
        "The month ahead: 1 goals set",
        "  Ann: 'Calls' 45 calls",
    ]


def test_the_points_an_event_carries_name_people_by_id_and_read_back_with_the_readers_names() -> None:
    facts = AgendaFacts(
        names=NAMES,
        goals=[goal("ann", "g-1", "Calls", 40, 12)],
        wins=[],
        feedback_tags=[],
        training=[],
        action_items=[],
        last_month=[goal("bob", "g-2", "Calls", 40, 30, outcome="missed")],
        next_month=[goal("ann", "g-3", "Calls", 45, None)],
        month_start=datetime(2026, 11, 1, tzinfo=UTC),
    )
    agenda = team_agenda(occasion(MeetingCadence.MONTHLY), facts)
    assert agenda.month is not None
    points = [*agenda.points, *agenda.month.points]
    sent = [by_id(p) for p in points]
    assert not [p for p in sent if {"Ann", "Bob"} & set(p.params.values())], sent
    assert people_in(sent) == {"ann", "bob"}
    readers = {"ann": "Ann Lee", "bob": "Bob Wu"}
    assert [render(p, "en", readers) for p in sent] == [
        render(p, "en").replace("Ann", "Ann Lee").replace("Bob", "Bob Wu") for p in points
    ]
    assert render(sent[0], "en").startswith("ann: Goal 'Calls'"), "a name the reader does not know: the id"


# ---------------------------------------------------------------- action items


def test_an_action_item_reminds_once_as_it_falls_due_and_once_when_overdue() -> None:
    due, lead = NOW + timedelta(days=3), timedelta(hours=24)
    early = next_reminder(due, frozenset(), NOW, lead)
    assert early == Next(None, due - lead), "nothing to say yet: look again a day before"
    falling_due = next_reminder(due, frozenset(), due - timedelta(hours=2), lead)
    assert falling_due == Next(Reminder.DUE, due)
    assert next_reminder(due, frozenset({Reminder.DUE}), due - timedelta(hours=1), lead) == Next(None, due)
    assert next_reminder(due, frozenset({Reminder.DUE}), due, lead) == Next(Reminder.OVERDUE, None)
    done = frozenset({Reminder.DUE, Reminder.OVERDUE})
    assert next_reminder(due, done, due + timedelta(days=9), lead) == Next(None, None), "never twice"
    missed_window = next_reminder(due, frozenset(), due + timedelta(hours=5), lead)
    assert missed_window == Next(Reminder.OVERDUE, None), "late, it says overdue rather than due"
