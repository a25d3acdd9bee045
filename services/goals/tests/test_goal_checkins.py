"""Weekly check-ins, with the injectable clock moved to the check-in hour (the app runs in-process)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from goals_support import GoalsWorld, events_of, sale, token

from pacer_shared.auth import Role
from pacer_shared.clock import ShiftedClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_weekly_check_in_is_due_on_friday_afternoon_with_the_weeks_activity(
    goals_at_a_moved_clock: GoalsWorld, clock: ShiftedClock
) -> None:
    world = goals_at_a_moved_clock
    now = clock.now()
    goal = await world.set_goal(target=20, start=now.isoformat(), end=(now + timedelta(days=30)).isoformat())
    local = now.astimezone(SHANGHAI)
    friday = local.date() + timedelta(days=(4 - local.weekday()) % 7)
    due = datetime(friday.year, friday.month, friday.day, 16, tzinfo=SHANGHAI)
    if due <= local:
        due += timedelta(days=7)
    # The week's activity is all stored before the check-in falls due: the quote (which moves no goal) goes
    # first on ann's partition, so once both calls have counted it has been stored too.
    clock.set(due - timedelta(minutes=1))
    during = now + (due - now) / 2  # inside the goal's period and the check-in's week, whatever day it is
    await world.record(sale("ann", kind="quote_sent", at=during), sale("ann", at=during), sale("ann", at=during))
    await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "2", "the week's calls to count")
    clock.set(due + timedelta(minutes=1))

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInDue")), timeout=30)
    [check_in] = events_of(records, "GoalCheckInDue")
    assert check_in["subject"] == "ann"
    summary = check_in["data"]["goals"][goal["goal_id"]]
    assert summary["activity_counts"] == {"call": 2, "quote_sent": 1}
    assert summary["progress"] == "2"
    assert summary["target"] == "20"


async def test_a_draft_activated_later_gets_its_weekly_check_in(
    goals_at_a_moved_clock: GoalsWorld, clock: ShiftedClock
) -> None:
    world = goals_at_a_moved_clock
    now = clock.now()
    goal = await world.set_goal(start=now.isoformat(), end=(now + timedelta(days=30)).isoformat(), activate=False)
    activated = await world.http.post(f"/v1/goals/{goal['goal_id']}/activate", headers=token("mia", Role.MANAGER))
    assert activated.status_code == 200, activated.text
    clock.set(now + timedelta(days=8))  # past the first Friday afternoon, wherever the week began

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInDue")), timeout=30)
    [check_in] = events_of(records, "GoalCheckInDue")
    assert goal["goal_id"] in check_in["data"]["goals"]
