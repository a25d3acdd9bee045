"""Setting, checking, adjusting and analysing goals through the API, with each role's rights."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, date, datetime, timedelta

from goals_support import GoalsWorld, events_of, sale, token

from pacer_shared.auth import Role
from pacer_testkit.roster import person
from pacer_testkit.stack import eventually, roster_reached


async def test_the_smart_check_reports_each_letter_with_a_reason(world: GoalsWorld) -> None:
    now = datetime.now(UTC)
    await world.record(*[sale("ann", at=now - timedelta(days=8, hours=i)) for i in range(4)])
    body = {
        "owner_id": "ann",
        "title": "Calls this week",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 40,
        "unit": "calls",
        "start": now.isoformat(),
        "end": (now + timedelta(days=7)).isoformat(),
    }

    async def achievable_sees_history() -> dict[str, object] | None:
        report = (await world.http.post("/v1/goals/smart-check", json=body, headers=token("mia", Role.MANAGER))).json()
        return report if "(0, 4, 0)" in report["achievable"]["reason"] else None

    report = await eventually(achievable_sees_history, what="last week's four calls to be stored")
    assert report["passed"] is True
    assert report["specific"] == {"passed": True, "warning": False, "reason": "counts call for a known owner"}
    assert report["measurable"]["reason"] == "40 calls, count"
    assert report["achievable"]["warning"] is True
    assert "10.00x the best recent period (0, 4, 0): a big stretch" in report["achievable"]["reason"]
    assert report["relevant"]["reason"] == "standalone goals are allowed by policy"
    assert report["time_bound"]["passed"] is True

    failing = {
        **body,
        "owner_id": "nobody",
        "end": (now - timedelta(days=1)).isoformat(),
        "start": (now - timedelta(days=2)).isoformat(),
    }
    report = (await world.http.post("/v1/goals/smart-check", json=failing, headers=token("hana", Role.HR))).json()
    assert report["passed"] is False
    assert report["specific"]["reason"] == "the owner is not in the roster (org.people)"
    assert report["time_bound"]["reason"] == "the period has already ended"


async def test_bad_goals_are_refused_with_a_clear_message(world: GoalsWorld) -> None:
    now = datetime.now(UTC)
    base = {
        "owner_id": "ann",
        "title": "Calls",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "target": 5,
        "unit": "calls",
        "start": now.isoformat(),
        "end": (now + timedelta(days=1)).isoformat(),
    }
    weekly = {k: v for k, v in base.items() if k != "end"} | {"recurrence": "weekly"}
    cases = [
        ("end", {**base, "end": (now - timedelta(days=1)).isoformat()}),
        ("target", {**base, "target": 0}),
        ("timezone", {**base, "timezone": "Mars/Olympus"}),
        ("metric.kinds", {**base, "metric": {"kinds": [], "aggregation": "count"}}),
        ("end", {**base, "end": "9999-12-31"}),
        ("start", {**weekly, "start": "0001-01-01"}),
        ("start", {**weekly, "start": "9999-12-01", "recurrence": "monthly"}),
    ]
    for field, body in cases:
        response = await world.http.post("/v1/goals", json=body, headers=token("mia", Role.MANAGER))
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in response.json()["detail"], (field, response.json()["detail"])
    far = await world.http.get("/v1/goals?period_from=0001-01-01T00:00:00%2B01:00", headers=token("mia", Role.MANAGER))
    assert far.status_code == 422, far.text
    forged = base64.urlsafe_b64encode(b'["0001-01-01T00:00:00+01:00", "g"]').decode()
    assert (await world.http.get(f"/v1/goals?cursor={forged}", headers=token("mia", Role.MANAGER))).status_code == 422


async def test_an_assistants_adjustment_waits_for_the_managers_approval(world: GoalsWorld) -> None:
    goal = await world.set_goal(target=10)
    requested = await world.http.post(
        f"/v1/goals/{goal['goal_id']}/adjustments",
        json={"reason": "two key customers moved to next month", "new_target": 6},
        headers=token("ann", Role.ASSISTANT),
    )
    assert requested.status_code == 202, requested.text
    [pending] = requested.json()["adjustments"]
    assert pending["status"] == "pending"
    assert requested.json()["target"] == "10"

    refused = await world.http.post(
        f"/v1/goals/{goal['goal_id']}/adjustments/{pending['adjustment_id']}/decision",
        json={"approve": True},
        headers=token("ann", Role.ASSISTANT),
    )
    assert refused.status_code == 403

    approved = await world.http.post(
        f"/v1/goals/{goal['goal_id']}/adjustments/{pending['adjustment_id']}/decision",
        json={"approve": True},
        headers=token("mia", Role.MANAGER),
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["target"] == "6"
    assert approved.json()["adjustments"][0]["decided_by"] == "mia"

    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalAdjusted", goal["goal_id"])))
    [adjusted] = events_of(records, "GoalAdjusted", goal["goal_id"])
    assert adjusted["data"]["old_target"] == "10"
    assert adjusted["data"]["new_target"] == "6"
    assert "customers" not in json.dumps(adjusted), "the reason travels sealed for the assistant"
    assert (await world.opened(adjusted))["reason"] == "two key customers moved to next month"
    assert adjusted["data"]["approved_by"] == "mia"
    history = (
        await world.http.get(f"/v1/goals/{goal['goal_id']}/history", headers=token("ann", Role.ASSISTANT))
    ).json()
    assert [h["kind"] for h in history] == ["activated", "adjustment_requested", "adjusted"]
    assert history[1]["by"] == "ann"


async def test_each_role_sees_exactly_its_goals(world: GoalsWorld) -> None:
    anns = await world.set_goal(owner_id="ann")
    dans = await world.set_goal(owner_id="dan", as_=("hana", Role.HR))

    async def status(goal: dict[str, str], who: str, role: Role) -> int:
        return (await world.http.get(f"/v1/goals/{goal['goal_id']}", headers=token(who, role))).status_code

    assert await status(anns, "ann", Role.ASSISTANT) == 200
    assert await status(anns, "bob", Role.ASSISTANT) == 403
    assert await status(anns, "mia", Role.MANAGER) == 200
    assert await status(dans, "mia", Role.MANAGER) == 403
    assert await status(dans, "hana", Role.HR) == 200

    listed = (await world.http.get("/v1/goals", headers=token("mia", Role.MANAGER))).json()["items"]
    assert [g["goal_id"] for g in listed] == [anns["goal_id"]]
    set_for_other_team = await world.http.post(
        "/v1/goals",
        json={
            **{k: anns[k] for k in ("title", "metric", "unit")},
            "owner_id": "dan",
            "target": 3,
            "start": date.today().isoformat(),
            "end": (date.today() + timedelta(days=3)).isoformat(),
        },
        headers=token("mia", Role.MANAGER),
    )
    assert set_for_other_team.status_code == 403


async def test_a_missed_goal_takes_a_cause_analysis_and_leaves_the_needs_analysis_list(world: GoalsWorld) -> None:
    goal = await world.set_goal(target=2, end=(datetime.now(UTC) + timedelta(seconds=3)).isoformat())
    await world.goal_where(goal["goal_id"], lambda g: g["status"] == "missed", "the miss")
    pending = (await world.http.get("/v1/goals?needs_miss_analysis=true", headers=token("mia", Role.MANAGER))).json()
    assert [g["goal_id"] for g in pending["items"]] == [goal["goal_id"]]

    analysed = await world.http.post(
        f"/v1/goals/{goal['goal_id']}/miss-analysis",
        json={"cause": "two sick days in the deadline week", "action_plan": "book calls earlier in the week"},
        headers=token("ann", Role.ASSISTANT),
    )
    assert analysed.status_code == 200, analysed.text
    assert analysed.json()["needs_miss_analysis"] is False
    pending = (await world.http.get("/v1/goals?needs_miss_analysis=true", headers=token("mia", Role.MANAGER))).json()
    assert pending["items"] == []
    records = await world.goal_events(lambda rs: bool(events_of(rs, "GoalMissAnalyzed", goal["goal_id"])))
    assert events_of(records, "GoalMissAnalyzed", goal["goal_id"])[0]["data"]["analyzed_by"] == "ann"


async def test_a_late_activity_after_the_deadline_is_a_correction_not_a_reopening(world: GoalsWorld) -> None:
    start = datetime.now(UTC)
    goal = await world.set_goal(target=2, start=start.isoformat(), end=(start + timedelta(seconds=3)).isoformat())
    await world.goal_where(goal["goal_id"], lambda g: g["status"] == "missed", "the miss")
    await world.record(sale("ann", at=start + timedelta(seconds=1)), sale("ann", at=start + timedelta(seconds=2)))
    corrected = await world.goal_where(goal["goal_id"], lambda g: g["actual"] == "2", "the late activities to show")
    assert corrected["status"] == "missed"
    history = (await world.http.get(f"/v1/goals/{goal['goal_id']}/history", headers=token("mia", Role.MANAGER))).json()
    assert [h["kind"] for h in history].count("late_correction") == 2


async def test_a_recurring_goal_opens_the_next_period_when_one_closes(world: GoalsWorld) -> None:
    goal = await world.set_goal(
        recurrence="weekly", target=3, end=(datetime.now(UTC) + timedelta(seconds=3)).isoformat()
    )
    records = await world.goal_events(lambda rs: len(events_of(rs, "GoalSet")) >= 2)
    successor = next(e for e in events_of(records, "GoalSet") if e["data"]["goal_id"] != goal["goal_id"])
    assert successor["data"]["recurrence"] == "weekly"
    assert successor["data"]["target"] == "3"
    start = datetime.fromisoformat(successor["data"]["period_start"])
    end = datetime.fromisoformat(successor["data"]["period_end"])
    first = await world.goal(goal["goal_id"])
    assert start == datetime.fromisoformat(first["period_end"]), "a period of its own repeats from its end"
    assert end - start == timedelta(days=7)


async def test_goals_set_for_one_person_at_the_same_moment_are_all_set(world: GoalsWorld) -> None:
    """Concurrent creations for one owner conflict in the database and run again; a retried one starts afresh."""
    created = await asyncio.gather(*(world.set_goal(owner_id="ann", title=f"Calls {n}") for n in range(8)))
    assert len({goal["goal_id"] for goal in created}) == 8
    listed = await world.http.get("/v1/goals", params={"owner_id": "ann"}, headers=token("hana", Role.HR))
    assert {g["title"] for g in listed.json()["items"]} >= {f"Calls {n}" for n in range(8)}


async def test_a_goal_an_assistant_sets_for_themselves_waits_for_their_manager(world: GoalsWorld) -> None:
    """A target of 0.0001 calls, active at once, would count toward recognition and the bonus: it stays a draft."""
    own = await world.set_goal(as_=("ann", Role.ASSISTANT), target="0.0001")
    assert own["status"] == "draft"
    refused = await world.http.post(f"/v1/goals/{own['goal_id']}/activate", headers=token("ann", Role.ASSISTANT))
    assert refused.status_code == 403, refused.text
    activated = await world.http.post(f"/v1/goals/{own['goal_id']}/activate", headers=token("mia", Role.MANAGER))
    assert (activated.status_code, activated.json()["status"]) == (200, "active")

    offered = await world.set_goal(activate=False)  # a draft the manager set: its owner may take it on
    taken = await world.http.post(f"/v1/goals/{offered['goal_id']}/activate", headers=token("ann", Role.ASSISTANT))
    assert (taken.status_code, taken.json()["status"]) == (200, "active")


async def test_a_manager_sharing_a_team_sees_and_manages_only_their_own_reports(world: GoalsWorld) -> None:
    """Team west: eli reports to lena, fay to kai. Neither leads the team until the roster names lena."""
    west = [
        person("lena", "manager", team_id="west"),
        person("kai", "manager", team_id="west"),
        person("eli", "assistant", "lena", team_id="west"),
        person("fay", "assistant", "kai", team_id="west"),
    ]
    await world.publish(*west)
    await roster_reached(world.http, [p.person_id for p in west])
    hr = ("hana", Role.HR)
    elis, fays = await world.set_goal(owner_id="eli", as_=hr), await world.set_goal(owner_id="fay", as_=hr)
    teams = await world.set_goal(owner_id="west", owner_kind="team", as_=hr)

    async def dashboard(who: str) -> tuple[list[str], list[str]]:
        response = await world.http.get("/v1/teams/west/dashboard", headers=token(who, Role.MANAGER))
        assert response.status_code == 200, response.text
        board = response.json()
        return [m["person_id"] for m in board["members"]], [g["goal_id"] for g in board["team_goals"]]

    async def status(method: str, path: str, who: str, **body: object) -> int:
        call = await world.http.request(method, path, headers=token(who, Role.MANAGER), json=body or None)
        return call.status_code

    # Both are in the team, so both see its goal, as its assistants do; the team's members are another matter.
    assert await dashboard("kai") == (["fay"], [teams["goal_id"]])
    assert await status("GET", f"/v1/goals/{elis['goal_id']}", "kai") == 403
    assert await status("POST", f"/v1/goals/{teams['goal_id']}/cancel", "kai", reason="not mine") == 403
    assert await status("POST", f"/v1/goals/{teams['goal_id']}/cancel", "lena", reason="not hers yet") == 403
    assert await dashboard("lena") == (["eli"], [teams["goal_id"]])
    assert await status("GET", f"/v1/goals/{fays['goal_id']}", "kai") == 200

    await world.publish(person("lena", "manager", team_id="west", leads_team_ids=["west"]))

    async def lena_leads() -> tuple[list[str], list[str]] | None:
        board = await dashboard("lena")
        return board if len(board[0]) == 2 else None

    assert await eventually(lena_leads, what="lena's lead of west to reach goals") == (
        ["eli", "fay"],
        [teams["goal_id"]],
    )
    assert await dashboard("kai") == (["fay"], [teams["goal_id"]])
    assert await status("POST", f"/v1/goals/{teams['goal_id']}/cancel", "kai", reason="still not mine") == 403
    assert await status("POST", f"/v1/goals/{teams['goal_id']}/cancel", "lena", reason="replanned") == 200
