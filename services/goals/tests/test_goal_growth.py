"""Growth goals through the API: +N% over the owner's actual in the baseline period, from the activities stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from goals_support import GoalsWorld, sale, token

from pacer_shared.auth import Role
from pacer_testkit.stack import eventually


def growth_goal(now: datetime, change: int, baseline: str = "previous_period", **fields: Any) -> dict[str, Any]:
    return {
        "owner_id": "ann",
        "title": "More calls than last week",
        "metric": {"kinds": ["call"], "aggregation": "count"},
        "relative_target": {"change_percent": change, "baseline": baseline},
        "unit": "calls",
        "start": now.isoformat(),
        "end": (now + timedelta(days=7)).isoformat(),
        **fields,
    }


async def test_a_growth_target_is_resolved_from_the_previous_period_and_the_smart_check_shows_it(
    world: GoalsWorld,
) -> None:
    now = datetime.now(UTC)
    await world.record(*[sale("ann", at=now - timedelta(days=3, minutes=i)) for i in range(20)])
    body = growth_goal(now, 10)

    async def baseline_stored() -> dict[str, Any] | None:
        answer = await world.http.post("/v1/goals/smart-check", json=body, headers=token("mia", Role.MANAGER))
        report: dict[str, Any] = answer.json()
        return report if report["growth"] and report["growth"]["baseline_actual"] == "20" else None

    report = await eventually(baseline_stored, what="last week's twenty calls to be stored")
    assert report["passed"] is True
    assert report["growth"]["resolved_target"] == "22"
    assert report["measurable"]["reason"].startswith("22 calls: +10% over 20 calls, the actual of the previous period")

    created = await world.http.post("/v1/goals", json=body, headers=token("mia", Role.MANAGER))
    assert created.status_code == 201, created.text
    goal = created.json()
    assert (goal["target"], goal["status"]) == ("22", "active")
    assert goal["growth"]["baseline"] == "previous_period"
    assert goal["growth"]["baseline_actual"] == "20"
    assert (await world.goal(goal["goal_id"]))["growth"]["resolved_target"] == "22", "kept with the goal"


async def test_without_a_baseline_the_growth_goal_is_refused_with_the_reason(world: GoalsWorld) -> None:
    now = datetime.now(UTC)
    body = growth_goal(now, 10, "same_period_last_year")
    refused = await world.http.post("/v1/goals", json=body, headers=token("mia", Role.MANAGER))
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert "no baseline: nothing counted in the same period last year" in problem["detail"]
    assert problem["smart"]["measurable"]["passed"] is False

    both = await world.http.post("/v1/goals", json={**body, "target": 5}, headers=token("mia", Role.MANAGER))
    assert both.status_code == 422
    assert "either a target or a relative_target" in both.text


async def test_a_draft_growth_goal_is_resolved_again_when_its_manager_activates_it(world: GoalsWorld) -> None:
    now = datetime.now(UTC)
    await world.record(*[sale("ann", at=now - timedelta(days=2, minutes=i)) for i in range(10)])
    body = growth_goal(now, 50)

    async def baseline_is(actual: str) -> bool:
        answer = await world.http.post("/v1/goals/smart-check", json=body, headers=token("mia", Role.MANAGER))
        return answer.json()["growth"]["baseline_actual"] == actual  # type: ignore[no-any-return]

    await eventually(lambda: baseline_is("10"), what="last week's ten calls to be stored")
    proposed = await world.http.post("/v1/goals", json=body, headers=token("ann", Role.ASSISTANT))
    assert proposed.status_code == 201, proposed.text
    draft = proposed.json()
    assert (draft["status"], draft["target"]) == ("draft", "15")

    late = now - timedelta(days=1)  # two more calls of last week, reported late by the CRM
    await world.record(sale("ann", at=late), sale("ann", at=late))

    await eventually(lambda: baseline_is("12"), what="the late calls to be stored")
    activated = await world.http.post(f"/v1/goals/{draft['goal_id']}/activate", headers=token("mia", Role.MANAGER))
    assert activated.status_code == 200, activated.text
    goal = activated.json()
    assert (goal["status"], goal["growth"]["baseline_actual"]) == ("active", "12")
    assert goal["target"] == "18", "+50% over the twelve calls stored when it was activated"
