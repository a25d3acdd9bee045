"""Weekly check-ins, with the injectable clock moved to the check-in hour (the app runs in-process)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
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


async def _check_in_due(world: GoalsWorld, clock: ShiftedClock) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ann's active goal and the weekly check-in it brought, once the clock has passed the check-in hour."""
    now = clock.now()
    goal = await world.set_goal(
        title="Calls this month", start=now.isoformat(), end=(now + timedelta(days=30)).isoformat()
    )
    clock.set(now + timedelta(days=7, minutes=1))  # past the first check-in, wherever the week began
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInDue")), timeout=30)
    [due] = events_of(records, "GoalCheckInDue")
    return goal, due


async def test_the_assistant_answers_the_check_in_and_the_manager_reads_it(
    goals_at_a_moved_clock: GoalsWorld, clock: ShiftedClock
) -> None:
    world = goals_at_a_moved_clock
    goal, due = await _check_in_due(world, clock)
    checkin_id = due["data"]["checkin_id"]
    body = {
        "goals": [{"goal_id": goal["goal_id"], "progress_note": "14 calls, two demos booked"}],
        "obstacles": "the CRM was down on Tuesday",
        "help_needed": "a price list for the new range",
        "confidence": 4,
    }
    as_mia = await world.http.post(f"/v1/checkins/{checkin_id}/answer", json=body, headers=token("mia", Role.MANAGER))
    assert as_mia.status_code == 403, "only the assistant answers her own check-in"
    bad = await world.http.post(
        f"/v1/checkins/{checkin_id}/answer", json={**body, "confidence": 9}, headers=token("ann", Role.ASSISTANT)
    )
    assert bad.status_code == 422
    assert "confidence" in bad.text

    answered = await world.http.post(
        f"/v1/checkins/{checkin_id}/answer", json=body, headers=token("ann", Role.ASSISTANT)
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "recorded"
    again = await world.http.post(f"/v1/checkins/{checkin_id}/answer", json=body, headers=token("ann", Role.ASSISTANT))
    assert again.status_code == 409, "a check-in is answered once"
    assert again.json()["code"] == "checkin_answered", "a stable code the console words in the reader's language"

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInRecorded")), timeout=30)
    [recorded] = events_of(records, "GoalCheckInRecorded")
    assert recorded["subject"] == "ann"
    assert "two demos" not in json.dumps(recorded), "what she wrote travels sealed for her"
    said = await world.opened(recorded)
    assert said["goals"] == [
        {"goal_id": goal["goal_id"], "title": "Calls this month", "progress_note": "14 calls, two demos booked"}
    ]
    assert (said["confidence"], said["help_needed"]) == (4, "a price list for the new range")

    latest = await world.http.get(
        "/v1/checkins", params={"owner_id": "ann", "status": "recorded", "limit": 1}, headers=token("mia", Role.MANAGER)
    )
    assert latest.status_code == 200, latest.text
    [shown] = latest.json()["items"]
    assert (shown["checkin_id"], shown["obstacles"], shown["confidence"]) == (
        checkin_id,
        "the CRM was down on Tuesday",
        4,
    )
    outsider = await world.http.get(f"/v1/checkins/{checkin_id}", headers=token("max", Role.MANAGER))
    assert outsider.status_code == 403


async def test_a_missing_check_in_is_reminded_once_then_shows_on_the_managers_dashboard(
    goals_at_a_moved_clock: GoalsWorld, clock: ShiftedClock
) -> None:
    world = goals_at_a_moved_clock
    _goal, due = await _check_in_due(world, clock)
    checkin_id = due["data"]["checkin_id"]

    async def anns_row() -> dict[str, Any]:
        board = await world.http.get("/v1/teams/north/dashboard", headers=token("mia", Role.MANAGER))
        assert board.status_code == 200, board.text
        return next(m for m in board.json()["members"] if m["person_id"] == "ann")  # type: ignore[no-any-return]

    assert (await anns_row())["checkin_overdue_since"] is None, "not missing before the reminder"
    clock.advance(timedelta(hours=25))
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInOverdue")), timeout=30)
    [reminder] = events_of(records, "GoalCheckInOverdue")
    assert (reminder["subject"], reminder["data"]["checkin_id"]) == ("ann", checkin_id)
    row = await anns_row()
    assert row["checkin_overdue_since"] is not None

    answer = {"goals": [], "confidence": 2, "obstacles": "two customers on holiday"}
    late = await world.http.post(f"/v1/checkins/{checkin_id}/answer", json=answer, headers=token("ann", Role.ASSISTANT))
    assert late.status_code == 200, late.text
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInRecorded")), timeout=30)
    reminders = [e for e in events_of(records, "GoalCheckInOverdue") if e["data"]["checkin_id"] == checkin_id]
    assert len(reminders) == 1, "one gentle reminder, never a second"
    assert events_of(records, "GoalCheckInRecorded")[0]["data"]["late"] is True
    assert (await anns_row())["checkin_overdue_since"] is None, "answered late: off the dashboard"


async def test_a_manager_asks_for_a_check_in_between_weeks_and_the_assistant_answers_it(
    goals_at_a_moved_clock: GoalsWorld,
) -> None:
    world = goals_at_a_moved_clock
    asked = {"owner_id": "ann"}
    without_goals = await world.http.post("/v1/checkins", json=asked, headers=token("mia", Role.MANAGER))
    assert without_goals.status_code == 422
    assert [(e["field"], e["type"]) for e in without_goals.json()["errors"]] == [
        ("body.owner_id", "checkin_no_open_goals")
    ]
    goal = await world.set_goal(title="Calls this month")
    for who, role in (("ann", Role.ASSISTANT), ("max", Role.MANAGER), ("bob", Role.ASSISTANT)):
        refused = await world.http.post("/v1/checkins", json=asked, headers=token(who, role))
        assert refused.status_code == 403, f"{who} may not ask Ann for a check-in"
    requested = await world.http.post("/v1/checkins", json=asked, headers=token("mia", Role.MANAGER))
    assert requested.status_code == 201, requested.text
    checkin = requested.json()
    assert (checkin["owner_id"], checkin["status"]) == ("ann", "due")
    assert [g["title"] for g in checkin["goals"]] == ["Calls this month"]

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInDue")), timeout=30)
    [due] = events_of(records, "GoalCheckInDue")
    assert (due["data"]["checkin_id"], list(due["data"]["goals"])) == (checkin["checkin_id"], [goal["goal_id"]])
    answered = await world.http.post(
        f"/v1/checkins/{checkin['checkin_id']}/answer", json={"confidence": 5}, headers=token("ann", Role.ASSISTANT)
    )
    assert answered.status_code == 200, answered.text
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalCheckInRecorded")), timeout=30)
    assert [e["data"]["checkin_id"] for e in events_of(records, "GoalCheckInRecorded")] == [checkin["checkin_id"]]


async def test_check_ins_are_read_a_page_at_a_time_newest_first(goals_at_a_moved_clock: GoalsWorld) -> None:
    world = goals_at_a_moved_clock
    await world.set_goal(title="Calls this month")

    async def ask() -> str:
        requested = await world.http.post("/v1/checkins", json={"owner_id": "ann"}, headers=token("mia", Role.MANAGER))
        assert requested.status_code == 201, requested.text
        return str(requested.json()["checkin_id"])

    asked = [await ask() for _ in range(5)]

    async def every_page(query: dict[str, Any], who: str, role: Role) -> list[list[str]]:
        pages: list[list[str]] = []
        cursor: str | None = None
        while not pages or cursor:
            params = {**query, "limit": 2, **({"cursor": cursor} if cursor else {})}
            answered = await world.http.get("/v1/checkins", params=params, headers=token(who, role))
            assert answered.status_code == 200, answered.text
            pages.append([c["checkin_id"] for c in answered.json()["items"]])
            cursor = answered.json()["next_cursor"]
        return pages

    for query, who, role in (
        ({}, "ann", Role.ASSISTANT),
        ({"owner_id": "ann"}, "mia", Role.MANAGER),
        ({"status": ["due", "overdue"]}, "mia", Role.MANAGER),
    ):
        pages = await every_page(query, who, role)
        listed = [c for page in pages for c in page]
        assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
        assert sorted(listed) == sorted(asked), "each check-in exactly once"

    # One asked for while the pages are read comes first on the next reading and moves nothing already shown.
    first = (await world.http.get("/v1/checkins", params={"limit": 2}, headers=token("ann", Role.ASSISTANT))).json()
    later = await ask()
    rest = await world.http.get(
        "/v1/checkins", params={"limit": 200, "cursor": first["next_cursor"]}, headers=token("ann", Role.ASSISTANT)
    )
    seen = [c["checkin_id"] for c in first["items"] + rest.json()["items"]]
    assert sorted(seen) == sorted(asked), "each check-in exactly once"
    again = (await world.http.get("/v1/checkins", params={"limit": 1}, headers=token("ann", Role.ASSISTANT))).json()
    assert [c["checkin_id"] for c in again["items"]] == [later]

    assert await every_page({"status": "recorded"}, "ann", Role.ASSISTANT) == [[]]
    for refused in ({"limit": 201}, {"cursor": "nonsense"}):
        answered = await world.http.get("/v1/checkins", params=refused, headers=token("ann", Role.ASSISTANT))
        assert answered.status_code == 422, answered.text
